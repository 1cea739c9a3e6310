"""The audit trail's entries. With the schema strategy each tenant's trail is a table in its
own schema, so a plain model is isolated already.

Append-only: a trigger (migration 0001) refuses every UPDATE and DELETE of an entry, whatever
the code or SQL that sends it. Dropping a tenant's schema still takes its trail with it: DROP
SCHEMA fires no row trigger.
"""

from django.db import models

from .entry import EntryFields


class AuditEntry(EntryFields):
    class Meta:
        db_table = "audit_entry"
        # The trail is read newest first.
        indexes = [models.Index(fields=["-at", "-id"], name="audit_entry_newest_idx")]
