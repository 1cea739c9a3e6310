"""Bake the template with every answer combination, once per test session.

``baked(strategy, routing)`` returns a baked project with its own ``.venv`` installed by the
project's own ``make install``; every bake shares one pip and uv cache, so only the first
download costs. Each bake gets its own embedded PostgreSQL (in its ``.pgdata/``), stopped at
the end. ``cloned(strategy, routing)`` is that bake as a team receives it: committed to git and
cloned into another folder (no ``.env``, no ``.venv``, nothing untracked). ``strategy_bakes`` is
one bake of each strategy, not installed, for the checks that read files. Helpers are in support.py.

``make test`` runs the suite on two pytest-xdist workers (``--dist loadgroup``): the tests of one
combination's installed bake or clone form one unit, run by one worker, so each is installed once;
the longest work goes first. ``make test-fast`` runs the FAST_MODULES alone.
"""

import os
import re
import shutil
import tempfile
import venv
from pathlib import Path

import pytest

from .support import COMBINATION_IDS, COMBINATIONS, SLUG, STRATEGY_ANSWERS, BakedProject, bake, commit_and_clone

# The fast tier (`make test-fast`: `pytest -m fast`), run on every change: how a bake is made and
# what it says, the docs, and each bake's lint and deploy check. No baked suite, server or browser.
FAST_MODULES = {
    "test_hooks",
    "test_frontend_answer",
    "test_locks",
    "test_no_trace",
    "test_docs",
    "test_one_mechanism",
    "test_seam",
    "test_baked_project",
}
# Work that takes minutes and is not one combination's group: started first, so that no worker is
# left with a long test at the end while the other waits.
LONG_FIRST = ("test_first_model", "test_upgrade")


@pytest.fixture(scope="session")
def bakery_root():
    """Bakes live outside pytest's temporary folder: each pytest session (the baked projects' own
    included) resets that folder to mode 0700, which would lock the embedded PostgreSQL's
    system user out of the bakes' .pgdata/."""
    root = Path(tempfile.mkdtemp(prefix="template-bakes-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root)


@pytest.fixture(scope="session")
def bakery(bakery_root):
    """baked(strategy, routing): the installed bake for that combination, made on first use."""
    root = bakery_root
    made = {}

    def baked(strategy, routing):
        key = (strategy, routing)
        if key not in made:
            path = bake(root / f"{strategy}-{routing}", tenancy_strategy=strategy, tenant_routing=routing)
            project = BakedProject(path, strategy, routing)
            project.make("install")
            made[key] = project
        return made[key]

    yield baked
    for project in made.values():
        project.stop_database()


@pytest.fixture(params=COMBINATIONS, ids=COMBINATION_IDS)
def baked(request, bakery):
    return bakery(*request.param)


@pytest.fixture(scope="session")
def clonery(bakery_root):
    """cloned(strategy, routing): a fresh bake, committed and cloned; not installed (the clone's
    own CI steps, or make run, install it). Its embedded PostgreSQL, if started, is stopped at the end."""
    made = {}

    def cloned(strategy, routing):
        key = (strategy, routing)
        if key not in made:
            origin = bake(
                bakery_root / f"origin-{strategy}-{routing}", tenancy_strategy=strategy, tenant_routing=routing
            )
            path = commit_and_clone(origin, bakery_root / f"clone-{strategy}-{routing}" / SLUG)
            made[key] = BakedProject(path, strategy, routing)
        return made[key]

    yield cloned
    for project in made.values():
        project.stop_database()


@pytest.fixture(params=COMBINATIONS, ids=COMBINATION_IDS)
def cloned(request, clonery):
    return clonery(*request.param)


@pytest.fixture(scope="session")
def strategy_bakes(tmp_path_factory):
    """{strategy: path}: one bake of each strategy (STRATEGY_ANSWERS), not installed, for reading."""
    root = tmp_path_factory.mktemp("strategy-bakes")
    return {
        strategy: bake(root / strategy, tenancy_strategy=strategy, **answers)
        for strategy, answers in STRATEGY_ANSWERS.items()
    }


@pytest.fixture(scope="session")
def runner_python(tmp_path_factory):
    """What actions/setup-python gives a job: a `python` (and pip) of its own on PATH."""
    location = tmp_path_factory.mktemp("runner-python")
    venv.EnvBuilder(with_pip=True).create(location)
    return location / "bin"


@pytest.fixture
def report(request):
    """report(text): a line for the run's summary (figures a test measured), shown under xdist too."""
    return lambda text: request.node.user_properties.append(("report", text))


@pytest.fixture(scope="session")
def chromium():
    path = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"No Chromium at {path}: install one (apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_EXECUTABLE"
        )
    return path


# A test of one combination's session bake or clone: its only parameter is the combination.
COMBINATION_TEST = re.compile(r"\[(" + "|".join(COMBINATION_IDS) + r")\]$")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__.rpartition(".")[2] in FAST_MODULES:
            item.add_marker(pytest.mark.fast)
    items.sort(key=lambda item: item.module.__name__.rpartition(".")[2] not in LONG_FIRST)


def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup, grouping by combination: each combination's tests run on one worker, as
    one unit, the units with most tests first. (By the test's id, not the xdist_group mark, which
    xdist 3.8 cannot apply on pytest 9.2: pytest-dev/pytest-xdist#1386.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling  # only when xdist runs the suite

    class ByCombination(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            match = COMBINATION_TEST.search(nodeid)
            return match[1] if match else nodeid

    return ByCombination(config, log)


def pytest_terminal_summary(terminalreporter):
    """The figures tests reported (report fixture), after the run: load, timings, what ran."""
    lines = [
        text
        for reports in terminalreporter.stats.values()
        for test_report in reports
        for name, text in getattr(test_report, "user_properties", ())
        if name == "report" and getattr(test_report, "when", "call") == "call"
    ]
    if lines:
        terminalreporter.section("what the tests measured")
        for text in lines:
            terminalreporter.write_line(text)


def pytest_sessionfinish(session, exitstatus):
    """The template promises no skipped tests: a skip fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"FAILED: {len(skipped)} test(s) were skipped; the template allows none.", red=True)
        session.exitstatus = 1
