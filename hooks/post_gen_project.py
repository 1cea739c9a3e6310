"""Shape the baked project to its answers: keep the chosen strategy, write the local .env.

The template keeps every strategy-specific file under ``_strategy/<strategy>/``, mirroring
the project tree. This hook copies the chosen one into place and deletes the rest, so the
baked project holds one implementation and no trace of the other.
"""

import secrets
import shutil
from pathlib import Path

STRATEGY = "{{ cookiecutter.tenancy_strategy }}"
PROJECT = Path.cwd()


def install_strategy():
    source = PROJECT / "_strategy" / STRATEGY
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = PROJECT / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    shutil.rmtree(PROJECT / "_strategy")


def write_local_env():
    """Random values live only in the untracked .env, so two bakes give identical tracked files.

    Regenerating over an existing project (an upgrade) keeps its .env and secret key.
    """
    env_file = PROJECT / ".env"
    if env_file.exists():
        return
    env_file.write_text(
        "# Local settings, never committed. Production takes these from its environment.\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
    )
    env_file.chmod(0o600)


def main():
    install_strategy()
    write_local_env()
    print(
        "\nBaked {{ cookiecutter.project_slug }} ({{ cookiecutter.tenancy_strategy }} strategy, "
        "{{ cookiecutter.tenant_routing }} routing).\n"
        "  cd {{ cookiecutter.project_slug }}\n"
        "  make run    # installs, starts PostgreSQL, creates demo tenants, serves :8000\n"
        "  make test   # the whole suite, against real PostgreSQL\n"
    )


if __name__ == "__main__":
    main()
