"""manage.py for_each_tenant: a command in every tenant, each in its own process, with a report."""

import json

import pytest
from django.core.management import CommandError, call_command

from .support import manage_py

# Prints where it ran and what it sees; fails (exit 3) in globex only.
PROBE = (
    "import os, sys; "
    "from {{ cookiecutter.project_slug }}.projects.models import Project; "
    "from {{ cookiecutter.project_slug }}.tenancy.isolation import current_tenant; "
    "slug = current_tenant().slug; "
    "print(slug, sorted(Project.objects.values_list('name', flat=True)), f'pid={os.getpid()}'); "
    "sys.exit(3 if slug == 'globex' else 0)"
)
RESULT_KEYS = {"tenant", "exit_code", "stdout", "stderr", "seconds"}


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_runs_in_each_tenant_and_names_every_failing_one(committed):
    done = manage_py("for_each_tenant", "--json", "shell", "-c", PROBE)

    assert done.returncode != 0
    assert "failed in 1 of 2 tenant(s): globex" in done.stderr
    results = {result["tenant"]: result for result in json_lines(done.stdout)}
    assert sorted(results) == ["acme", "globex"]
    assert all(set(result) == RESULT_KEYS for result in results.values())
    assert results["acme"]["exit_code"] == 0
    assert results["globex"]["exit_code"] == 3
    # Each run saw its own tenant's rows and nothing of the other's.
    assert "acme ['acme-committed-project']" in results["acme"]["stdout"]
    assert "globex ['globex-committed-project']" in results["globex"]["stdout"]
    assert "globex" not in results["acme"]["stdout"]


def test_parallel_runs_each_named_tenant_once_in_its_own_process(committed):
    done = manage_py("for_each_tenant", "--parallel", "2", "--tenants", "globex,acme", "--json", "shell", "-c", PROBE)

    results = json_lines(done.stdout)
    assert [result["tenant"] for result in results] == ["globex", "acme"]  # the order asked for
    pids = {result["stdout"].split("pid=")[1].strip() for result in results if result["exit_code"] in (0, 3)}
    assert len(pids) == 2  # two processes, one per tenant
    assert done.returncode != 0


def test_human_report_and_success_exit(committed):
    done = manage_py("for_each_tenant", "--tenants", "acme", "check_tenancy")
    assert done.returncode == 0, done.stderr
    assert "== acme: ok" in done.stdout
    assert "succeeded in all 1 tenant(s)" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenants", "acme,nope,ghost", "check_tenancy"], "Unknown tenant(s): ghost, nope"),
        (["--tenants", ",", "check_tenancy"], "names no tenant"),
        (["--parallel", "0", "check_tenancy"], "--parallel must be 1 or more"),
        (["no_such_command"], "Unknown command 'no_such_command'"),
    ],
)
def test_bad_input_is_refused_before_anything_runs(db, args, message):
    with pytest.raises(CommandError) as raised:
        call_command("for_each_tenant", *args)
    assert message in str(raised.value)


def test_unknown_tenant_exits_non_zero_from_the_shell(db):
    done = manage_py("for_each_tenant", "--tenants", "nope", "check_tenancy")
    assert done.returncode != 0
    assert "Unknown tenant(s): nope" in done.stderr


def test_run_in_tenant_refuses_an_unknown_tenant(db):
    with pytest.raises(CommandError, match="No tenant with the slug 'nope'"):
        call_command("run_in_tenant", "nope", "check_tenancy")
