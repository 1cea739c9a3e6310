"""Each baked project, for every answer combination: lint-clean and deployable.

These run the baked project's own tools from its own .venv, exactly as its developers and
its CI would. Its whole suite runs once, in its clean clone's CI (tests/test_clean_clone.py).
"""

import pytest

from .support import BAKES, ROUTINGS, STRATEGIES, bake, run

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-production-like-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
    "ALLOWED_HOSTS": ".acme.io",
    "BASE_DOMAIN": "acme.io",
    # Never contacted: check --deploy and makemigrations --check need settings, not a server.
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/acme_cloud",
    "DATABASE_OWNER_URL": "postgres://app_owner:secret@db.internal:5432/acme_cloud",
    "EMAIL_URL": "smtp://mailer:secret@mail.internal:587",
}


def test_ruff_passes_on_the_baked_code(baked):
    run([baked.tool("ruff"), "check", "."], cwd=baked.path)
    run([baked.tool("ruff"), "format", "--check", "."], cwd=baked.path)


# Names whose packages sort before, between and after the bake's other top-level packages (bench,
# config, scripts, tests): neither the imports' order nor the migrations may depend on the name.
OTHER_NAMES = ("Alpha One", "Beta Books", "Quill", "Zebra Works")
# Each name in both strategies, the routing alternating so that each strategy sees both.
NAMED_BAKES = [
    (name, strategy, ROUTINGS[(index + turn) % 2])
    for index, name in enumerate(OTHER_NAMES)
    for turn, strategy in enumerate(STRATEGIES)
]
# Whose installed .venv checks the named bakes of a strategy (one strategy, one set of dependencies).
TOOLS_ROUTING = dict(BAKES)


@pytest.mark.parametrize(
    ("name", "strategy", "routing"), NAMED_BAKES, ids=[f"{name.replace(' ', '')}-{s}-{r}" for name, s, r in NAMED_BAKES]
)
def test_any_project_name_passes_lint_and_has_its_migrations(tmp_path, bakery, name, strategy, routing):
    """A bake under another name, checked with an installed bake's tools: manage.py puts its own
    folder first on sys.path, so the named bake's config and package are the ones imported."""
    tools = bakery(strategy, TOOLS_ROUTING[strategy])
    project = bake(tmp_path, project_name=name, tenancy_strategy=strategy, tenant_routing=routing)
    run([tools.tool("ruff"), "check", "."], cwd=project)
    run([tools.tool("ruff"), "format", "--check", "."], cwd=project)
    run([str(tools.python), "manage.py", "makemigrations", "--check", "--dry-run"], cwd=project, env=PRODUCTION_ENV)


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


def test_production_settings_refuse_a_missing_or_development_secret_key(baked):
    """No .env is ever read by production settings, and a development key is refused."""
    assert "SECRET_KEY=" in (baked.path / ".env").read_text(), "the bake's .env holds a key that must not be read"
    without_key = {name: value for name, value in PRODUCTION_ENV.items() if name != "SECRET_KEY"}
    for env in (without_key, {**without_key, "SECRET_KEY": ""}):
        missing = baked.manage("check", env=env, check=False)
        assert missing.returncode != 0
        assert "Set the SECRET_KEY environment variable" in missing.stderr, missing.stderr
    for key in ("django-insecure-local-development-key-never-used-in-production", "django-insecure-anything"):
        refused = baked.manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": key}, check=False)
        assert refused.returncode != 0
        assert "SECRET_KEY is a development key" in refused.stderr, refused.stderr
