"""The SQL of Row Level Security, in one place: migrations, checks and tests build on it.

Why each part of a tenant table's security is there:
- ENABLE ROW LEVEL SECURITY: without it, policies are ignored.
- FORCE ROW LEVEL SECURITY: without it, the table's owner ignores the policies.
- USING: which rows a statement may see (SELECT, UPDATE, DELETE).
- WITH CHECK: which rows a statement may write (INSERT, UPDATE): no row for another tenant.
- ``NULLIF(current_setting(..., true), '')``: an unset or emptied setting gives NULL, and
  ``tenant_id = NULL`` matches no row. Never an error, never every row.
- ``(SELECT ...)`` around it: evaluated once per statement (an InitPlan), not once per row.
- A composite foreign key ``(column, tenant_id)``: foreign-key checks bypass RLS, so only the
  key itself stops a row from pointing at another tenant's row, even through raw SQL.
"""

from django.db import migrations

TENANT_SETTING = "app.tenant_id"
TENANT_COLUMN = "tenant_id"
POLICY_NAME = "tenant_isolation"
CURRENT_TENANT_SQL = f"(SELECT NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint)"


def create_policy_sql(table):
    return (
        f'CREATE POLICY {POLICY_NAME} ON "{table}" '
        f"USING ({TENANT_COLUMN} = {CURRENT_TENANT_SQL}) "
        f"WITH CHECK ({TENANT_COLUMN} = {CURRENT_TENANT_SQL})"
    )


def tenant_table_security(table):
    """Migration operations that put ``table`` under tenant isolation (and take it off again)."""
    return [
        migrations.RunSQL(
            sql=[
                f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
                f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
                create_policy_sql(table),
            ],
            reverse_sql=[
                f'DROP POLICY {POLICY_NAME} ON "{table}"',
                f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
                f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
            ],
        )
    ]


def same_tenant_foreign_key(table, column, target_table):
    """A composite foreign key: ``table.(column, tenant_id)`` must exist in ``target_table``.

    ``target_table`` needs a unique constraint on ``(id, tenant)`` (declare it in the model's
    Meta.constraints). NOT DEFERRABLE: the violation is reported by the offending statement.
    """
    name = f"{table}_{column}_same_tenant"[:63]
    return [
        migrations.RunSQL(
            sql=(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}", {TENANT_COLUMN}) '
                f'REFERENCES "{target_table}" (id, {TENANT_COLUMN}) ON DELETE CASCADE'
            ),
            reverse_sql=f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"',
        )
    ]
