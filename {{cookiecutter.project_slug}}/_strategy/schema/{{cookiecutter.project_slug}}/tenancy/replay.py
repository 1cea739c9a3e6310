"""New migrations rendered to SQL once, then replayed into every tenant schema that is behind.

Django's executor re-plans every migration in every schema: it loads the migration graph,
rebuilds the project state and renders each operation's SQL again, about 85 ms a schema. The
SQL of a migration that only changes the schema is the same in every tenant schema, so here
it is rendered once (``sqlmigrate``'s machinery: ``schema_editor(collect_sql=True)``) in one
schema that is behind, with the search_path set to it and every name left unqualified, then
replayed in each schema behind: ``SET LOCAL search_path`` inside that schema's transaction,
the migrations' SQL, its ``django_migrations`` rows, the content types that ``post_migrate``
would add, and its tenant row's migration state, committed together. Many schemas go in one
round trip; a schema that fails is rolled back alone and named.

Only an allowlist of operations is replayed; a migration with anything else (RunPython,
RunSQL, SeparateDatabaseAndState, a default computed in Python, a non-atomic migration, a
squash) and project code listening to the migration signals leave the whole plan to the
executor, which is always right. tests/test_migration_replay.py proves a replayed schema
equal to the template schema, which the executor migrated.
"""

from django.apps import apps
from django.db import connection, router, transaction
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate, pre_migrate
from psycopg import sql

from .models import PUBLIC_SCHEMA, Tenant

__all__ = ["Replay", "failure_reason", "render", "replay", "why_not_replayable"]

# Operations whose SQL depends only on the project state and the schema's own structure.
# RenameModel is left out: contenttypes renames its rows in Python around it.
REPLAYABLE_OPERATIONS = frozenset(
    {
        operations.CreateModel,
        operations.DeleteModel,
        operations.AddField,
        operations.RemoveField,
        operations.AlterField,
        operations.RenameField,
        operations.AlterModelTable,
        operations.AlterModelTableComment,
        operations.AlterUniqueTogether,
        operations.AlterIndexTogether,
        operations.AlterOrderWithRespectTo,
        operations.AlterModelOptions,
        operations.AlterModelManagers,
        operations.AddIndex,
        operations.RemoveIndex,
        operations.RenameIndex,
        operations.AddConstraint,
        operations.RemoveConstraint,
        operations.AlterConstraint,
    }
)
# Receivers of pre_migrate and post_migrate whose effect in a tenant schema is known: renaming
# content types (only around RenameModel, never replayed), adding content types (replayed as
# SQL), and permissions (auth's tables are in the public schema, checked at render time).
KNOWN_RECEIVERS = frozenset(
    {
        "django.contrib.contenttypes.management.inject_rename_contenttypes_operations",
        "django.contrib.contenttypes.management.create_contenttypes",
        "django.contrib.auth.management.create_permissions",
    }
)
# Schemas per round trip: the batch is a few kB of SQL per schema.
BATCH = 50


class Replay:
    """The SQL of a migration plan, rendered once, for the schemas behind by exactly that plan."""

    def __init__(self, migrations, body, search_path, rendered_in):
        self.migrations = migrations  # [(app, name)] in the order applied
        self.body = body  # the statements, every name unqualified
        self.search_path = search_path  # the rendering schema's search_path
        self.rendered_in = rendered_in

    def script(self, schema, state):
        """One transaction that brings ``schema`` to the plan's end and records it."""
        path = [schema if part == self.rendered_in else part for part in self.search_path]
        tenants = sql.Identifier(PUBLIC_SCHEMA, Tenant._meta.db_table)
        head = sql.SQL("BEGIN;\nSET LOCAL search_path TO {};\n").format(sql.SQL(", ").join(map(sql.Identifier, path)))
        tail = sql.SQL(";\nUPDATE {} SET migration_state = {} WHERE schema_name = {};\nCOMMIT;\n").format(
            tenants, sql.Literal(state), sql.Literal(schema)
        )
        raw = connection.connection
        return head.as_string(raw) + self.body + tail.as_string(raw)


def failure_reason(exc):
    """How a schema's failure is named in bootstrap's report."""
    return f"{type(exc).__name__}: {str(exc).strip()}"


def why_not_replayable(migration):
    """None when ``migration`` only changes the schema, else why the executor must run it."""
    if migration.replaces:
        return "it replaces other migrations (a squash)"
    if not migration.atomic:
        return "it is not atomic"
    for operation in migration.operations:
        if type(operation) not in REPLAYABLE_OPERATIONS:
            return f"{type(operation).__name__} ({operation.describe()})"
        field = getattr(operation, "field", None)
        if field is not None and field.has_default() and callable(field.default):
            return f"{operation.describe()}: its default is computed in Python for each schema"
    return None


