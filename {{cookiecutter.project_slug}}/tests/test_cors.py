"""A browser app on another origin: CORS lets it send X-Tenant-ID and read it back."""

import pytest

FRONT_END = "http://localhost:5173"


@pytest.fixture(autouse=True)
def front_end_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]


def test_preflight_allows_the_tenant_and_authorization_headers(client, settings):
    response = client.options(
        "/api/v1/projects/",
        HTTP_HOST=settings.BASE_DOMAIN,
        HTTP_ORIGIN=FRONT_END,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-tenant-id",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "x-tenant-id" in allowed
    assert "authorization" in allowed


def test_responses_expose_the_tenant_header(api, acme):
    response = api("acme", acme.owner).get("/api/v1/projects/", HTTP_ORIGIN=FRONT_END)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert "X-Tenant-ID" in response["Access-Control-Expose-Headers"]
    assert response["X-Tenant-ID"] == "acme"


def test_an_unknown_origin_gets_no_cors_grant(api, acme):
    response = api("acme", acme.owner).get("/api/v1/projects/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
