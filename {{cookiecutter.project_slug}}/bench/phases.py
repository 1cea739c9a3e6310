"""The benchmark's measurements that run inside Django, one per ``manage.py shell`` process
(started by bench/__main__.py). Each prints one line: ``BENCH <json>``. The strategy's own
(tenant creation, many tenants and more) are in bench/strategy_phases.py."""

import json
import statistics
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from {{ cookiecutter.project_slug }}.projects.models import Project
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

from tests.request_statements import per_category, routing, statements_sent

PASSWORD = "a-long-unusual-password-42"


def report(**values):
    print("BENCH " + json.dumps(values))


def median_ms(values):
    return round(statistics.median(values) * 1000, 3)


# --- tenant creation ------------------------------------------------------------------------


def serve_creations(session_memory=None):
    """Create a tenant for each slug read from standard input, answering each with its time.

    bench/__main__.py drives two of these: one that has made 280 tenants already and a new one,
    alternately, so that a slower moment of the machine hits both sides alike. With
    ``session_memory`` (a function), the database session's memory is reported at the start
    and at the end.
    """
    report(memory_mb=session_memory() if session_memory else None)
    for line in sys.stdin:
        slug = line.strip()
        started = time.perf_counter()
        create_tenant(slug, f"Made {slug}")
        report(ms=(time.perf_counter() - started) * 1000)
    report(memory_mb=session_memory() if session_memory else None)


# --- statements per request ---------------------------------------------------------------


def seeded_tenant(slug="bench", rows=50):
    """A tenant with an owner and ``rows`` projects, and as many users (the twin's rows); its owner's token."""
    email = f"owner@{slug}.test"
    if not Tenant.objects.filter(slug=slug).exists():
        tenant = create_tenant(slug, slug.title(), owner_email=email, owner_password=PASSWORD)
        with tenant_context(tenant):
            Project.objects.bulk_create(Project(name=f"project {n}") for n in range(rows))
        get_user_model().objects.bulk_create(
            get_user_model()(email=f"twin{n}@{slug}.test", password="!") for n in range(rows)
        )
    credentials = {"email": email, "password": PASSWORD}
    return Client(HTTP_HOST=settings.BASE_DOMAIN).post("/api/v1/auth/token/", credentials).json()["token"]


def statements():
    """What a warm GET /api/v1/projects/ and its twin send to PostgreSQL, per category."""
    token = seeded_tenant()
    counted = {}
    for name, client, path in [
        ("tenant", Client(**routing("bench"), HTTP_AUTHORIZATION=f"Token {token}"), "/api/v1/projects/"),
        ("twin", Client(HTTP_HOST=settings.BASE_DOMAIN, HTTP_AUTHORIZATION=f"Token {token}"), "/bench/twin/"),
    ]:
        for _ in range(2):
            assert client.get(path).status_code == 200
        with statements_sent() as sent:
            response = client.get(path)
        assert response.status_code == 200, response.content
        counted[name] = {"total": len(sent), **per_category(sent)}
    report(**counted, token=token)


# --- readiness ----------------------------------------------------------------------------


def readiness():
    """Median time of GET /api/v1/ready/ at this many tenants, in this process, warm."""
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    status = client.get("/api/v1/ready/").status_code
    seconds = []
    for _ in range(30):
        started = time.perf_counter()
        client.get("/api/v1/ready/")
        seconds.append(time.perf_counter() - started)
    report(status=status, ready_ms=median_ms(seconds), tenants=Tenant.objects.count())
