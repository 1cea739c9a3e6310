"""What the template's tests share: the answers, baking, running commands, a baked project, git.

Test modules import from here (conftest.py holds only fixtures and hooks).
"""

import itertools
import os
import subprocess
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
# One bake per strategy, where a check needs each strategy but not each combination: the two take
# different routings and front ends, so that between them every routing and front end is covered.
STRATEGY_ANSWERS = {
    "schema": {"tenant_routing": "subdomain", "frontend": "react"},
    "rls": {"tenant_routing": "header", "frontend": "none"},
}
BAKES = [(strategy, answers["tenant_routing"]) for strategy, answers in STRATEGY_ANSWERS.items()]
BAKE_IDS = [f"{strategy}-{routing}" for strategy, routing in BAKES]


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
