"""Each baked project, for every answer combination: lint-clean, deployable, and green.

These run the baked project's own tools from its own .venv, exactly as its developers and
its CI would.
"""

import re

from .conftest import run

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-production-like-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
    "ALLOWED_HOSTS": ".acme.io",
    "BASE_DOMAIN": "acme.io",
    # Never contacted: check --deploy and makemigrations --check need settings, not a server.
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/acme_cloud",
    "DATABASE_OWNER_URL": "postgres://app_owner:secret@db.internal:5432/acme_cloud",
}


def test_ruff_passes_on_the_baked_code(baked):
    run([baked.tool("ruff"), "check", "."], cwd=baked.path)
    run([baked.tool("ruff"), "format", "--check", "."], cwd=baked.path)


def test_check_deploy_passes_under_production_settings(baked):
    result = baked.manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert "no issues" in result.stdout


def test_no_model_change_lacks_a_migration(baked):
    baked.manage("makemigrations", "--check", "--dry-run", env=PRODUCTION_ENV)


def test_production_settings_refuse_to_start_without_database_url(baked):
    env = {**PRODUCTION_ENV, "DATABASE_URL": ""}
    result = baked.manage("check", env=env, check=False)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_the_baked_projects_own_make_test_passes(baked, capsys):
    """The whole suite of the baked project (unit, isolation, e2e), nothing skipped."""
    result = baked.make("test")
    summaries = [line for line in result.stdout.splitlines() if re.match(r"^=+ .* in [\d.]+s", line)]
    assert summaries, f"no pytest summary line in the output of make test:\n{result.stdout[-3000:]}"
    summary = summaries[-1]
    figures = [
        line
        for line in result.stdout.splitlines()
        if "requests/s" in line or "s/tenant" in line or line.startswith(("stalled database", "API fuzzer"))
    ]
    with capsys.disabled():
        print(f"\n{baked.strategy}-{baked.routing} make test: {summary}", *figures, sep="\n  ")
    assert re.search(r"\d+ passed", summary), summary
    assert not re.search(r"skipped|failed|error", summary), summary
