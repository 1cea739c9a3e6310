"""New tenant schemas, made by replaying the template schema's DDL in one round trip.

django-tenants' ``clone_schema()`` is a PL/pgSQL function that walks the catalog on every
call, and is re-installed before every call: in a long-lived process (a signup view, a batch
import) each creation leaves about 5 MB of PL/pgSQL memory in the database session, and
creation slows down 15x after 150 tenants. Here the catalog is read once per migration state
of the template schema (bootstrap keeps it at the newest migration) into a plain SQL script:

- ``CREATE TABLE new.t (LIKE template.t INCLUDING ALL)``: columns, defaults, identity columns
  (with new sequences), NOT NULL and CHECK constraints, primary keys, unique constraints and
  indexes, comments;
- every foreign key, added after all tables exist, pointing into the new schema;
- the template schema's rows (django_migrations, content types), and every identity sequence
  set to where the template schema's stands;
- its functions and triggers (the audit trail's append-only trigger), after the rows.

The template may hold only what this covers (tables, their indexes, constraints and identity
sequences, functions and triggers); anything else (a view, an aggregate, a free sequence, a
type) stops creation with a message naming it, rather than a schema silently missing it.
tests/test_tenant_scale.py checks a replayed schema against a migrated one.
"""

import hashlib
import threading

from psycopg import sql

_lock = threading.Lock()
_scripts = {}  # (template schema, migration state) -> the script, for a schema named PLACEHOLDER
# The new schema's name while the script is stored; replaced (as identifier and as literal) on replay.
PLACEHOLDER = "tenancy_new_schema_placeholder"

FOREIGN_KEY_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def migration_state(names):
    """A fingerprint of a set of applied migrations ("app.name" strings)."""
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def applied_state(cursor, schema):
    """The fingerprint of the migrations applied in ``schema``."""
    cursor.execute(sql.SQL("SELECT app || '.' || name FROM {}.django_migrations").format(sql.Identifier(schema)))
    return migration_state(row[0] for row in cursor.fetchall())


def create_schema_from(cursor, template, schema):
    """Make ``schema`` a copy of ``template`` (structure and rows); returns the migration state copied."""
    state = applied_state(cursor, template)
    key = (template, state)
    script = _scripts.get(key)
    if script is None:
        with _lock:
            script = _scripts.get(key) or _capture(cursor, template)
            _scripts.clear()  # only the newest state is ever replayed again
            _scripts[key] = script
    replay(cursor, script, schema)
    return state


def _capture(cursor, template):
    unsupported = _unsupported_objects(cursor, template)
    if unsupported:
        raise RuntimeError(
            f"The tenant template schema {template!r} holds objects that tenant provisioning does not "
            f"copy: {', '.join(unsupported)}. Keep tenant apps to tables, indexes and constraints, or "
            "extend tenancy/template_schema.py to copy these."
        )
    source = sql.Identifier(template)
    target = sql.Identifier(PLACEHOLDER)
    statements = [sql.SQL("CREATE SCHEMA {}").format(target)]
    tables = _tables(cursor, template)
    for table in tables:
        statements.append(
            sql.SQL("CREATE TABLE {}.{} (LIKE {}.{} INCLUDING ALL EXCLUDING INDEXES)").format(
                target, sql.Identifier(table), source, sql.Identifier(table)
            )
        )
    # Indexes under their own names (LIKE would invent new ones, and a later migration that
    # drops or renames an index by name would fail in every tenant made that way).
    statements.extend(_keys_and_indexes(cursor, template, target))
    statements.extend(_foreign_keys(cursor, template, target))
    for table, columns in _insertable_columns(cursor, template).items():
        column_list = sql.SQL(", ").join(map(sql.Identifier, columns))
        statements.append(
            sql.SQL("INSERT INTO {}.{} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {}.{}").format(
                target, sql.Identifier(table), column_list, column_list, source, sql.Identifier(table)
            )
        )
    for table, column, sequence in _identity_sequences(cursor, template):
        statements.append(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence(format('%I.%I', {}::text, {}::text), {}), last_value, is_called) "
                "FROM {}.{}"
            ).format(
                sql.Literal(PLACEHOLDER), sql.Literal(table), sql.Literal(column), source, sql.Identifier(sequence)
            )
        )
    # Functions, then the triggers that call them, once the rows are in: a copy, not new entries.
    statements.extend(_functions(cursor, template))
    statements.extend(_triggers(cursor, template))
    return sql.SQL(";\n").join(statements).as_string(cursor.cursor.connection)


