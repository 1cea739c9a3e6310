"""The API docs (Swagger UI) render in a real browser with every request outside the server refused,
and their "Try it out" calls this server, signed in, for a tenant.

The page's scripts come from the project's own static files (drf-spectacular-sidecar, pinned),
so the docs work offline and production runs no unpinned third-party script.
"""

import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e


def test_the_docs_render_with_no_request_leaving_the_server(new_context, deployment):
    context = new_context(base_url=deployment.origin(None))
    context.set_default_timeout(15_000)
    server = urlsplit(deployment.origin(None)).netloc
    elsewhere = []

    def only_the_server(route):
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    page = context.new_page()
    page.goto("/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "API" in page.locator(".swagger-ui .info .title").inner_text()
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = set(operations.all_inner_texts())
    assert {"/api/v1/auth/token/", "/api/v1/projects/", "/api/v1/tasks/{id}/"} <= {p.strip() for p in paths}, paths
    assert elsewhere == [], f"the docs page asked other hosts: {elsewhere}"


def test_try_it_out_lists_a_tenants_projects_from_the_docs(new_context, deployment, token_of):
    """Authorize with a token, then Try it out on GET /api/v1/projects/: a real 200 from this server.

    Subdomain routing: the docs opened on the tenant's host (its first server, "/", is that host).
    Header routing: the docs on the base domain, the tenant typed into the X-Tenant-ID field.
    """
    acme = deployment.tenants["acme"]
    origin = deployment.origin("acme")
    context = new_context(base_url=origin)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/api/v1/docs/")
    token = token_of(acme.owner_email)

    page.locator(".swagger-ui .auth-wrapper button.authorize").click()
    token_auth = page.locator(".auth-container").filter(has_text="tokenAuth")
    token_auth.locator("input").fill(f"Token {token}")
    token_auth.locator("button.authorize").click()
    token_auth.locator("button.btn-done").click()

    operation = page.locator("#operations-projects-projects_list")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    if deployment.routing == "header":
        operation.locator(f'tr[data-param-name="{settings.TENANT_HEADER}"] input').fill("acme")
    with page.expect_response(lambda answer: urlsplit(answer.url).path == "/api/v1/projects/") as answered:
        operation.locator("button.execute").click()
    answer = answered.value

    assert urlsplit(answer.url).netloc == urlsplit(origin).netloc, answer.url
    assert answer.request.headers["authorization"] == f"Token {token}"
    assert answer.status == 200, answer.text()
    body = answer.text()
    assert json.loads(body)["count"] >= 1 and acme.marker in body, body[:300]
    for marker in deployment.markers_hidden_from("acme", acme.owner_email):
        assert marker not in body
    status = operation.locator(".live-responses-table .response .response-col_status").first
    assert status.inner_text().strip() == "200"
