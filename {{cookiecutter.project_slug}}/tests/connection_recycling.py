"""Tenants served one after another on one process's connection, as under gunicorn or a
background worker: what each request or job leaves of the connection (its backend's pid and
memory), or that it was closed.

``main()`` runs inside ``manage.py shell`` in a process of its own, where each request's
transaction is outermost and each unit of work ends as in production: a request goes through
Django's WSGI handler, whose end (request_finished) closes an obsolete connection (the test
client skips that); a job is the body the worker runs (tenancy/background.py), inside
procrastinate's own middleware, which closes it likewise.
Used by tests/test_connection_recycling.py.
"""

import io
import json
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client
from procrastinate.contrib.django.db_cleanup import close_db_connections

from {{ cookiecutter.project_slug }}.projects.tasks import recount_tenant_projects
from {{ cookiecutter.project_slug }}.tenancy.background import TENANT_ARGUMENT, TENANT_ID_ARGUMENT
from {{ cookiecutter.project_slug }}.tenancy.models import Domain, Membership, Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import default_domain

from tests.many_tenants import make_tenants
from tests.request_statements import routing

OWNER = "owner@recycling.test"
PASSWORD = "a-long-unusual-password-42"
MEMORY_FUNCTION = "test_session_memory_bytes"


def tenants(count):
    """``count`` tenants that OWNER may read, made when missing (cheaply: tests/many_tenants.py)."""
    slugs = [f"recycled-{number}" for number in range(count)]
    existing = set(Tenant.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    made = make_tenants([slug for slug in slugs if slug not in existing])
    User = get_user_model()
    owner = User.objects.filter(email=OWNER).first() or User.objects.create_user(email=OWNER, password=PASSWORD)
    Membership.objects.bulk_create(Membership(user=owner, tenant=tenant, role=Membership.Role.OWNER) for tenant in made)
    Domain.objects.bulk_create(
        Domain(domain=default_domain(tenant.slug), tenant=tenant, is_primary=True)
        for tenant in made
        if default_domain(tenant.slug)
    )
    by_slug = Tenant.objects.in_bulk(slugs, field_name="slug")
    return [by_slug[slug] for slug in slugs]


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


def left(measure):
    """What the request or job just ended left: its connection's backend pid (None if it was
    closed) and, with ``measure``, that backend's memory."""
    if connection.connection is None:
        return {"pid": None}
    return {"pid": connection.connection.info.backend_pid, "bytes": memory() if measure else None}


def serve_requests(served, *, measure):
    """GET /api/v1/projects/ (a count and a short list) in each tenant, through Django's WSGI handler."""
    handler, key, after = WSGIHandler(), token(), []
    connection.close()
    for tenant in served:
        response = handler(environ(tenant.slug, key), lambda status, headers: None)
        b"".join(response)
        response.close()  # request_finished: Django closes an obsolete connection here
        assert response.status_code == 200, (tenant.slug, response.content)
        after.append(left(measure))
    return after


def run_jobs(served, *, measure):
    """A job of the example app's per-tenant recount in each tenant, as the worker runs it."""
    after = []
    connection.close()
    for tenant in served:
        job = {TENANT_ARGUMENT: tenant.slug, TENANT_ID_ARGUMENT: tenant.pk}
        close_db_connections(lambda job=job: recount_tenant_projects.task(**job), context=None, worker=None)
        after.append(left(measure))
    return after


def main():
    made = tenants(int(os.environ["RECYCLING_TENANTS"]))
    order = made
    if "RECYCLING_ORDER" in os.environ:
        order = [made[int(index)] for index in os.environ["RECYCLING_ORDER"].split()]
    serve = run_jobs if os.environ.get("RECYCLING_PATH") == "jobs" else serve_requests
    print(json.dumps(serve(order, measure="RECYCLING_MEASURE" in os.environ)))