def replay(cursor, script, schema):
    """Run the stored script for ``schema``: one statement batch, one round trip."""
    connection = cursor.cursor.connection
    script = script.replace(
        sql.Identifier(PLACEHOLDER).as_string(connection), sql.Identifier(schema).as_string(connection)
    )
    script = script.replace(sql.Literal(PLACEHOLDER).as_string(connection), sql.Literal(schema).as_string(connection))
    cursor.execute(script)


def _tables(cursor, template):
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname",
        [template],
    )
    return [row[0] for row in cursor.fetchall()]


def _unsupported_objects(cursor, template):
    cursor.execute(
        """
        SELECT 'relation ' || c.relname || ' (relkind ' || c.relkind::text || ')'
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind NOT IN ('r', 'i', 'S', 't')
        UNION ALL
        SELECT 'sequence ' || c.relname || ' (not an identity column''s)'
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind = 'S'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')
        UNION ALL
        SELECT 'function ' || p.proname || ' (an aggregate or window function)'
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s AND p.prokind NOT IN ('f', 'p')
        UNION ALL
        SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = %(schema)s AND t.typtype IN ('e', 'd', 'r', 'm')
           OR (n.nspname = %(schema)s AND t.typtype = 'c' AND t.typrelid <> 0
               AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
        ORDER BY 1
        """,
        {"schema": template},
    )
    return [row[0] for row in cursor.fetchall()]


def _keys_and_indexes(cursor, template, target):
    """Primary keys, unique and exclusion constraints, then every other index, by name."""
    cursor.execute(
        "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'x') ORDER BY con.contype, c.relname, con.conname",
        [template],
    )
    statements = [
        sql.SQL("ALTER TABLE {}.{} ADD CONSTRAINT {} {}").format(
            target, sql.Identifier(table), sql.Identifier(name), sql.SQL(definition)
        )
        for table, name, definition in cursor.fetchall()
    ]
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(n.nspname) || '.' "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class ic ON ic.oid = i.indexrelid "
        "WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid) "
        "ORDER BY ic.relname",
        [template],
    )
    for definition, qualified in cursor.fetchall():
        if qualified not in definition:
            raise RuntimeError(f"Cannot re-point this index of the template schema to a new schema: {definition}")
        table_part = " ON " + sql.Identifier(PLACEHOLDER).as_string(cursor.cursor.connection) + "."
        statements.append(sql.SQL(definition.replace(qualified, table_part, 1)))
    return statements


