"""Migrations run only on the "owner" alias (DATABASE_OWNER_URL): the role that owns the tables.

The runtime role (DATABASE_URL) can read and write rows but can neither create nor alter a
table, so a request can never change the schema or its policies.
"""


class OwnerMigratesRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "owner"
