"""The course: the template's docs site and each bake's docs build with ``mkdocs build --strict``,
every place in a bake that points at its docs points at a page the bake carries, and a bake speaks
as the team's own project: no word of the template that made it, no placeholder, no file it lacks.

One source (``{{cookiecutter.project_slug}}/docs/``, docs/decisions/docs-per-bake.md): the template's site shows
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

from .support import STRATEGY_ANSWERS, TEMPLATE, bake, tracked_files

MKDOCS = Path(sys.executable).with_name("mkdocs")
OTHER = {"schema": "rls", "rls": "schema"}
COMPARISON_PAGE = "docs/the-other-strategy.md"
# A docs page named in a bake's files: `docs/ci-cd.md`, `docs/decisions/request-logs.md`
# (not `/api/v1/docs/`, which is the API's Swagger UI).
DOCS_REFERENCE = re.compile(r"(?<![\w/.-])docs/(?P<page>[\w./-]+?\.md)\b")
# What a bake must never say: its docs are its own, not "the template's".
TEMPLATE_DOCS = re.compile(r"template's\s+`?docs\b|template whose `?docs", re.IGNORECASE)
CONTENT_TAB = re.compile(r'^\s*=== "', re.MULTILINE)

# Words of the template, never the team's: a project is not "baked", and is not "this template".
TEMPLATE_WORDS = re.compile(r"\bbak(?:e|ed|es|ing|ery)\b|\bthis template\b|\bthe template's\b|\bcookiecutter\b", re.I)
BAKE_WORDS = re.compile(r"\bbak(?:e|ed|es|ing|ery)\b", re.I)
# Placeholders the hook should have filled in (GitHub's ${{ }} expressions are the workflows' own).
PLACEHOLDERS = re.compile(r"<package>|<project>|(?<!\$)\{\{|\{%")
# Where the template is the subject, for the team too: upgrading from it with cruft. Only "bake" is
# still wrong there.
UPGRADE_FILES = {"docs/upgrading.md", ".github/workflows/template-update.yml"}
# cruft's own record of the template (its keys name cookiecutter): not prose of the project.
NOT_PROSE = {".cruft.json"}
# A file path a line cites: `tests/test_x.py`, `config/settings/base.py`, `../README.md`.
CITED_PATH = re.compile(
    r"(?<![\w/.@~$-])((?:\.\.?/)*(?:[\w.-]+/)+[\w.-]*\.(?:py|md|ya?ml|toml|json|lock|tsx?|js|cfg|ini|sh|txt|html|css))"
    r"(?![\w/-])"
)
CITED_MODULE = re.compile(r"(?<![\w/.-])(test_\w+\.py)\b")  # a test module named alone
URL = re.compile(r"\w+://\S+")
# Cited paths that are examples, not files of the project (each says why).
EXAMPLE_PATHS = {
    ("docs/ci-cd.md", "./deploy/rollout.sh"),  # a rollout script the team may write for its platform
    ("docs/isolation-tests.md", "tests/test_invoices.py"),  # the team's own test of its model's extra route
}


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


def template_traces(project):
    """["path:line: what"] for every template word, placeholder or citation of a missing file in the
    files a bake would commit."""
    names = tracked_files(project)
    tracked = set(names)
    basenames = {Path(name).name for name in names}
    traces = []
    missing = []  # (name, number, path, line): paths to ask git about (built output is ignored)
    for name in names:
        if name in NOT_PROSE or name.endswith("package-lock.json"):  # npm's map of packages' own files
            continue
        try:
            text = (project / name).read_text()
        except UnicodeDecodeError:
            continue  # an icon, not prose
        django_template = name.endswith(".html") and "/templates/" in f"/{name}"  # {% %} is Django's here
        words = BAKE_WORDS if name in UPGRADE_FILES else TEMPLATE_WORDS
        here = Path(name).parent
        for number, line in enumerate(text.splitlines(), start=1):
            found = [match[0] for match in words.finditer(line)]
            if not django_template:
                found += [match[0] for match in PLACEHOLDERS.finditer(line)]
            traces += [f"{name}:{number}: {word!r}: {line.strip()[:140]}" for word in found]
            cited = URL.sub("", line)
            for match in CITED_PATH.finditer(cited):
                path = match[1]
                relative = os.path.normpath(here / path)
                if (name, path) in EXAMPLE_PATHS or os.path.normpath(path) in tracked or relative in tracked:
                    continue
                if any(other.endswith("/" + path.lstrip("./")) for other in tracked):
                    continue  # `tenancy/isolation.py`, inside the package
                missing.append((name, number, path, line))
            for match in CITED_MODULE.finditer(cited):
                if match[1] not in basenames:
                    traces.append(f"{name}:{number}: {match[1]} is not in the project: {line.strip()[:140]}")
    if missing:
        paths = sorted({path for _, _, path, _ in missing})
        ignored = subprocess.run(
            ["git", "check-ignore", "--no-index", "--stdin"],
            cwd=project,
            input="\n".join(paths),
            capture_output=True,
            text=True,
        ).stdout.split()
        traces += [
            f"{name}:{number}: {path} is not in the project: {line.strip()[:140]}"
            for name, number, path, line in missing
            if path not in ignored  # built output (frontend/dist/...) is the project's, untracked
        ]
    return traces


def test_the_template_site_builds_strict(tmp_path):
    site = build_site(TEMPLATE, tmp_path / "site")
    for page in ("request-flow", "adding-a-model", "schema-strategy", "rls-strategy", "pitfalls"):
        assert (site / page / "index.html").is_file(), f"the template's site has no {page} page"


@pytest.mark.parametrize("strategy", sorted(STRATEGY_ANSWERS))
def test_a_bake_builds_its_own_docs_strict(strategy_bakes, strategy, tmp_path):
    project = strategy_bakes[strategy]
    build_site(project, tmp_path / "site")
    assert (project / COMPARISON_PAGE).is_file()
    assert (project / "docs" / f"{strategy}-strategy.md").is_file()
    assert not (project / "docs" / f"{OTHER[strategy]}-strategy.md").exists()
    assert not (project / "docs" / "schema-or-rls.md").exists(), "the comparison ships as the-other-strategy.md"
    assert (project / "docs" / "frontend.md").exists() == (STRATEGY_ANSWERS[strategy]["frontend"] == "react")
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


@pytest.mark.parametrize("strategy", sorted(STRATEGY_ANSWERS))
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


@pytest.fixture(scope="module")
def every_bake(strategy_bakes, tmp_path_factory):
    """A bake of each strategy with each front-end answer: the two above and their two others."""
    root = tmp_path_factory.mktemp("answers")
    bakes = {}
    for strategy, answers in STRATEGY_ANSWERS.items():
        bakes[strategy, answers["frontend"]] = strategy_bakes[strategy]
        frontend = "none" if answers["frontend"] == "react" else "react"
        bakes[strategy, frontend] = bake(
            root / f"{strategy}-{frontend}",
            tenancy_strategy=strategy,
            tenant_routing=answers["tenant_routing"],
            frontend=frontend,
        )
    return bakes


@pytest.mark.parametrize("frontend", ["react", "none"])
@pytest.mark.parametrize("strategy", sorted(STRATEGY_ANSWERS))
def test_a_bake_speaks_as_its_own_project(every_bake, strategy, frontend):
    traces = template_traces(every_bake[strategy, frontend])
    assert not traces, (
        f"{len(traces)} line(s) of the {strategy}/{frontend} bake speak as the template, not as the team's project: "
        'say "this project", write `<package>` in docs/ (the hook fills in the package), cite only files the '
        "project has (the template's history and tests belong in the template's own docs/):\n" + "\n".join(traces)
    )


def test_the_trace_check_catches_template_words_placeholders_and_missing_files(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "here.md").write_text("# Here\n")
    (tmp_path / "docs" / "upgrading.md").write_text("cruft update brings the template's changes\nthe bake\n")
    (tmp_path / "app.py").write_text(
        "# see docs/here.md, docs/gone.md and test_upgrade.py\n"
        "# the baked project\n"
        "# from <package>.api import x, {{ cookiecutter.project_slug }}\n"
        "# ${{ secrets.TOKEN }} at https://example.com/a/b.py\n"
    )
    assert template_traces(tmp_path) == [
        "app.py:1: test_upgrade.py is not in the project: # see docs/here.md, docs/gone.md and test_upgrade.py",
        "app.py:2: 'baked': # the baked project",
        "app.py:3: 'cookiecutter': # from <package>.api import x, {{ cookiecutter.project_slug }}",
        "app.py:3: '<package>': # from <package>.api import x, {{ cookiecutter.project_slug }}",
        "app.py:3: '{{': # from <package>.api import x, {{ cookiecutter.project_slug }}",
        "docs/upgrading.md:2: 'bake': the bake",
        "app.py:1: docs/gone.md is not in the project: # see docs/here.md, docs/gone.md and test_upgrade.py",
    ]
