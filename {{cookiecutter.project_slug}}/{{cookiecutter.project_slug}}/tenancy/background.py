"""Background tasks that always run inside their tenant, on procrastinate (a queue in PostgreSQL).

A tenant-scoped task is declared with ``@tenant_task()`` instead of ``@app.task()``. Then:
- ``task.defer(**kwargs)`` captures the current tenant (tenant_context() or the request's)
  and stores it in the job's arguments (``_tenant``, ``_tenant_id``); with no tenant it raises
  NoTenantError, so a job can never be enqueued "for nobody";
- the worker looks the tenant up again and runs the task inside tenant_context(tenant), the
  same seam that requests use, so the task sees and writes its tenant's rows only;
- a job whose tenant no longer exists (deleted, or a forged slug) fails at once and is never
  retried; a JobFailed raised by the task is not retried either; any other error is retried
  (TASK_MAX_ATTEMPTS attempts, with backoff), each retry in the same tenant, since the
  tenant is part of the job's stored arguments;
- ``lock`` and ``queueing_lock`` are prefixed with the tenant's slug, so one tenant's job
  never blocks, or reveals, another tenant's job that happens to use the same lock name.

The queue guarantees at least once: a job whose worker dies is run again (retry_stalled_jobs
below), so a task must be idempotent. See docs/background-tasks.md.
"""

import datetime

from django.conf import settings
from django.db import transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.jobs import Status

from .connection_recycling import note_tenant
from .isolation import current_tenant, tenant_context
from .models import Tenant

# The job's tenant, in its stored arguments: the slug to read, the id so that a tenant deleted
# and then re-created under the same slug never receives the old tenant's jobs.
TENANT_ARGUMENT = "_tenant"
TENANT_ID_ARGUMENT = "_tenant_id"


class NoTenantError(RuntimeError):
    """A tenant-scoped task was enqueued outside any tenant."""


class JobFailed(Exception):
    """A failure that running the job again cannot fix: the job fails and is not retried."""


class TenantGone(JobFailed):
    """The job's tenant does not exist (any more): nothing may run in its place."""


class TenantRetryStrategy(RetryStrategy):
    """Retries with backoff, but never a JobFailed (a deleted tenant, an object not in the tenant)."""

    def get_retry_decision(self, *, exception, job):
        if isinstance(exception, JobFailed):
            return None
        return super().get_retry_decision(exception=exception, job=job)


def default_retry():
    return TenantRetryStrategy(max_attempts=settings.TASK_MAX_ATTEMPTS, exponential_wait=2)


class TenantDeferrer:
    """A configured job of a tenant-scoped task, bound to one tenant."""

    def __init__(self, deferrer, tenant):
        self.deferrer = deferrer
        self.tenant = tenant

    def defer(self, **kwargs):
        """Enqueue the job; returns its id.

        Inside the caller's transaction (a request's: tenant_context() is atomic), so the job exists only if that
        transaction commits; in a savepoint, so a refused job (AlreadyEnqueued) leaves it usable.
        """
        with transaction.atomic():
            tenant = {TENANT_ARGUMENT: self.tenant.slug, TENANT_ID_ARGUMENT: self.tenant.pk}
            return self.deferrer.defer(**kwargs, **tenant)


class TenantTask:
    """A procrastinate task whose jobs carry their tenant (see the module's docstring)."""

    def __init__(self, task, func):
        self.task = task
        self.func = func
        self.name = task.name

    def configure(self, *, tenant=None, lock=None, queueing_lock=None, **options):
        """Job options (procrastinate's Task.configure), for ``tenant`` or the current tenant."""
        tenant = tenant or current_tenant()
        if tenant is None:
            raise NoTenantError(
                f"{self.name} is a tenant-scoped task and no tenant is active: enqueue it inside a request "
                "of a tenant or inside tenant_context(tenant), or pass tenant= explicitly."
            )
        if lock is not None:
            options["lock"] = f"{tenant.slug}:{lock}"
        if queueing_lock is not None:
            options["queueing_lock"] = f"{tenant.slug}:{queueing_lock}"
        return TenantDeferrer(self.task.configure(**options), tenant)

    def defer(self, **kwargs):
        """Enqueue a job in the current tenant; returns its id."""
        return self.configure().defer(**kwargs)

    def defer_for(self, tenant, **kwargs):
        """Enqueue a job in ``tenant`` (fan-out: one job per tenant)."""
        return self.configure(tenant=tenant).defer(**kwargs)

    def __call__(self, **kwargs):
        """Run the task here and now, in the current tenant: a plain call, no queue, no retry."""
        if current_tenant() is None:
            raise NoTenantError(f"{self.name} is a tenant-scoped task: call it inside tenant_context(tenant).")
        return self.func(**kwargs)


def tenant_task(*, name=None, queue="default", retry=None, **task_options):
    """Declare a tenant-scoped task: ``@tenant_task()`` above a plain function of keyword arguments."""

    def decorator(func):
        task_name = name or f"{func.__module__}.{func.__qualname__}"

        def run_in_tenant(**kwargs):
            # procrastinate's Django integration closes broken or old connections around each
            # job, as Django does around a request.
            slug, tenant_id = kwargs.pop(TENANT_ARGUMENT, None), kwargs.pop(TENANT_ID_ARGUMENT, None)
            if not slug or not tenant_id:
                raise TenantGone(f"job of {task_name} carries no tenant: it was not enqueued by TenantTask.defer")
            tenant = Tenant.objects.customers().filter(slug=slug, pk=tenant_id).first()
            if tenant is None:
                raise TenantGone(f"tenant {slug!r} no longer exists: job of {task_name} dropped, not retried")
            # One transaction per job, in both strategies: its writes commit together or not at all.
            with tenant_context(tenant), transaction.atomic():
                note_tenant(tenant)
                return func(**kwargs)

        run_in_tenant.__name__ = func.__name__
        run_in_tenant.__doc__ = func.__doc__
        task = app.task(name=task_name, queue=queue, retry=retry or default_retry(), **task_options)(run_in_tenant)
        return TenantTask(task, func)

    return decorator


def fan_out(task, **kwargs):
    """One job of ``task`` per tenant: each runs, succeeds and fails on its own. Returns {slug: job id}."""
    return {tenant.slug: task.defer_for(tenant, **kwargs) for tenant in Tenant.objects.customers()}


# --- queue maintenance: periodic, run by whichever worker is up --------------------------


@app.periodic(cron=settings.TASK_STALLED_CHECK_CRON, periodic_id="retry-stalled-jobs")
@app.task(name="tenancy.retry_stalled_jobs", queue="maintenance", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp):
    """Give back to the queue every job whose worker stopped sending heartbeats (killed, lost).

    The job keeps its arguments, its tenant included, so the retry runs in the same tenant. A
    job that has already used all its attempts is failed instead: a task that kills its worker
    every time (out of memory, say) is not retried forever.
    """
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=settings.TASK_STALLED_AFTER_SECONDS)
    for job in stalled:
        if job.attempts + 1 >= settings.TASK_MAX_ATTEMPTS:
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
        else:
            await manager.retry_job(job, retry_at=datetime.datetime.now(datetime.UTC))
