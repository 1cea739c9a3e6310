"""What one warm tenant-scoped request sends to PostgreSQL, statement by statement.

Counted on the wire, from libpq's trace of the connection, so nothing escapes the count: not
the transaction's BEGIN and COMMIT, not the statement that sets the tenant
(tests/roles.py says what it looks like). ``main()`` runs inside
``manage.py shell`` in a process of its own, where each request's transaction is outermost, as
under gunicorn (in the test process every request would nest in the test's transaction).
Used by tests/test_request_statements.py and by ``make bench``.
"""

import json
import os
import re
import tempfile
from collections import Counter
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from psycopg import pq

from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

from tests.roles import TENANT_SETTING

CATEGORIES = [
    ("transaction", re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.I)),
    ("tenant setting", TENANT_SETTING),
    ("tenant lookup", re.compile(r'"tenancy_(tenant|domain)"')),
    # The token, its user and the user's role in the tenant, in one query (users/authentication.py).
    ("authentication and membership", re.compile(r'^(?=.*"knox_authtoken")(?=.*"tenancy_membership")')),
    ("membership", re.compile(r'"tenancy_membership"')),
    ("authentication", re.compile(r'"(authtoken_token|knox_authtoken|users_user|django_session)"')),
    ("page", re.compile(r'"projects_')),
    # The throttles' counters when the shared cache is the database (no REDIS_URL): one
    # statement for all of them (api/throttle_counters.py).
    ("throttle", re.compile(r'"cache_entries"')),
]
# Client-to-server (F) messages in libpq's trace: Query "<sql>" (simple protocol), Parse "<name>" "<sql>" ...
QUERY_LINE = re.compile(r'^F\t\d+\t(?:Query\t\s*"(?P<query>.*)"$|Parse\t\s*"[^"]*"\s+"(?P<parse>.*)"\s+\d+)')
SLUG = "counted"
PASSWORD = "a-long-unusual-password-42"


def category(statement):
    return next((name for name, pattern in CATEGORIES if pattern.search(statement)), "other")


def per_category(statements):
    """{category: count}."""
    return dict(Counter(category(statement) for statement in statements))


@contextmanager
def statements_sent():
    """The list of every statement the connection sends inside the block."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    sent = []
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield sent
        finally:
            pgconn.untrace()
            trace.seek(0)
            for line in trace.read().decode(errors="replace").splitlines():
                match = QUERY_LINE.match(line)
                if match:
                    sent.append(match["query"] or match["parse"])


def routing(slug):
    if settings.TENANT_ROUTING == "header":
        return {"HTTP_HOST": settings.BASE_DOMAIN, f"HTTP_{settings.TENANT_HEADER.upper().replace('-', '_')}": slug}
    return {"HTTP_HOST": f"{slug}.{settings.BASE_DOMAIN}"}


def signed_in_client(slug=SLUG):
    """A client of tenant ``slug`` (made with an owner and one project if missing), with a token."""
    email = f"owner@{slug}.test"
    if not Tenant.objects.filter(slug=slug).exists():
        tenant = create_tenant(slug, slug.title(), owner_email=email, owner_password=PASSWORD)
        from {{ cookiecutter.project_slug }}.projects.models import Project

        with tenant_context(tenant):
            Project.objects.create(name="counted")
    assert get_user_model().objects.filter(email=email).exists()
    credentials = {"email": email, "password": PASSWORD}
    token = Client(HTTP_HOST=settings.BASE_DOMAIN).post("/api/v1/auth/token/", credentials).json()["token"]
    return Client(**routing(slug), HTTP_AUTHORIZATION=f"Token {token}")


def warm_request_statements(path="/api/v1/projects/"):
    """The statements of GET ``path`` once the process has served it before."""
    client = signed_in_client()
    for _ in range(2):
        assert client.get(path).status_code == 200
    with statements_sent() as sent:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return sent


def main():
    print(json.dumps(warm_request_statements(os.environ.get("COUNTED_PATH", "/api/v1/projects/"))))
