"""Health and readiness answer for any host and never need a tenant."""

import pytest
from django.conf import settings

HOSTS = ["acme.localhost", "localhost", "unknown-tenant.localhost", "10.0.3.7", "lb.internal.example.net"]


@pytest.mark.parametrize("host", HOSTS)
def test_health_answers_for_any_host(client, host):
    # No db fixture: pytest-django fails this test on any database access, tenant lookup included.
    response = client.get("/api/v1/health/", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("host", HOSTS)
def test_ready_answers_for_any_host(db, client, host):
    response = client.get("/api/v1/ready/", HTTP_HOST=host)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"


def test_probes_ignore_a_forged_or_unknown_tenant_header(db, client):
    headers = {"HTTP_HOST": settings.BASE_DOMAIN, "HTTP_X_TENANT_ID": "nosuchtenant"}
    assert client.get("/api/v1/health/", **headers).status_code == 200
    assert client.get("/api/v1/ready/", **headers).status_code == 200


def test_openapi_schema_documents_the_whole_api(db, client):
    response = client.get("/api/v1/schema/", HTTP_HOST=settings.BASE_DOMAIN)
    assert response.status_code == 200
    body = response.content.decode()
    for path in ("/api/v1/projects/", "/api/v1/tasks/", "/api/v1/auth/token/", "/api/v1/health/"):
        assert path in body


def test_api_docs_page(db, client):
    assert client.get("/api/v1/docs/", HTTP_HOST=settings.BASE_DOMAIN).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/health/", "/api/v1/ready/"])
def test_probes_answer_head_too(db, client, path):
    assert client.head(path, HTTP_HOST="10.0.3.7").status_code == 200
