"""The audit trail's entries. With the rls strategy they share one table between tenants, under
Row Level Security like every TenantScopedModel.

Append-only: bootstrap grants the runtime role only SELECT and INSERT on this table (``append_only``
below), so no request can UPDATE or DELETE an entry. A tenant's entries still go with the
tenant: the tenant column's foreign key is ON DELETE CASCADE in the database (migration 0001),
and PostgreSQL runs that cascade as the table's owner, not as the role that deleted the tenant.
"""

from django.db import models

from {{ cookiecutter.project_slug }}.tenancy.models import CurrentTenantId, Tenant, TenantScopedModel

from .entry import EntryFields


class AuditEntry(EntryFields, TenantScopedModel):
    # bootstrap grants the runtime role SELECT and INSERT only (tenancy/bootstrap.py).
    append_only = True

    # The database cascades (see above); Django's own cascade would DELETE as the runtime role.
    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the tenant-led indexes below serve every lookup by tenant
        editable=False,
        db_default=CurrentTenantId(),
        related_name="+",
    )

    class Meta:
        db_table = "audit_entry"
        # The trail is read newest first, one tenant's rows at a time.
        indexes = [models.Index(fields=["tenant", "-at", "-id"], name="audit_entry_newest_idx")]
