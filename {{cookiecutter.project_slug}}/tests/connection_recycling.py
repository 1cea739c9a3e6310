"""Requests across many tenants on one process's connection, as under gunicorn: what each
request leaves of the connection (its backend's pid and memory), or that it was closed.

``main()`` runs inside ``manage.py shell`` in a process of its own, where each request's
transaction is outermost and the request goes through Django's WSGI handler, whose end
(request_finished) closes an obsolete connection: the test client skips that.
Used by tests/test_connection_recycling.py.
"""

import io
import json
import os
import sys

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

from tests.request_statements import routing

OWNER = "owner@recycling.test"
PASSWORD = "a-long-unusual-password-42"
MEMORY_FUNCTION = "test_session_memory_bytes"


def tenants(count):
    """The slugs of ``count`` tenants with one owner, created when missing."""
    slugs = [f"recycled-{number}" for number in range(count)]
    existing = set(Tenant.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for slug in slugs:
        if slug not in existing:
            create_tenant(slug, slug.title(), owner_email=OWNER, owner_password=PASSWORD)
    return slugs


def token():
    credentials = {"email": OWNER, "password": PASSWORD}
    response = Client(HTTP_HOST=settings.BASE_DOMAIN).post("/api/v1/auth/token/", credentials)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def environ(slug, token):
    """The WSGI environ of GET /api/v1/projects/ in tenant ``slug``, as a server builds it."""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/v1/projects/",
        "QUERY_STRING": "limit=5",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "HTTP_AUTHORIZATION": f"Token {token}",
        **routing(slug),
    }


def memory():
    """Bytes held by this session's backend, read in the session itself, through the function
    tests/test_connection_recycling.py gives it (the view is readable by a superuser only)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT public.{MEMORY_FUNCTION}()")
        return cursor.fetchone()[0]


def serve(slugs, *, measure):
    """After each request: its connection's backend pid (None if it was closed) and, with
    ``measure``, that backend's memory."""
    handler, key, after = WSGIHandler(), token(), []
    connection.close()
    for slug in slugs:
        response = handler(environ(slug, key), lambda status, headers: None)
        b"".join(response)
        response.close()  # request_finished: Django closes an obsolete connection here
        assert response.status_code == 200, (slug, response.content)
        if connection.connection is None:
            after.append({"pid": None})
        else:
            pid = connection.connection.info.backend_pid
            after.append({"pid": pid, "bytes": memory() if measure else None})
    return after


def main():
    slugs = tenants(int(os.environ["RECYCLING_TENANTS"]))
    order = slugs
    if "RECYCLING_ORDER" in os.environ:
        order = [slugs[int(index)] for index in os.environ["RECYCLING_ORDER"].split()]
    print(json.dumps(serve(order, measure="RECYCLING_MEASURE" in os.environ)))
