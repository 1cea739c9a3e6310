"""The bake itself: answers validated up front, nothing half-made, reproducible output."""

import filecmp
import json
import re
import subprocess

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from .support import COMBINATION_IDS, COMBINATIONS, PROJECT_NAME, SLUG, TEMPLATE, bake, tracked_files

JINJA_LEFTOVER = re.compile(
    r"{{ ?cookiecutter|{%-? ?(if|for|endif|endfor|raw|endraw)\b|cookiecutter\.(project_|tenan|domain|description)"
)


@pytest.mark.parametrize(("strategy", "routing"), COMBINATIONS, ids=COMBINATION_IDS)
def test_bake_leaves_no_template_syntax_and_no_other_strategy(tmp_path, strategy, routing):
    project = bake(tmp_path, tenancy_strategy=strategy, tenant_routing=routing)
    assert project.name == SLUG
    assert not (project / "_strategy").exists()
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            text = path.read_text()
            assert not JINJA_LEFTOVER.search(text), f"unrendered template syntax in {path.relative_to(project)}"
    isolation = (project / SLUG / "tenancy" / "isolation.py").read_text()
    assert f"{strategy} strategy" in isolation


@pytest.mark.parametrize(("strategy", "routing"), COMBINATIONS, ids=COMBINATION_IDS)
def test_baking_twice_gives_identical_tracked_files(tmp_path, strategy, routing):
    first = bake(tmp_path / "first", tenancy_strategy=strategy, tenant_routing=routing)
    second = bake(tmp_path / "second", tenancy_strategy=strategy, tenant_routing=routing)
    files = tracked_files(first)
    assert files == tracked_files(second)
    assert ".env" not in files, ".env holds the secret key and must stay untracked"
    _same, mismatch, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert (first / ".env").read_text() != (second / ".env").read_text(), "each bake gets its own secret key"


def test_regenerating_over_a_project_keeps_its_env_and_secret_key(tmp_path):
    project = bake(tmp_path)
    env_before = (project / ".env").read_text()
    cookiecutter(
        str(TEMPLATE),
        no_input=True,
        output_dir=str(tmp_path),
        overwrite_if_exists=True,
        extra_context={"project_name": PROJECT_NAME},
    )
    assert (project / ".env").read_text() == env_before


def test_bake_records_its_template_and_answers_in_cruft_json(tmp_path):
    """A plain cookiecutter bake writes what `cruft create` would: cruft works with no `cruft link`."""
    project = bake(tmp_path, tenancy_strategy="schema", tenant_routing="header", domain_name="acme.io")
    state = json.loads((project / ".cruft.json").read_text())
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=TEMPLATE, capture_output=True, text=True).stdout.strip()
    assert state["template"] == str(TEMPLATE)
    assert state["commit"] == commit, "the template's commit, read from its git checkout"
    answers = state["context"]["cookiecutter"]
    assert answers["project_name"] == PROJECT_NAME
    assert answers["tenancy_strategy"] == "schema"
    assert answers["tenant_routing"] == "header"
    assert answers["domain_name"] == "acme.io"
    assert (answers["_template"], answers["_commit"]) == (str(TEMPLATE), commit)
    assert not {"_output_dir", "_repo_dir", "_checkout"} & set(answers), "machine-specific keys break reproducibility"
    assert {".cruft.json", ".env", ".venv", ".pgdata"} <= set(state["skip"]), state["skip"]
    assert not (project / ".cookiecutter.json").exists(), ".cruft.json is the one record of the answers"


