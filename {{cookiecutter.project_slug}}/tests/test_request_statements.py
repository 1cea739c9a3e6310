"""A warm tenant-scoped request sends as few statements as a single-tenant app, per category.

A single-tenant app sends its transaction (BEGIN, COMMIT), its authentication and its page;
tenancy adds one tenant setting, reads the membership with the token, and sends no tenant lookup
once the process has seen the tenant. Counted on the wire (tests/request_statements.py).
"""

import json

import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.tenancy.models import Domain, Membership

from .request_statements import category, per_category, statements_sent
from .support import bootstrapped_database, manage_py

CACHE_BACKEND = settings.CACHES["default"]["BACKEND"]

# The budget of a warm list request, per category: 5 statements, 6 with the throttle counters.
BUDGET = {"transaction": 2, "tenant setting": 1, "authentication and membership": 1, "page": 1}
# Throttling, when its shared cache is the database cache (the default without REDIS_URL): the
# tenant's and the user's counters, in one statement (api/throttle_counters.py). With Redis
# (REDIS_URL) it sends no SQL.
THROTTLE_STATEMENTS = 1


@pytest.fixture(scope="module")
def counting_database():
    return bootstrapped_database("request_statements")


@pytest.mark.parametrize("path", ["/api/v1/projects/", "/api/v1/tasks/"])
def test_a_warm_list_request_sends_six_statements(counting_database, path):
    result = manage_py(
        "shell", "-c", "from tests.request_statements import main; main()", COUNTED_PATH=path, **counting_database
    )
    assert result.returncode == 0, result.stderr
    sent = json.loads(result.stdout.strip().splitlines()[-1])
    listing = "\n".join(f"  {category(statement)}: {statement[:160]}" for statement in sent)
    throttle = {"throttle": THROTTLE_STATEMENTS} if "DatabaseCache" in CACHE_BACKEND else {}
    assert per_category(sent) == {**BUDGET, **throttle}, listing
    assert len(sent) <= 6, listing


@pytest.fixture
def owner_client(api, acme):
    client = api(acme.slug, acme.owner)
    assert client.get("/api/v1/projects/").status_code == 200  # warms the tenant cache and the connection
    return client


def test_a_page_past_the_end_still_counts_the_total(owner_client, data):
    response = owner_client.get("/api/v1/projects/?limit=1&offset=5")
    assert response.status_code == 200
    assert response.json()["count"] == 1 and response.json()["results"] == []


def test_a_page_carries_its_total(owner_client, data):
    response = owner_client.get("/api/v1/projects/?limit=1")
    assert response.json()["count"] == 1 and len(response.json()["results"]) == 1


def test_a_renamed_or_rerouted_tenant_is_not_served_from_the_cache(owner_client, acme):
    if settings.TENANT_ROUTING == "header":
        acme.tenant.slug = "acme-renamed"
        acme.tenant.save()
    else:
        domain = Domain.objects.get(tenant=acme.tenant)
        domain.domain = f"renamed.{settings.BASE_DOMAIN}"
        domain.save()
    assert owner_client.get("/api/v1/projects/").status_code == 404


def test_a_removed_membership_is_refused_on_the_next_request(owner_client, acme):
    Membership.objects.filter(user=acme.owner, tenant=acme.tenant).delete()
    assert owner_client.get("/api/v1/projects/").status_code == 403


def test_the_membership_is_read_once_per_request_with_the_token(api, acme):
    client = api(acme.slug, acme.owner)
    client.get("/api/v1/projects/")
    with statements_sent() as sent:
        client.get("/api/v1/tasks/")
    reading_membership = [statement for statement in sent if '"tenancy_membership"' in statement]
    assert [category(statement) for statement in reading_membership] == ["authentication and membership"], sent
