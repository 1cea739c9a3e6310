"""manage.py for_each_tenant: a command in every tenant, in a pool of worker processes that
each run many tenants in turn, with nothing of one tenant's run reaching the next; a report."""

import json

import pytest
from django.core.management import CommandError, call_command

from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

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
# Kills its worker process in acme, after printing; prints where it ran elsewhere.
CRASH = (
    "import os; "
    "from {{ cookiecutter.project_slug }}.tenancy.isolation import current_tenant; "
    "slug = current_tenant().slug; "
    "print(slug, 'before the crash', flush=True); "
    "os._exit(3) if slug == 'acme' else None; "
    "print(slug, 'ran to the end')"
)
# What a tenant's run finds of the one before it in the same worker, then leaves behind: a
# session setting and a temporary table (each committed with the tenant's transaction).
LEAK = (
    "import os; "
    "from django.db import connection; "
    "from {{ cookiecutter.project_slug }}.projects.models import Project; "
    "from {{ cookiecutter.project_slug }}.tenancy.isolation import current_tenant; "
    "slug = current_tenant().slug; "
    "cursor = connection.cursor(); "
    "cursor.execute('SHOW work_mem'); "
    "work_mem = cursor.fetchone()[0]; "
    "cursor.execute(\"SELECT to_regclass('pg_temp.leak') IS NOT NULL\"); "
    "temporary = cursor.fetchone()[0]; "
    "names = sorted(Project.objects.values_list('name', flat=True)); "
    "print(slug, 'found', work_mem, temporary, names, f'pid={os.getpid()}'); "
    "cursor.execute(\"SET work_mem = '7777kB'\"); "
    "cursor.execute('CREATE TEMPORARY TABLE leak (n int)')"
)
# A command that runs transactions of its own, in autocommit; it removes what it made.
OWN_TRANSACTIONS = (
    "from django.db import connection, transaction; "
    "from {{ cookiecutter.project_slug }}.projects.models import Project; "
    "from {{ cookiecutter.project_slug }}.tenancy.isolation import current_tenant; "
    "slug = current_tenant().slug; "
    "print('in a transaction:', connection.in_atomic_block)\n"
    "with transaction.atomic():\n"
    "    Project.objects.create(name=f'{slug}-own')\n"
    "print(slug, sorted(Project.objects.values_list('name', flat=True)))\n"
    "Project.objects.filter(name=f'{slug}-own').delete()"
)


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


def test_parallel_2_starts_at_most_2_workers_that_run_many_tenants_each(committed):
    for n in range(3):
        create_tenant(f"pool{n}", f"Pool {n}")
    order = "pool2,globex,pool0,acme,pool1"
    done = manage_py("for_each_tenant", "--parallel", "2", "--tenants", order, "--json", "shell", "-c", PROBE)

    results = json_lines(done.stdout)
    assert [result["tenant"] for result in results] == order.split(",")  # the order asked for
    assert [result["exit_code"] for result in results] == [0, 3, 0, 0, 0], done.stderr
    pids = {result["stdout"].split("pid=")[1].strip() for result in results}
    assert 1 <= len(pids) <= 2  # five tenants, at most two processes: each ran several
    assert "failed in 1 of 5 tenant(s): globex" in done.stderr


def test_workers_are_forked_from_the_commands_own_process(committed):
    # Not from a second process that sets Django up again: the worker's parent is manage.py.
    parent = "import os; print(open(f'/proc/{os.getppid()}/cmdline', 'rb').read().replace(b'\\0', b' ').decode())"
    done = manage_py("for_each_tenant", "--tenants", "acme", "--json", "shell", "-c", parent)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "manage.py for_each_tenant --tenants acme" in json_lines(done.stdout)[0]["stdout"]


def test_refuses_to_fork_while_another_thread_runs(committed, tmp_path):
    # A thread started at start-up (here by sitecustomize): a fork would copy the locks it holds.
    (tmp_path / "sitecustomize.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), name='stray', daemon=True).start()\n"
    )
    done = manage_py("for_each_tenant", "--tenants", "acme", "shell", "-c", "print('it ran')", PYTHONPATH=str(tmp_path))

    assert done.returncode != 0
    assert "threads are running in for_each_tenant's process (stray)" in done.stderr
    assert "it ran" not in done.stdout


def test_a_crashing_worker_fails_its_tenant_only_and_is_replaced(committed):
    done = manage_py("for_each_tenant", "--json", "shell", "-c", CRASH)

    assert done.returncode != 0
    assert "failed in 1 of 2 tenant(s): acme" in done.stderr
    acme, globex = json_lines(done.stdout)
    assert (acme["tenant"], acme["exit_code"]) == ("acme", 3)
    assert acme["stdout"].endswith("acme before the crash\n")  # what it wrote before dying
    assert "the worker process running acme died (exit 3)" in acme["stderr"]
    assert (globex["tenant"], globex["exit_code"]) == ("globex", 0), globex["stderr"]
    assert globex["stdout"].endswith("globex before the crash\nglobex ran to the end\n")


def test_nothing_of_one_tenants_session_reaches_the_next_in_the_same_worker(committed):
    done = manage_py("for_each_tenant", "--json", "shell", "-c", LEAK)

    assert done.returncode == 0, done.stdout + done.stderr
    acme, globex = json_lines(done.stdout)
    assert acme["stdout"].split("pid=")[1] == globex["stdout"].split("pid=")[1]  # one worker ran both
    # Not acme's setting nor its temporary table; globex's own rows only.
    found = {result["tenant"]: result["stdout"].split(" found ")[1].split(" pid=")[0] for result in (acme, globex)}
    assert found["globex"] == found["acme"].replace("acme", "globex"), found
    assert found["globex"].endswith(" False ['globex-committed-project']")
    assert "7777kB" not in found["globex"]


def test_own_transactions_runs_the_command_in_autocommit_inside_its_tenant(committed):
    done = manage_py("for_each_tenant", "--own-transactions", "--json", "shell", "-c", OWN_TRANSACTIONS)

    assert done.returncode == 0, done.stdout + done.stderr
    acme, globex = json_lines(done.stdout)
    assert acme["stdout"].endswith("in a transaction: False\nacme ['acme-committed-project', 'acme-own']\n")
    assert globex["stdout"].endswith("in a transaction: False\nglobex ['globex-committed-project', 'globex-own']\n")
    # Without the flag, the same command runs inside the tenant's one transaction.
    atomic = manage_py("for_each_tenant", "--tenants", "acme", "--json", "shell", "-c", OWN_TRANSACTIONS)
    assert "in a transaction: True\n" in json_lines(atomic.stdout)[0]["stdout"]


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
