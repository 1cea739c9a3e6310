"""What a deleted tenant could leave in the database, schema strategy: its schema, which holds
every row of the tenant (tenancy/erasure.py checks the rest)."""

from django.db import connection

__all__ = ["leftover_data"]


def leftover_data(tenant):
    """The tenant's schema, if it still exists."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [tenant.schema_name])
        return [f"schema {tenant.schema_name}"] if cursor.fetchone() else []
