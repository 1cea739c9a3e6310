"""The API docs (Swagger UI) render in a real browser with every request outside the server refused.

The page's scripts come from the project's own static files (drf-spectacular-sidecar, pinned),
so the docs work offline and production runs no unpinned third-party script.
"""

from urllib.parse import urlsplit

import pytest

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
