"""Tenant isolation for the tables of 0001: RLS policies and a same-tenant foreign key.

Written by hand before TenantScopedModel carried its isolation as constraints; 0005 declares
the same through them (idempotent over what this one made). Nothing to copy for a new model:
makemigrations writes its constraints.
"""

from django.db import migrations

from {{ cookiecutter.project_slug }}.tenancy.rls import same_tenant_foreign_key, tenant_table_security


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [
        *tenant_table_security("projects_project"),
        *tenant_table_security("projects_task"),
        *same_tenant_foreign_key("projects_task", "project_id", "projects_project"),
    ]
