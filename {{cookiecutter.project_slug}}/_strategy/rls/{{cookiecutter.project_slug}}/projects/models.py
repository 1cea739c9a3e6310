"""The example tenant-scoped models. With the rls strategy they share tables between tenants,
so each one:
1. subclasses TenantScopedModel: the tenant column, filled in by the database, and the
   table's isolation as constraints that makemigrations writes (the RLS policy, ``(id, tenant)``
   unique, a same-tenant composite key for each foreign key to another tenant-scoped model);
2. scopes its uniqueness to the tenant (``(tenant, name)``, not ``name``);
3. has an index led by the tenant column for every order a list endpoint pages in: without
   it, ``ORDER BY id LIMIT 50`` walks the primary key through every other tenant's rows. The
   base class adds ``(tenant, id)`` when Meta has none; these declare theirs by the same name.
"""

from django.db import models

from {{ cookiecutter.project_slug }}.tenancy.models import TenantScopedModel


class Project(TenantScopedModel):
    name = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    # Kept by the background task projects.tasks.recount_done_tasks (the example of a tenant task).
    done_task_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="project_name_unique_per_tenant"),
        ]
        indexes = [models.Index(fields=["tenant", "id"], name="project_tenant_id_idx")]

    def __str__(self):
        return self.name


class Task(TenantScopedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    done = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "project"], name="task_tenant_project_idx"),
            models.Index(fields=["tenant", "id"], name="task_tenant_id_idx"),
        ]

    def __str__(self):
        return self.title
