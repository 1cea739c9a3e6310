from django.contrib import admin

from {{ cookiecutter.project_slug }}.tenancy.admin import TenantModelAdmin

from .models import Project, Task


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


@admin.register(Project)
class ProjectAdmin(TenantModelAdmin):
    list_display = ["name", "created"]
    search_fields = ["name"]
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(TenantModelAdmin):
    list_display = ["title", "project", "done"]
    list_filter = ["done"]
    search_fields = ["title"]
