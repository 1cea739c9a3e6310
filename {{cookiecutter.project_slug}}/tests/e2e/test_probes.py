"""Health and readiness through the running server, for hosts a load balancer or a stranger uses.

Probes answer before host validation and tenant resolution: an orchestrator that probes with an
IP or an internal name must never see a healthy server as failing.
"""

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e

HOSTS = ["10.1.2.3", "lb.internal.example.net", "nosuch.localhost", "localhost", "acme.localhost"]


@pytest.fixture(scope="module")
def probe(playwright, deployment):
    context = playwright.request.new_context(base_url=deployment.api_url)

    def get(path, headers):
        response = context.get(path, headers=headers, max_redirects=0)
        return response.status, response.json()

    yield get
    context.dispose()


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("path", ["/api/v1/health/", "/api/v1/ready/"])
def test_probe_answers_200_for_any_host(probe, path, host):
    status, body = probe(path, {"Host": host})
    assert status == 200, body
    assert body["status"] == "ok"


@pytest.mark.parametrize("path", ["/api/v1/health/", "/api/v1/ready/"])
def test_probe_ignores_an_unknown_tenant_header(probe, deployment, path):
    status, body = probe(path, {"Host": deployment.host(), settings.TENANT_HEADER: "nosuchtenant"})
    assert status == 200, body