def _unknown_receivers():
    names = set()
    for signal in (pre_migrate, post_migrate):
        for app_config in apps.get_app_configs():
            sync_receivers, async_receivers = signal._live_receivers(app_config)
            names.update(f"{r.__module__}.{r.__qualname__}" for r in (*sync_receivers, *async_receivers))
    return sorted(names - KNOWN_RECEIVERS)


def _content_types_sql():
    """What contenttypes' post_migrate adds in a tenant schema: every model's row, when missing."""
    from django.contrib.contenttypes.models import ContentType

    if not router.allow_migrate_model(connection.alias, ContentType):
        return ""
    rows = [
        (app_config.label, model._meta.model_name)
        for app_config in apps.get_app_configs()
        if app_config.models_module is not None
        for model in app_config.get_models()
    ]
    table = sql.Identifier(ContentType._meta.db_table)
    statement = sql.SQL(
        "INSERT INTO {table} (app_label, model) SELECT v.app_label, v.model FROM (VALUES {rows}) v(app_label, model) "
        "WHERE NOT EXISTS (SELECT 1 FROM {table} c WHERE c.app_label = v.app_label AND c.model = v.model)"
    ).format(table=table, rows=sql.SQL(", ").join(sql.SQL("({}, {})").format(*map(sql.Literal, row)) for row in rows))
    return statement.as_string(connection.connection)


def _records_sql(migrations):
    values = sql.SQL(", ").join(
        sql.SQL("({}, {}, now())").format(sql.Literal(app), sql.Literal(name)) for app, name in migrations
    )
    statement = sql.SQL("INSERT INTO django_migrations (app, name, applied) VALUES {}").format(values)
    return statement.as_string(connection.connection)


def render(schema, pending):
    """(Replay, None) for the plan that brings ``schema`` to this code's migrations, or (None, why)
    when the executor must migrate the schemas behind by ``pending`` ("app.name" strings).

    The statements run in ``schema`` as they are rendered, so that each migration is rendered
    against the structure the previous ones left (AlterField reads constraint names), inside a
    transaction that is rolled back: rendering changes nothing.
    """
    unknown = _unknown_receivers()
    if unknown:
        return None, f"code runs on every migration ({', '.join(unknown)})"
    connection.set_schema(schema)
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        migrations = [(migration.app_label, migration.name) for migration, _backwards in plan]
        if any(backwards for _migration, backwards in plan) or {f"{a}.{n}" for a, n in migrations} != set(pending):
            return None, "its plan is not the migrations it lacks"
        for migration, _backwards in plan:
            if why := why_not_replayable(migration):
                return None, f"{migration.app_label}.{migration.name}: {why}"
        if apps.is_installed("django.contrib.auth"):
            from django.contrib.auth.models import Permission

            if router.allow_migrate_model(connection.alias, Permission):
                return None, "auth's permissions live in tenant schemas (created in Python)"
        statements = []
        state = executor._create_project_state(with_applied_migrations=True)
        with transaction.atomic():
            for migration, _backwards in plan:
                with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
                    state = migration.apply(state, editor, collect_sql=True)
                rendered = [statement for statement in editor.collected_sql if not statement.startswith("--")]
                with connection.cursor() as cursor:
                    for statement in rendered:
                        cursor.execute(statement)
                statements.extend(rendered)
            transaction.set_rollback(True)
        statements.append(_records_sql(migrations) + ";")
        if content_types := _content_types_sql():
            statements.append(content_types)
        search_path = connection._get_cursor_search_paths()
    finally:
        connection.set_schema_to_public()
    body = "\n".join(statement.rstrip().removesuffix(";") + ";" for statement in statements).removesuffix(";")
    if connection.ops.quote_name(schema) in body:
        return None, f"its SQL names the schema it was rendered in ({schema})"
    return Replay(migrations, body, search_path, schema), None


def replay(plan, schemas, state, pending_of, batch=BATCH):
    """Replay ``plan`` into ``schemas``, ``batch`` schemas per round trip; [(schema, why)] of those
    that failed (each rolled back alone; the others committed).

    A failing statement ends its round trip: the schemas before it are committed, the failing one
    is the first of the batch still behind (``pending_of`` reads that in one query), and the rest
    are sent again.
    """
    failures = []
    queue = list(schemas)
    while queue:
        chunk, queue = queue[:batch], queue[batch:]
        script = "".join(plan.script(schema, state) for schema in chunk)
        try:
            with connection.cursor() as cursor:
                cursor.execute(script)
        except Exception as exc:  # named with its schema below; the others go on
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
            behind = pending_of(chunk)
            failed = next((schema for schema in chunk if schema in behind), None)
            if failed is None:
                raise  # every schema of the round trip committed: the failure is not one of theirs
            failures.append((failed, failure_reason(exc)))
            queue = [schema for schema in chunk[chunk.index(failed) + 1 :] if schema in behind] + queue
    return failures