def _foreign_keys(cursor, template, target):
    """ALTER TABLE ... ADD CONSTRAINT for every foreign key, re-pointed into the new schema."""
    cursor.execute(
        """
        SELECT con.conname, src.relname,
               ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord),
               dstns.nspname, dst.relname,
               ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord),
               con.confupdtype, con.confdeltype, con.confmatchtype, con.condeferrable, con.condeferred
        FROM pg_constraint con
        JOIN pg_class src ON src.oid = con.conrelid
        JOIN pg_namespace srcns ON srcns.oid = src.relnamespace
        JOIN pg_class dst ON dst.oid = con.confrelid
        JOIN pg_namespace dstns ON dstns.oid = dst.relnamespace
        WHERE con.contype = 'f' AND srcns.nspname = %s
        ORDER BY src.relname, con.conname
        """,
        [template],
    )
    statements = []
    for (
        name,
        table,
        columns,
        ref_schema,
        ref_table,
        ref_columns,
        on_update,
        on_delete,
        match,
        deferrable,
        deferred,
    ) in cursor.fetchall():
        statements.append(
            sql.SQL(
                "ALTER TABLE {}.{} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}.{} ({}){} "
                "ON UPDATE {} ON DELETE {} {} {}"
            ).format(
                target,
                sql.Identifier(table),
                sql.Identifier(name),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
                target if ref_schema == template else sql.Identifier(ref_schema),
                sql.Identifier(ref_table),
                sql.SQL(", ").join(map(sql.Identifier, ref_columns)),
                sql.SQL(" MATCH FULL" if match == "f" else ""),
                sql.SQL(FOREIGN_KEY_ACTIONS[on_update]),
                sql.SQL(FOREIGN_KEY_ACTIONS[on_delete]),
                sql.SQL("DEFERRABLE" if deferrable else "NOT DEFERRABLE"),
                sql.SQL("INITIALLY DEFERRED" if deferred else "INITIALLY IMMEDIATE"),
            )
        )
    return statements


def _insertable_columns(cursor, template):
    """{table: [columns]} of every table, without generated columns (they cannot be inserted)."""
    cursor.execute(
        "SELECT c.relname, array_agg(a.attname ORDER BY a.attnum) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
        "WHERE n.nspname = %s AND c.relkind = 'r' GROUP BY c.relname ORDER BY c.relname",
        [template],
    )
    return dict(cursor.fetchall())


def _identity_sequences(cursor, template):
    """(table, column, sequence) of every identity column."""
    cursor.execute(
        "SELECT c.relname, a.attname, s.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attidentity <> '' "
        "JOIN pg_depend d ON d.refobjid = c.oid AND d.refobjsubid = a.attnum AND d.deptype = 'i' "
        "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
        "WHERE n.nspname = %s ORDER BY 1, 2",
        [template],
    )
    return cursor.fetchall()


def _functions(cursor, template):
    """CREATE FUNCTION for every function of the template, its name re-pointed into the new schema."""
    cursor.execute(
        "SELECT pg_get_functiondef(p.oid), quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(', "
        "quote_ident(p.proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s ORDER BY p.proname, p.oid",
        [template],
    )
    placeholder = sql.Identifier(PLACEHOLDER).as_string(cursor.cursor.connection)
    statements = []
    for definition, qualified, name in cursor.fetchall():
        header, _, body = definition.partition("\n")
        if qualified not in header or f"{template}." in body:
            raise RuntimeError(f"Cannot re-point this function of the template schema to a new schema: {definition}")
        statements.append(sql.SQL(header.replace(qualified, f"{placeholder}.{name}(", 1) + "\n" + body))
    return statements


def _triggers(cursor, template):
    """CREATE TRIGGER for every trigger on a table of the template schema, on the new schema's
    table, calling the new schema's copy of its function (or the same function, when elsewhere)."""
    cursor.execute(
        "SELECT pg_get_triggerdef(t.oid), ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ', "
        "quote_ident(c.relname), fn.nspname = n.nspname, quote_ident(fn.nspname), quote_ident(p.proname) "
        "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = p.pronamespace "
        "WHERE n.nspname = %s AND NOT t.tgisinternal ORDER BY c.relname, t.tgname",
        [template],
    )
    placeholder = sql.Identifier(PLACEHOLDER).as_string(cursor.cursor.connection)
    statements = []
    for definition, on_table, table, own_function, function_schema, function in cursor.fetchall():
        head, found, call = definition.partition(" EXECUTE FUNCTION ")
        if on_table not in head or not found:
            raise RuntimeError(f"Cannot re-point this trigger of the template schema to a new schema: {definition}")
        head = head.replace(on_table, f" ON {placeholder}.{table} ", 1)
        schema = placeholder if own_function else function_schema
        arguments = call.partition("(")[2]
        statements.append(sql.SQL(f"{head} EXECUTE FUNCTION {schema}.{function}({arguments}"))
    return statements
