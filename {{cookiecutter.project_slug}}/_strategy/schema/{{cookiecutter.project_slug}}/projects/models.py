"""The example tenant-scoped models. With the schema strategy each tenant has its own copy of
these tables, so plain models are isolated already: add yours the same way, and list the
app in TENANT_APPS."""

from django.db import models


class Project(models.Model):
    name = models.CharField(max_length=200, unique=True)  # unique within the tenant's schema
    created = models.DateTimeField(auto_now_add=True)
    # Kept by the background task projects.tasks.recount_done_tasks (the example of a tenant task).
    done_task_count = models.PositiveIntegerField(default=0, editable=False)

    def __str__(self):
        return self.name


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    done = models.BooleanField(default=False)

    def __str__(self):
        return self.title
