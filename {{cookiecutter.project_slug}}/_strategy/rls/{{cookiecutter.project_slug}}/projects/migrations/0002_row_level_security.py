"""Tenant isolation for the tables of 0001: RLS policies and a same-tenant foreign key.

Copy this shape for every new tenant-scoped model: one tenant_table_security() per table,
one same_tenant_foreign_key() per foreign key to another tenant-scoped table.
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
