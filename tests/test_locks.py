"""Every dependency variant's uv.lock matches its baked pyproject.toml (scripts/lock.py, `make lock`)."""

import shutil
import subprocess
import sys

from .support import TEMPLATE


def lock_check(template):
    return subprocess.run(
        [sys.executable, str(template / "scripts" / "lock.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_variants_lock_matches_its_baked_pyproject():
    result = lock_check(TEMPLATE)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "every lock matches its pyproject.toml" in result.stdout


def test_a_stale_lock_fails_and_names_the_fix(tmp_path):
    """A dependency changed in pyproject.toml without `make lock`: the check fails and says so."""
    copy = tmp_path / "template"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns(".git", ".venv", "build", "__pycache__"))
    pyproject = copy / "{{cookiecutter.project_slug}}" / "pyproject.toml"
    text = pyproject.read_text()
    assert '"whitenoise==6.12.0"' in text
    pyproject.write_text(text.replace('"whitenoise==6.12.0"', '"whitenoise==6.11.0"'))

    result = lock_check(copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "run `make lock` at the template's root" in result.stderr, result.stderr
    for variant in ("schema-react", "schema-none", "rls-react", "rls-none"):
        assert f"_locks/{variant}.lock" in result.stderr, result.stderr
