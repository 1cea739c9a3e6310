"""What a deleted tenant could leave in the database, rls strategy: rows tagged with its id in
any tenant-scoped table (tenancy/erasure.py checks the rest)."""

from .isolation import tenant_context, tenant_models

__all__ = ["leftover_data"]


def leftover_data(tenant):
    """The rows still tagged with the tenant's id, table by table."""
    found = []
    # Read as the tenant: Row Level Security shows a statement no other tenant's rows, and no rows at all outside one.
    with tenant_context(tenant):
        for model in tenant_models():
            count = model._base_manager.filter(tenant_id=tenant.pk).count()
            if count:
                found.append(f"{count} row(s) in {model._meta.db_table}")
    return found
