"""Background tasks run by real worker processes (``manage.py procrastinate worker``) against the
test database: no eager mode. A job carries its tenant, runs inside it, is refused without one,
fails cleanly when its tenant is gone, and survives its worker being killed.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, transaction
from procrastinate.exceptions import AlreadyEnqueued

from {{ cookiecutter.project_slug }}.projects.models import Project
from {{ cookiecutter.project_slug }}.projects.tasks import recount_done_tasks, recount_every_tenant, recount_tenant_projects
from {{ cookiecutter.project_slug }}.tenancy.background import NoTenantError
from {{ cookiecutter.project_slug }}.tenancy.isolation import drop_tenant, tenant_context
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

from .support import PROJECT_DIR, manage_py

# Fast heartbeats for the tests; production keeps the defaults (10 s and 30 s, checked every minute).
QUICK_STALL_DETECTION = {
    "TASK_WORKER_HEARTBEAT_SECONDS": "0.5",
    "TASK_STALLED_AFTER_SECONDS": "2",
    "TASK_STALLED_CHECK_CRON": "* * * * * *",
}
DEADLINE_SECONDS = 60


def worker_command(*args):
    return [sys.executable, "manage.py", "procrastinate", "worker", *args]


def worker_environment(**extra):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **extra}


def run_worker_until_idle(*args):
    """A worker that runs every job it can, then exits (--one-shot); fails the test if it crashes."""
    done = subprocess.run(
        worker_command("--one-shot", *args),
        cwd=PROJECT_DIR,
        env=worker_environment(),
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS * 2,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def start_worker(log_path, **env):
    log = open(log_path, "w")  # closed by stop_worker
    process = subprocess.Popen(
        worker_command(), cwd=PROJECT_DIR, env=worker_environment(**env), stdout=log, stderr=subprocess.STDOUT
    )
    process.log = log
    return process


def stop_worker(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        process.wait(timeout=DEADLINE_SECONDS)
    process.log.close()


def job(job_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, attempts, args::text, task_name FROM procrastinate_jobs WHERE id = %s", [job_id])
        status, attempts, args, task_name = cursor.fetchone()
    return {"status": status, "attempts": attempts, "args": json.loads(args), "task": task_name}


def wait_for_status(job_id, status, process=None, log_path=None):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if job(job_id)["status"] == status:
            return
        if process is not None and process.poll() is not None:
            pytest.fail(f"the worker exited ({process.returncode}): {log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    pytest.fail(f"job {job_id} did not reach {status!r} within {DEADLINE_SECONDS} s: {job(job_id)}")


def done_task_count(tenant, project_id):
    with tenant_context(tenant):
        return Project.objects.values_list("done_task_count", flat=True).get(pk=project_id)


def test_job_runs_in_its_tenant_and_cannot_reach_another_tenants_rows(committed):
    acme, globex = committed["acme"], committed["globex"]
    with tenant_context(acme.tenant):
        own = recount_done_tasks.defer(project_id=acme.project)
        # An attacker in acme names globex's project: the job runs in acme, where it does not exist.
        foreign = recount_done_tasks.defer(project_id=globex.project)
    # Then globex's own job, on the same worker thread and pooled connection acme's jobs used.
    with tenant_context(globex.tenant):
        globex_own = recount_done_tasks.defer(project_id=globex.project)

    run_worker_until_idle("--queues", "default", "--concurrency", "1")

    assert job(own) == {
        "status": "succeeded",
        "attempts": 1,
        "args": {"_tenant": "acme", "_tenant_id": acme.tenant.pk, "project_id": acme.project},
        "task": recount_done_tasks.name,
    }
    assert done_task_count(acme.tenant, acme.project) == acme.done
    # Failed once and for all: the project is not acme's, and retrying cannot change that.
    assert job(foreign)["status"] == "failed"
    assert job(foreign)["attempts"] == 1
    assert job(globex_own)["status"] == "succeeded"
    assert done_task_count(globex.tenant, globex.project) == globex.done


def test_enqueue_without_a_tenant_is_refused(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        before = cursor.fetchone()[0]
        with pytest.raises(NoTenantError, match="no tenant is active"):
            recount_done_tasks.defer(project_id=1)
        with pytest.raises(NoTenantError):
            recount_done_tasks.configure(queueing_lock="x").defer(project_id=1)
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        assert cursor.fetchone()[0] == before


def test_locks_are_per_tenant(acme, globex, data):
    """Two tenants may use the same lock name: one never blocks (or learns of) the other's job."""
    with tenant_context(acme.tenant):
        recount_done_tasks.configure(queueing_lock="recount").defer(project_id=data["acme"]["projects"])
        with pytest.raises(AlreadyEnqueued):
            recount_done_tasks.configure(queueing_lock="recount").defer(project_id=data["acme"]["projects"])
    with tenant_context(globex.tenant):
        recount_done_tasks.configure(queueing_lock="recount").defer(project_id=data["globex"]["projects"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT queueing_lock FROM procrastinate_jobs WHERE queueing_lock LIKE '%%:recount' ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == ["acme:recount", "globex:recount"]


def drop_tenant_keeping_its_jobs(slug):
    """A tenant gone while a job of it is queued: delete_tenant erases the jobs it finds, not one
    enqueued while it ran (tests/test_tenant_data.py), nor a job of a tenant dropped another way."""
    with transaction.atomic():
        drop_tenant(Tenant.objects.get(slug=slug))


def test_job_of_a_deleted_tenant_fails_cleanly_and_is_not_retried(committed):
    initech = create_tenant("initech", "Initech")
    with tenant_context(initech):
        project = Project.objects.create(name="initech-project")
        gone = recount_done_tasks.defer(project_id=project.pk)
    drop_tenant_keeping_its_jobs("initech")
    # A new tenant under the deleted one's slug must not receive the old tenant's job either.
    create_tenant("initech", "Initech, again")
    # Jobs that were never enqueued through TenantTask: no tenant, a forged one, a mismatched one.
    acme_project, acme_id = committed["acme"].project, committed["acme"].tenant.pk
    no_tenant = recount_done_tasks.task.defer(project_id=acme_project)
    forged = recount_done_tasks.task.defer(project_id=acme_project, _tenant="no-such-tenant", _tenant_id=acme_id)
    mismatched = recount_done_tasks.task.defer(project_id=acme_project, _tenant="acme", _tenant_id=acme_id + 10_000)
    with tenant_context(committed["acme"].tenant):
        after = recount_done_tasks.defer(project_id=committed["acme"].project)

    log = run_worker_until_idle("--queues", "default")

    for job_id in (gone, no_tenant, forged, mismatched):
        assert job(job_id)["status"] == "failed"
        assert job(job_id)["attempts"] == 1
    assert "tenant 'initech' no longer exists" in log
    # The worker carried on with the next job, in its own tenant.
    assert job(after)["status"] == "succeeded"
    assert done_task_count(committed["acme"].tenant, committed["acme"].project) == committed["acme"].done


def test_job_of_a_killed_worker_is_retried_in_the_same_tenant(committed, tmp_path):
    acme, globex = committed["acme"], committed["globex"]
    locked, release = threading.Event(), threading.Event()

    def hold_the_project_row():
        # The first worker's run waits on this lock, so it is mid-task when it is killed.
        try:
            with tenant_context(acme.tenant), transaction.atomic():
                Project.objects.select_for_update().get(pk=acme.project)
                locked.set()
                release.wait(DEADLINE_SECONDS)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_project_row)
    holder.start()
    assert locked.wait(DEADLINE_SECONDS)
    with tenant_context(acme.tenant):
        job_id = recount_done_tasks.defer(project_id=acme.project)

    first = start_worker(tmp_path / "first.log", **QUICK_STALL_DETECTION)
    try:
        wait_for_status(job_id, "doing", first, tmp_path / "first.log")
    finally:
        stop_worker(first, signal.SIGKILL)  # no shutdown, no goodbye: as when a machine dies
        release.set()
        holder.join()
    assert job(job_id)["status"] == "doing"  # nobody finished it

    time.sleep(2.5)  # the dead worker's heartbeat is now older than TASK_STALLED_AFTER_SECONDS
    dead = manage_py("check_workers", "--max-heartbeat-age", "2")
    assert dead.returncode != 0
    assert "0 background worker(s) alive" in dead.stderr

    second = start_worker(tmp_path / "second.log", **QUICK_STALL_DETECTION)
    try:
        wait_for_status(job_id, "succeeded", second, tmp_path / "second.log")
        alive = manage_py("check_workers", "--max-heartbeat-age", "2")
        assert alive.returncode == 0, alive.stderr
    finally:
        stop_worker(second)

    assert job(job_id)["args"]["_tenant"] == "acme"
    assert job(job_id)["attempts"] == 2
    assert done_task_count(acme.tenant, acme.project) == acme.done
    assert done_task_count(globex.tenant, globex.project) == 0


def test_fan_out_reaches_every_tenant_and_one_failure_stops_no_other(committed):
    create_tenant("initech", "Initech")
    fan_out_job = recount_every_tenant.defer(timestamp=0)
    run_worker_until_idle("--queues", "maintenance")
    assert job(fan_out_job)["status"] == "succeeded"

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args->>'_tenant', id FROM procrastinate_jobs WHERE task_name = %s", [recount_tenant_projects.name]
        )
        jobs = dict(cursor.fetchall())
    assert sorted(jobs) == ["acme", "globex", "initech"]  # one job per tenant

    drop_tenant_keeping_its_jobs("initech")  # between the schedule and the run: its job must fail alone
    run_worker_until_idle("--queues", "default")

    assert job(jobs["initech"])["status"] == "failed"
    assert job(jobs["initech"])["attempts"] == 1
    for slug in ("acme", "globex"):
        assert job(jobs[slug])["status"] == "succeeded"
        each = committed[slug]
        assert done_task_count(each.tenant, each.project) == each.done


