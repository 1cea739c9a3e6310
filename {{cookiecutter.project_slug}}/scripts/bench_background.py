"""Background work, measured on this machine (`make bench-background`): the figures of
docs/background-tasks.md.

1. Task throughput: JOBS jobs of a tenant-scoped task (recount_done_tasks), run by one worker
   (concurrency 1), timed from the first job's start to the last job's end in the queue's own
   events (so the worker's start-up is not counted): jobs per second.
2. for_each_tenant over TENANTS tenants, --parallel 4 against --parallel 1, in the same run, in
   interleaved slices: the ratio of the two wall-clock times.

It uses the test database (rebuilt here, as `make test` rebuilds it), never the development one.
Environment: BENCH_JOBS (default 1000), BENCH_TENANTS (default 100).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from {{ cookiecutter.project_slug }}.projects.models import Project, Task  # noqa: E402
from {{ cookiecutter.project_slug }}.projects.tasks import recount_done_tasks  # noqa: E402
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context  # noqa: E402
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant  # noqa: E402

from bench import strategy  # noqa: E402
from tests.support import recreate_database  # noqa: E402

JOBS = int(os.environ.get("BENCH_JOBS", "1000"))
TENANTS = int(os.environ.get("BENCH_TENANTS", "100"))
CHUNKS = 4
ENVIRONMENT = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}


def manage(*args):
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=ENVIRONMENT, check=True, capture_output=True
    )
    return time.monotonic() - started


def fresh_database():
    connection.close()
    recreate_database(settings.DATABASES["default"]["NAME"])
    call_command("bootstrap", verbosity=0)
    return [create_tenant(f"bench-{n:03d}", f"Bench {n}") for n in range(TENANTS)]


def throughput(tenant):
    with tenant_context(tenant):
        project = Project.objects.create(name="bench")
        Task.objects.bulk_create([Task(project=project, title=f"t{n}", done=n % 2 == 0) for n in range(10)])
        for _ in range(JOBS):
            recount_done_tasks.defer(project_id=project.pk)
    manage("procrastinate", "worker", "--one-shot", "--queues", "default", "--concurrency", "1")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM max(e.at) FILTER (WHERE e.type = 'succeeded') "
            "- min(e.at) FILTER (WHERE e.type = 'started')) "
            "FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id WHERE j.task_name = %s",
            [recount_done_tasks.name],
        )
        seconds = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s AND status = 'succeeded'",
            [recount_done_tasks.name],
        )
        succeeded = cursor.fetchone()[0]
    if succeeded != JOBS:
        raise SystemExit(f"only {succeeded} of {JOBS} jobs succeeded: look at the worker's log")
    return succeeded / float(seconds)


def main():
    print(f"strategy {strategy.NAME}: {TENANTS} tenants, {JOBS} jobs", flush=True)
    tenants = fresh_database()
    rate = throughput(tenants[0])
    print(f"task throughput, one worker (concurrency 1): {rate:.0f} tasks/s", flush=True)
    count = "from {{ cookiecutter.project_slug }}.projects.models import Project; Project.objects.count()"
    # Every tenant once per setting, in CHUNKS slices taken in turns (1, 4, 1, 4, ...): a change
    # of the machine's load during the run weighs on both settings alike.
    slugs = [tenant.slug for tenant in tenants]
    timings = {1: 0.0, 4: 0.0}
    for chunk in range(CHUNKS):
        selected = ",".join(slugs[chunk::CHUNKS])
        for parallel in timings:
            timings[parallel] += manage(
                "for_each_tenant", "--tenants", selected, "--parallel", str(parallel), "shell", "-c", count
            )
    for parallel, seconds in timings.items():
        print(f"for_each_tenant over {TENANTS} tenants, --parallel {parallel}: {seconds:.1f} s", flush=True)
    print(f"--parallel 4 vs 1: {timings[1] / timings[4]:.2f}x faster ({os.cpu_count()} CPU cores)")


if __name__ == "__main__":
    main()
