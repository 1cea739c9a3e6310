"""The SQL of Row Level Security, in one place: the models' constraints, checks and tests build on it.

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

TenantScopedModel (tenancy/models.py) puts TenantIsolation and SameTenantForeignKey into every
subclass's constraints, so ``makemigrations`` writes them like any other constraint. Their SQL
is idempotent: applied over a table that already has its policy and key, it changes nothing.
"""

from django.db import migrations, models

TENANT_SETTING = "app.tenant_id"
TENANT_COLUMN = "tenant_id"
POLICY_NAME = "tenant_isolation"
# The transaction's tenant, NULL when none is set: the tenant column's default (CurrentTenantId).
TENANT_ID_SQL = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint"
# The same, once per statement: what the policies compare the tenant column with.
CURRENT_TENANT_SQL = f"(SELECT {TENANT_ID_SQL})"


def create_policy_sql(table):
    return (
        f'CREATE POLICY {POLICY_NAME} ON "{table}" '
        f"USING ({TENANT_COLUMN} = {CURRENT_TENANT_SQL}) "
        f"WITH CHECK ({TENANT_COLUMN} = {CURRENT_TENANT_SQL})"
    )


def table_security_sql(table):
    """Statements that put ``table`` under tenant isolation; rerun, they leave it as it was."""
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        create_policy_sql(table),
    ]


def table_security_removal_sql(table):
    return [
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]


def same_tenant_foreign_key_name(table, column):
    return f"{table}_{column}_same_tenant"[:63]


def same_tenant_foreign_key_sql(name, table, column, target_table, target_column="id"):
    """The key ``name``: ``table.(column, tenant_id)`` must exist in ``target_table``; left as it
    is when ``table`` has a constraint of that name already.

    ``target_table`` needs ``(target_column, tenant_id)`` unique (TenantScopedModel adds it).
    NOT DEFERRABLE: the violation is reported by the offending statement.
    """
    return (
        f'DO $$ BEGIN ALTER TABLE "{table}" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}", {TENANT_COLUMN}) '
        f'REFERENCES "{target_table}" ("{target_column}", {TENANT_COLUMN}) ON DELETE CASCADE; '
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )


class _TenantConstraint(models.BaseConstraint):
    """A constraint made of SQL that PostgreSQL enforces on every statement: nothing to check in Python."""

    def constraint_sql(self, model, schema_editor):
        # Not part of CREATE TABLE: run once the table exists.
        schema_editor.deferred_sql.append(self.create_sql(model, schema_editor))
        return None

    def validate(self, model, instance, exclude=None, using=None):
        pass

    def __eq__(self, other):
        if isinstance(other, _TenantConstraint):
            return self.deconstruct() == other.deconstruct()
        return NotImplemented

    def __hash__(self):
        return hash((type(self), self.name))


class TenantIsolation(_TenantConstraint):
    """The model's table under tenant isolation (ENABLE, FORCE and the policy), as a constraint
    so that makemigrations writes it for every TenantScopedModel."""

    def create_sql(self, model, schema_editor):
        return ";\n".join(table_security_sql(model._meta.db_table))

    def remove_sql(self, model, schema_editor):
        return ";\n".join(table_security_removal_sql(model._meta.db_table))


class SameTenantForeignKey(_TenantConstraint):
    """The foreign key ``field`` tied to the same tenant: a composite key ``(column, tenant_id)``."""

    def __init__(self, *, field, name, **kwargs):
        super().__init__(name=name, **kwargs)
        self.field = field

    def create_sql(self, model, schema_editor):
        field = model._meta.get_field(self.field)
        return same_tenant_foreign_key_sql(
            self.name, model._meta.db_table, field.column, field.related_model._meta.db_table, field.target_field.column
        )

    def remove_sql(self, model, schema_editor):
        return f'ALTER TABLE "{model._meta.db_table}" DROP CONSTRAINT IF EXISTS "{self.name}"'

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "field": self.field}


# --- for migrations written before the models carried their constraints ------------------------


def tenant_table_security(table):
    """Migration operations that put ``table`` under tenant isolation (and take it off again).

    Kept for migrations written by hand before TenantScopedModel brought TenantIsolation; a new
    model needs none: makemigrations writes its constraints.
    """
    return [migrations.RunSQL(sql=table_security_sql(table), reverse_sql=table_security_removal_sql(table))]


def same_tenant_foreign_key(table, column, target_table):
    """Migration operations for one same-tenant foreign key; kept for migrations written by hand
    before TenantScopedModel brought SameTenantForeignKey."""
    name = same_tenant_foreign_key_name(table, column)
    return [
        migrations.RunSQL(
            sql=same_tenant_foreign_key_sql(name, table, column, target_table),
            reverse_sql=f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"',
        )
    ]