def test_recount_endpoint_enqueues_in_the_requests_tenant(api, acme, globex, data):
    client = api("acme", acme.owner)
    response = client.post(f"/api/v1/projects/{data['acme']['projects']}/recount/")
    assert response.status_code == 202, response.content
    assert set(response.json()) == {"job_id"}
    assert job(response.json()["job_id"])["args"] == {
        "_tenant": "acme",
        "_tenant_id": acme.tenant.pk,
        "project_id": data["acme"]["projects"],
    }


@pytest.mark.parametrize("caller", ["other-tenants-project", "member-of-another-tenant", "no-credentials"])
def test_recount_endpoint_refuses_and_enqueues_nothing(api, acme, globex, data, caller):
    project, user, expected = {
        "other-tenants-project": (data["globex"]["projects"], acme.owner, 404),
        "member-of-another-tenant": (data["acme"]["projects"], globex.owner, 403),
        "no-credentials": (data["acme"]["projects"], None, 401),
    }[caller]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        before = cursor.fetchone()[0]
        response = api("acme", user).post(f"/api/v1/projects/{project}/recount/")
        assert response.status_code == expected, response.content
        assert "detail" in response.json()
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        assert cursor.fetchone()[0] == before


def test_openapi_documents_the_recount_endpoint(db, client, settings):
    schema = client.get("/api/v1/schema/?format=json", HTTP_HOST=settings.BASE_DOMAIN).json()
    operation = schema["paths"]["/api/v1/projects/{id}/recount/"]["post"]
    assert {"202", "401", "403", "404"} <= set(operation["responses"])
    reference = operation["responses"]["202"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]["properties"]) == {"job_id"}


def test_the_tenant_admin_does_not_show_the_queue(client, acme):
    from .support import routing_headers

    client.force_login(acme.owner)
    for model in ("procrastinatejob", "procrastinateworker", "procrastinateevent"):
        assert client.get(f"/admin/procrastinate/{model}/", **routing_headers("acme")).status_code == 404
