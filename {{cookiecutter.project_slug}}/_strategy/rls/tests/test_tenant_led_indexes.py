"""Every list endpoint pages its shared table through an index led by the tenant column.

Without one, ``ORDER BY id LIMIT 50`` walks the primary key and throws away every other
tenant's rows on the way: fine with ten tenants, 5,000 to 15,000 discarded rows per page with
thousands. Checked with EXPLAIN of the very statement each list endpoint sends, on a table of
100,000 rows spread over 20 tenants.
"""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from {{ cookiecutter.project_slug }}.tenancy import rls
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context

from .endpoints import ENDPOINTS
from .support import autocommit_connection, routing_headers, token_for

ROWS = 100_000
TENANTS = 20
# The tables the fixture fills. Any other (a model added since) is nearly empty, and PostgreSQL
# reads a nearly empty table by a sequential scan whatever its indexes: its page is planned with
# sequential scans off, which asks which index the page would use once the table has grown.
FILLED_TABLES = ("projects_project", "projects_task")


@pytest.fixture(scope="module")
def shared_tables_of_many_tenants(django_db_setup):
    """ROWS committed rows in every endpoint's table, over TENANTS tenants, acme's among them,
    analyzed as autovacuum would; removed again at the end. Written by the table owner inside
    each tenant's setting (FORCE puts the owner under the policies), and naming the tenant where
    it reads: an owner that is a superuser, as in CI, bypasses the policies."""
    params = settings.DATABASES["owner"]
    per_tenant = ROWS // TENANTS
    with autocommit_connection(params, params["NAME"]) as conn:
        acme_id = conn.execute("SELECT id FROM tenancy_tenant WHERE slug = 'acme'").fetchone()[0]
        bulk_ids = [
            conn.execute(
                "INSERT INTO tenancy_tenant (slug, name, created) VALUES (%s, %s, now()) RETURNING id",
                [f"bulk{n}", f"Bulk {n}"],
            ).fetchone()[0]
            for n in range(TENANTS - 1)
        ]
        try:
            for tenant_id in [acme_id, *bulk_ids]:
                with conn.transaction():
                    conn.execute("SELECT set_config(%s, %s, true)", [rls.TENANT_SETTING, str(tenant_id)])
                    conn.execute(
                        "INSERT INTO projects_project (name, created, done_task_count) "
                        "SELECT 'bulk-' || n, now(), 0 FROM generate_series(1, %s) AS n",
                        [per_tenant],
                    )
                    conn.execute(
                        "INSERT INTO projects_task (project_id, title, done) SELECT "
                        "(SELECT min(id) FROM projects_project WHERE name LIKE 'bulk-%%' AND tenant_id = %s), "
                        "'bulk-' || n, false FROM generate_series(1, %s) AS n",
                        [tenant_id, per_tenant],
                    )
            conn.execute(f"ANALYZE {', '.join(FILLED_TABLES)}")
            yield
        finally:
            for tenant_id in [acme_id, *bulk_ids]:
                with conn.transaction():
                    conn.execute("SELECT set_config(%s, %s, true)", [rls.TENANT_SETTING, str(tenant_id)])
                    conn.execute("DELETE FROM projects_task WHERE title LIKE 'bulk-%'")
                    conn.execute("DELETE FROM projects_project WHERE name LIKE 'bulk-%'")
            conn.execute("DELETE FROM tenancy_tenant WHERE id = ANY(%s)", [bulk_ids])
            conn.execute(f"ANALYZE {', '.join(FILLED_TABLES)}")


def tenant_led_indexes(table, order_column=None):
    """Indexes led by the tenant column; with ``order_column``, only (tenant_id, order_column, ...):
    those read a page in order, with no sort and nothing discarded."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "LEFT JOIN pg_attribute b ON b.attrelid = i.indrelid AND b.attnum = i.indkey[1] "
            "WHERE i.indrelid = %s::regclass AND a.attname = %s AND (%s::text IS NULL OR b.attname = %s)",
            [table, rls.TENANT_COLUMN, order_column, order_column],
        )
        return {row[0] for row in cursor.fetchall()}


def scans(plan, in_subplan=False):
    """Every scan node of a JSON plan: (node type, relation, index, in a subplan: the total's count)."""
    in_subplan = in_subplan or plan.get("Parent Relationship") in ("InitPlan", "SubPlan")
    found = []
    if "Relation Name" in plan:
        found.append((plan["Node Type"], plan["Relation Name"], plan.get("Index Name"), in_subplan))
    for child in plan.get("Plans", []):
        found.extend(scans(child, in_subplan))
    return found


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_each_list_page_uses_an_index_led_by_the_tenant(shared_tables_of_many_tenants, db, client, acme, endpoint):
    table = apps.get_model(endpoint.model)._meta.db_table
    headers = {**routing_headers(acme.slug), "HTTP_AUTHORIZATION": f"Token {token_for(acme.owner)}"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(endpoint.path, **headers)
    assert response.status_code == 200, response.content
    page = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"] and "LIMIT" in q["sql"]]
    assert len(page) == 1, queries.captured_queries
    with tenant_context(acme.tenant), connection.cursor() as cursor:
        if table not in FILLED_TABLES:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {page[0]}")
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    table_scans = [scan for scan in scans(plan[0]["Plan"]) if scan[1] == table]
    page_scans = [scan for scan in table_scans if not scan[3]]
    in_order = tenant_led_indexes(table, order_column="id")
    assert page_scans, plan
    assert all(index in in_order for _node, _table, index, _count in page_scans), (
        f"{endpoint.path} pages {table} with {page_scans}, not with an index on ({rls.TENANT_COLUMN}, id): "
        "add models.Index(fields=['tenant', 'id']) to the model"
    )
    # The page's total (a subquery of the same statement) counts the tenant's rows by an index too.
    led = tenant_led_indexes(table)
    assert all(index in led for _node, _table, index, _count in table_scans), table_scans
