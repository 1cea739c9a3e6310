"""The course: the template's docs site and each bake's docs build with ``mkdocs build --strict``,
and every place in a bake that points at its docs points at a page the bake carries.

One source (``{{cookiecutter.project_slug}}/docs/``, decisions/0011): the template's site shows
both strategies side by side; the bake hook keeps each bake's own (content tabs, ``ship_to``,
``ship_as``). Each strategy is baked once, with one front-end answer each, so both front-end
paths of the hook are covered: about 30 seconds, no install.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TEMPLATE, bake, tracked_files

MKDOCS = Path(sys.executable).with_name("mkdocs")
BAKES = {
    "schema": {"tenant_routing": "subdomain", "frontend": "react"},
    "rls": {"tenant_routing": "header", "frontend": "none"},
}
OTHER = {"schema": "rls", "rls": "schema"}
COMPARISON_PAGE = "docs/the-other-strategy.md"
# A docs page named in a bake's files: `docs/ci-cd.md`, `docs/decisions/0006-request-logs.md`
# (not `/api/v1/docs/`, which is the API's Swagger UI).
DOCS_REFERENCE = re.compile(r"(?<![\w/.-])docs/(?P<page>[\w./-]+?\.md)\b")
# What a bake must never say: its docs are its own, not "the template's".
TEMPLATE_DOCS = re.compile(r"template's\s+`?docs\b|template whose `?docs", re.IGNORECASE)
CONTENT_TAB = re.compile(r'^\s*=== "', re.MULTILINE)


def build_site(folder, destination):
    """``mkdocs build --strict`` of the mkdocs.yml in ``folder``; fails the test with mkdocs' own words."""
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(destination)],
        cwd=folder,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},  # material's notice about MkDocs 2.0, not a warning of ours
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed in {folder}:\n{result.stdout}\n{result.stderr}"
    return destination


def broken_references(project):
    """["path:line: docs/page.md"] for every docs page a bake's file names that the bake lacks,
    and every line that sends the reader to "the template's docs"."""
    broken = []
    for name in tracked_files(project):
        try:
            text = (project / name).read_text()
        except UnicodeDecodeError:
            continue  # an icon, not prose
        for number, line in enumerate(text.splitlines(), start=1):
            if TEMPLATE_DOCS.search(line):
                broken.append(f"{name}:{number}: points at the template's docs, not this project's: {line.strip()}")
            for match in DOCS_REFERENCE.finditer(line):
                if not (project / "docs" / match["page"]).is_file():
                    broken.append(f"{name}:{number}: docs/{match['page']} is not in the bake: {line.strip()}")
    return broken


@pytest.fixture(scope="module")
def strategy_bakes(tmp_path_factory):
    root = tmp_path_factory.mktemp("docs")
    return {
        strategy: bake(root / strategy, tenancy_strategy=strategy, **answers) for strategy, answers in BAKES.items()
    }


def test_the_template_site_builds_strict(tmp_path):
    site = build_site(TEMPLATE, tmp_path / "site")
    for page in ("request-flow", "adding-a-model", "schema-strategy", "rls-strategy", "pitfalls"):
        assert (site / page / "index.html").is_file(), f"the template's site has no {page} page"


@pytest.mark.parametrize("strategy", sorted(BAKES))
def test_a_bake_builds_its_own_docs_strict(strategy_bakes, strategy, tmp_path):
    project = strategy_bakes[strategy]
    build_site(project, tmp_path / "site")
    assert (project / COMPARISON_PAGE).is_file()
    assert (project / "docs" / f"{strategy}-strategy.md").is_file()
    assert not (project / "docs" / f"{OTHER[strategy]}-strategy.md").exists()
    assert not (project / "docs" / "schema-or-rls.md").exists(), "the comparison ships as the-other-strategy.md"
    assert (project / "docs" / "frontend.md").exists() == (BAKES[strategy]["frontend"] == "react")
    leftovers = [
        path.relative_to(project).as_posix()
        for path in sorted((project / "docs").rglob("*.md"))
        if CONTENT_TAB.search(path.read_text()) or path.read_text().startswith("---\n")
    ]
    assert not leftovers, f"pages that still hold the template's tabs or front matter: {leftovers}"
    # The bake's `make lint` (and CI) runs `ruff format --check .`, which formats the Python blocks
    # of Markdown too: the docs must pass it as shipped (the same ruff, pinned in both).
    formatted = subprocess.run(
        [str(MKDOCS.with_name("ruff")), "format", "--check", "--diff", "docs"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert formatted.returncode == 0, (
        f"the bake's docs fail its ruff format --check:\n{formatted.stdout}{formatted.stderr}"
    )


@pytest.mark.parametrize("strategy", sorted(BAKES))
def test_every_docs_reference_in_a_bake_resolves_inside_it(strategy_bakes, strategy):
    broken = broken_references(strategy_bakes[strategy])
    assert not broken, (
        f"{len(broken)} reference(s) in the {strategy} bake point at docs it does not carry; name a page under "
        "{{cookiecutter.project_slug}}/docs/ that this bake ships (or ship it):\n" + "\n".join(broken)
    )


def test_the_reference_check_catches_a_missing_page_and_the_template_wording(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "here.md").write_text("# Here\n")
    (tmp_path / "app.py").write_text(
        "# see docs/here.md and /api/v1/docs/\n# see docs/missing.md\n# the template's docs/here.md\n"
    )
    assert broken_references(tmp_path) == [
        "app.py:2: docs/missing.md is not in the bake: # see docs/missing.md",
        "app.py:3: points at the template's docs, not this project's: # the template's docs/here.md",
    ]
