"""Regenerate the uv.lock of every dependency variant of the template: `make lock`.

A baked project installs from its uv.lock (every package pinned, with hashes), and the bake
makes no network call, so the template ships one lock per variant of the baked pyproject.toml:
{{cookiecutter.project_slug}}/_locks/<variant>.lock, where <variant> joins the answers named
by cookiecutter.json's "_lock_axes" (the answers that change the dependencies). The
post-generation hook copies the bake's variant to uv.lock, with the project's own name.

For each variant this bakes the template with a placeholder slug and runs `uv lock` in it.
`--check` only verifies (what tests/test_locks.py runs): it exits 1 naming each stale variant.
To add an answer that changes the dependencies, add its name to "_lock_axes" and run make lock.
"""

import argparse
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
LOCKS = TEMPLATE / "{{cookiecutter.project_slug}}" / "_locks"
# The slug the locks are made with; the hook replaces its normalized form by the project's.
PLACEHOLDER_SLUG = "lock_placeholder_project"
PLACEHOLDER_NAME = "lock-placeholder-project"


def variants():
    """[{axis: choice}] for every combination of the lock axes' choices."""
    config = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    axes = config["_lock_axes"]
    return [dict(zip(axes, choices, strict=True)) for choices in itertools.product(*(config[axis] for axis in axes))]


def variant_name(answers):
    return "-".join(answers.values())


def uv():
    path = shutil.which("uv", path=str(Path(sys.executable).parent))
    if not path:
        sys.exit("uv is not installed next to this Python: run `make install` at the template's root.")
    return path


def bake(answers, output_dir):
    context = {"project_name": "Lock placeholder project", "project_slug": PLACEHOLDER_SLUG, **answers}
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(output_dir), extra_context=context))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only verify that every lock matches its pyproject.toml")
    check = parser.parse_args().check
    stale = []
    with tempfile.TemporaryDirectory(prefix="template-locks-") as tmp:
        for answers in variants():
            name = variant_name(answers)
            project = bake(answers, Path(tmp) / name)
            lock = LOCKS / f"{name}.lock"
            if lock.is_file():
                (project / "uv.lock").write_text(lock.read_text())
            else:
                (project / "uv.lock").unlink(missing_ok=True)
            command = [uv(), "lock", "--python", sys.executable]
            if check:
                command.append("--check")
            result = subprocess.run(command, cwd=project, capture_output=True, text=True)
            if check:
                if result.returncode != 0 or not lock.is_file():
                    said = [line for line in result.stderr.splitlines() if line and not line.startswith("hint:")]
                    reason = said[-1] if said else "missing"
                    stale.append(
                        f"{lock.relative_to(TEMPLATE)} ({', '.join(f'{k}={v}' for k, v in answers.items())}): {reason}"
                    )
                continue
            if result.returncode != 0:
                sys.exit(f"uv lock failed for {name}:\n{result.stdout}{result.stderr}")
            LOCKS.mkdir(exist_ok=True)
            lock.write_text((project / "uv.lock").read_text())
            print(f"locked {lock.relative_to(TEMPLATE)}")
        if not check:
            known = {f"{variant_name(answers)}.lock" for answers in variants()}
            for leftover in sorted(LOCKS.glob("*.lock")):
                if leftover.name not in known:
                    leftover.unlink()
                    print(f"removed {leftover.relative_to(TEMPLATE)} (no such variant)")
    if stale:
        sys.exit(
            "Out of step with the baked pyproject.toml; run `make lock` at the template's root:\n  "
            + "\n  ".join(stale)
        )
    if check:
        print(f"every lock matches its pyproject.toml ({len(variants())} variants)")


if __name__ == "__main__":
    main()
