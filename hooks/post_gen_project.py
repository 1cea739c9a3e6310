"""Shape the baked project to its answers: keep the chosen strategy, routing and front end,
stamp the committed OpenAPI schema with the project's names, write the local .env.

The template keeps every strategy-specific file under ``_strategy/<strategy>/`` and every
routing-specific one under ``_routing/<routing>/``, mirroring the project tree. This hook
copies the chosen ones into place and deletes the rest, so the baked project holds one
implementation and no trace of the other.
"""

import secrets
import shutil
from pathlib import Path

import yaml  # PyYAML: a dependency of cookiecutter itself, so every bake has it

STRATEGY = "{{ cookiecutter.tenancy_strategy }}"
ROUTING = "{{ cookiecutter.tenant_routing }}"
FRONTEND = "{{ cookiecutter.frontend }}"
PROJECT = Path.cwd()
# What the committed schema says that depends on the answers (the rest depends on the code).
SCHEMA_INFO = {
    # Written as config/settings/base.py writes them, so both read the same.
    "title": "{{ cookiecutter.project_name }} API",
    "description": "{{ cookiecutter.description }}",
}
BASE_DOMAIN = "{{ cookiecutter.domain_name }}"


def install_overlay(folder, choice):
    source = PROJECT / folder / choice
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = PROJECT / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    shutil.rmtree(PROJECT / folder)


def remove_frontend():
    """frontend=none: no front end, and nothing that would build, serve or test one."""
    shutil.rmtree(PROJECT / "frontend")
    (PROJECT / "{{ cookiecutter.project_slug }}" / "spa.py").unlink()
    (PROJECT / "tests" / "e2e" / "test_frontend.py").unlink()


class SchemaDumper(yaml.SafeDumper):
    """Writes YAML as ``manage.py spectacular`` does, so the stamped file is byte-identical to its output."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, data):
    node = dumper.represent_str(data)
    node.style = "|" if "\n" in data else None
    return node


SchemaDumper.add_representer(str, _represent_str)


def stamp_schema():
    """openapi.yaml as this project's ``manage.py spectacular`` writes it: its title, description, domain.

    The template commits the schema of each routing as baked with the default answers
    (``make contract`` in the template refreshes them); only these values differ per bake.
    """
    path = PROJECT / "openapi.yaml"
    schema = yaml.safe_load(path.read_text())
    schema["info"].update(SCHEMA_INFO)
    for server in schema.get("servers", []):
        server["variables"]["base_domain"]["default"] = BASE_DOMAIN
    path.write_text(
        yaml.dump(schema, default_flow_style=False, sort_keys=False, allow_unicode=True, Dumper=SchemaDumper)
    )


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
    install_overlay("_strategy", STRATEGY)
    install_overlay("_routing", ROUTING)
    if FRONTEND == "none":
        remove_frontend()
    stamp_schema()
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
