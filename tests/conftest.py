"""Bake the template with every answer combination, once per test session.

``baked(strategy, routing)`` returns a baked project with its own ``.venv`` installed by the
project's own ``make install``; every bake shares one pip and uv cache, so only the first
download costs. Each bake gets its own embedded PostgreSQL (in its ``.pgdata/``), stopped at
the end. ``cloned(strategy, routing)`` is that bake as a team receives it: committed to git and
cloned into another folder (no ``.env``, no ``.venv``, nothing untracked).
"""

import itertools
import os
import shutil
import subprocess
import tempfile
import venv
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
STRATEGIES = ("schema", "rls")
ROUTINGS = ("subdomain", "header")
COMBINATIONS = list(itertools.product(STRATEGIES, ROUTINGS))
COMBINATION_IDS = [f"{strategy}-{routing}" for strategy, routing in COMBINATIONS]
PROJECT_NAME = "Acme Cloud"
SLUG = "acme_cloud"


def bake(output_dir, **answers):
    """Bake into output_dir; returns the project's path."""
    context = {"project_name": PROJECT_NAME, **answers}
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(output_dir), extra_context=context))


def tracked_files(project):
    """What the team would commit: every file .gitignore lets through (``git init`` first)."""
    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(name for name in listed.split("\0") if name)


def run(command, cwd, env=None, timeout=1800):
    """Run a command; on failure, fail the test with its whole output."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        shell=isinstance(command, str),
    )
    if result.returncode != 0:
        pytest.fail(
            f"`{command}` exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


class BakedProject:
    def __init__(self, path, strategy, routing):
        self.path = path
        self.strategy = strategy
        self.routing = routing
        self.python = path / ".venv" / "bin" / "python"

    def __repr__(self):
        return f"<BakedProject {self.strategy}-{self.routing} at {self.path}>"

    def make(self, target, env=None, timeout=1800):
        return run(["make", target], cwd=self.path, env=env, timeout=timeout)

    def manage(self, *args, env=None, check=True):
        command = [str(self.python), "manage.py", *args]
        if check:
            return run(command, cwd=self.path, env=env)
        return subprocess.run(
            command, cwd=self.path, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=600
        )

    def tool(self, name):
        return str(self.path / ".venv" / "bin" / name)

    def stop_database(self):
        """Stop the project's embedded PostgreSQL if it runs (`make db-stop`)."""
        if (self.path / ".pgdata" / "postmaster.pid").exists():
            self.make("db-stop")


GIT_IDENTITY = ["-c", "user.name=Template Tests", "-c", "user.email=template-tests@example.com"]


def git(*args, cwd):
    return run(["git", *GIT_IDENTITY, *args], cwd=cwd)


def commit_and_clone(project, destination):
    """Commit ``project`` (what .gitignore lets through) and clone it: a team's first checkout."""
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Bake", cwd=project)
    git("clone", "--quiet", str(project), str(destination), cwd=project.parent)
    leftovers = run(["git", "status", "--porcelain", "--ignored"], cwd=destination).stdout
    assert leftovers == "", f"a fresh clone has nothing untracked or ignored (no .env, no .venv):\n{leftovers}"
    return destination


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
def runner_python(tmp_path_factory):
    """What actions/setup-python gives a job: a `python` (and pip) of its own on PATH."""
    location = tmp_path_factory.mktemp("runner-python")
    venv.EnvBuilder(with_pip=True).create(location)
    return location / "bin"


@pytest.fixture(scope="session")
def chromium():
    path = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"No Chromium at {path}: install one (apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_EXECUTABLE"
        )
    return path


def pytest_sessionfinish(session, exitstatus):
    """The template promises no skipped tests: a skip fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"FAILED: {len(skipped)} test(s) were skipped; the template allows none.", red=True)
        session.exitstatus = 1