def test_the_bake_installs_its_variants_lock_under_its_own_name(tmp_path):
    project = bake(tmp_path, tenancy_strategy="rls", project_name="Globex Portal")
    lock = (project / "uv.lock").read_text()
    assert '\nname = "globex-portal"\nversion = "0.1.0"\nsource = { editable = "." }' in lock
    assert "lock-placeholder-project" not in lock
    assert 'name = "django-tenants"' not in lock, "the rls lock has no django-tenants"
    assert not (project / "_locks").exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_slug": "1acme"}, "not a valid package name"),
        ({"project_slug": "Acme"}, "not a valid package name"),
        ({"project_slug": "acme-cloud"}, "not a valid package name"),
        ({"project_slug": "class"}, "keyword or standard-library"),
        ({"project_slug": "json"}, "keyword or standard-library"),
        ({"project_slug": "django"}, "clashes with a module"),
        ({"project_slug": "config"}, "clashes with a module"),
        ({"project_slug": "tenancy"}, "clashes with a module"),
        ({"domain_name": "Not A Domain"}, "not a lowercase DNS name"),
    ],
)
def test_bad_answers_are_refused_and_leave_nothing_behind(tmp_path, capfd, answers, message):
    with pytest.raises(FailedHookException):
        bake(tmp_path, **answers)
    assert message in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == [], "a refused bake must not leave a half-made project"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        (PROJECT_NAME, SLUG),
        ("Bob's Books", "bobs_books"),
        ("Café Cloud", "cafe_cloud"),
        ("O\u2019Reilly Media", "oreilly_media"),
        ("Globex-Portal v2.0", "globex_portal_v2_0"),
    ],
)
def test_the_slug_is_derived_from_a_name_with_punctuation_or_accents(tmp_path, name, slug):
    project = bake(tmp_path, project_name=name)
    assert project.name == slug
    assert (project / slug / "tenancy" / "admin_site.py").is_file()
    assert (project / "README.md").read_text().startswith(f"# {name}\n")
    assert json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"]["project_slug"] == slug


def test_the_hook_derives_the_slug_as_cookiecutter_json_does():
    """The hook tells a derived slug from one set by hand with cookiecutter.json's own expression."""
    expression = json.loads((TEMPLATE / "cookiecutter.json").read_text())["project_slug"]
    assert expression in (TEMPLATE / "hooks" / "pre_gen_project.py").read_text()


@pytest.mark.parametrize(
    ("name", "slug", "suggestion"),
    [
        ("3D Prints", "3d_prints", "project_3d_prints"),
        ("Json", "json", "json_project"),
        ("Bench", "bench", "bench_project"),
        ("X", "x", "x_project"),
        ("!!!", "_", "project"),
        ("A project name far too long to be a package", "a_project_name_far_too_long_to_be_a_package", None),
    ],
)
def test_a_name_that_gives_no_valid_slug_is_refused_with_the_answer_to_set(tmp_path, capfd, name, slug, suggestion):
    with pytest.raises(FailedHookException):
        bake(tmp_path / "refused", project_name=name)
    err = capfd.readouterr().err
    assert f"project_slug {slug!r}, derived from project_name {name!r}," in err
    suggested = re.search(r"Set the answer project_slug yourself, for example project_slug=(\w+)$", err, re.M)
    assert suggested, err
    if suggestion:
        assert suggested[1] == suggestion
    assert bake(tmp_path / "suggested", project_name=name, project_slug=suggested[1]).name == suggested[1]


def test_a_slug_set_by_hand_is_not_said_to_come_from_the_name(tmp_path, capfd):
    with pytest.raises(FailedHookException):
        bake(tmp_path, project_slug="acme-cloud")
    err = capfd.readouterr().err
    assert "project_slug 'acme-cloud' is not a valid package name" in err
    assert "derived from" not in err
    assert "for example project_slug=acme_cloud" in err


@pytest.mark.parametrize("name", ['Acme "Cloud"', "Acme\\Cloud"])
def test_a_name_that_would_break_the_projects_strings_is_refused(tmp_path, capfd, name):
    with pytest.raises(FailedHookException):
        bake(tmp_path, project_name=name)
    assert f"project_name {name!r} has a double quote, a backslash" in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("answers", [{"tenancy_strategy": "database"}, {"tenant_routing": "path"}])
def test_an_answer_outside_the_choices_is_refused(tmp_path, answers):
    """Cookiecutter refuses these itself, before the hook (which checks them again for replays)."""
    with pytest.raises(ValueError, match="choices are"):
        bake(tmp_path, **answers)
    assert list(tmp_path.iterdir()) == []


def test_the_template_has_every_documented_part():
    for part in ("cookiecutter.json", "hooks/pre_gen_project.py", "hooks/post_gen_project.py", "README.md", ".ci/run"):
        assert (TEMPLATE / part).exists(), part
    assert (TEMPLATE / "{{cookiecutter.project_slug}}" / "docs" / "index.md").exists()
    assert (TEMPLATE / "mkdocs.yml").exists()
