"""Background tasks of the example app: copy their shape for your own.

Each tenant-scoped task is a plain function of JSON-able keyword arguments (ids, never model
instances or data), declared with @tenant_task(). It runs inside the tenant it was enqueued
in, so it queries its models like a view does, with no tenant filter of its own. It is
idempotent: it may run more than once (at least once delivery), and running it again gives
the same result.
"""

from django.conf import settings
from procrastinate.contrib.django import app

from {{ cookiecutter.project_slug }}.tenancy.background import JobFailed, fan_out, tenant_task

from .models import Project


@tenant_task()
def recount_done_tasks(*, project_id):
    """Store the number of done tasks of one project of the current tenant."""
    # Locked while counting: two recounts of one project never interleave their writes.
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        # Deleted since, or not this tenant's: retrying cannot make it appear.
        raise JobFailed(f"no project {project_id} in this tenant")
    project.done_task_count = project.tasks.filter(done=True).count()
    project.save(update_fields=["done_task_count"])
    return project.done_task_count


@tenant_task()
def recount_tenant_projects():
    """Recount every project of the current tenant (the per-tenant half of the nightly fan-out)."""
    for project_id in Project.objects.values_list("pk", flat=True):
        recount_done_tasks(project_id=project_id)


@app.periodic(cron=settings.PROJECTS_RECOUNT_CRON, periodic_id="recount-every-tenant")
@app.task(name="projects.recount_every_tenant", queue="maintenance", queueing_lock="recount_every_tenant")
def recount_every_tenant(timestamp):
    """Nightly: one recount job per tenant, so one tenant's failure never stops the others."""
    return len(fan_out(recount_tenant_projects))
