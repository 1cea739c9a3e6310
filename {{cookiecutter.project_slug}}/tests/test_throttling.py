"""Throttles: sign-ins per client address and per account, API requests per user and per
tenant; a throttled request is a 429 with Retry-After and a JSON detail. Whatever the shared
cache: the database's (the default) or Redis (run this module with REDIS_URL set to check it
against a real Redis). tests/test_throttle_counters.py tests the database's counters."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.tenancy.models import Membership

from .support import PASSWORD, assert_throttled, throttle_rates


@pytest.fixture(autouse=True)
def no_counts_yet(db):
    """Each test starts from zero: Redis keeps counts from one test to the next, where the
    database's rows roll back with each test."""
    cache.clear()


def sign_in(email, password, address="198.51.100.7"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )


def test_failed_sign_ins_from_one_address_are_throttled(acme):
    with throttle_rates(login_address="3/min"):
        for attempt in range(3):
            assert sign_in(f"nobody{attempt}@example.test", "wrong").status_code == 400
        assert_throttled(sign_in(acme.owner.email, PASSWORD))
        # Another address is not affected.
        assert sign_in(acme.owner.email, PASSWORD, address="203.0.113.9").status_code == 200


def test_sign_ins_for_one_account_are_throttled_from_every_address(acme, globex):
    with throttle_rates(login_account="3/min"):
        for attempt in range(3):
            assert sign_in(acme.owner.email, "wrong", address=f"192.0.2.{attempt}").status_code == 400
        # The right password does not help once the account's budget is spent, from anywhere.
        assert_throttled(sign_in(acme.owner.email.upper(), PASSWORD, address="192.0.2.200"))
        assert sign_in(globex.owner.email, PASSWORD, address="192.0.2.201").status_code == 200


def test_api_requests_are_throttled_per_user(api, acme, globex):
    client = api("acme", acme.owner)
    with throttle_rates(user="3/min"):
        for _ in range(3):
            assert client.get("/api/v1/projects/").status_code == 200
        assert_throttled(client.get("/api/v1/projects/"))
        assert api("globex", globex.owner).get("/api/v1/projects/").status_code == 200


def test_a_users_budget_is_one_across_their_tenants(api, acme, globex):
    Membership.objects.create(user=acme.owner, tenant=globex.tenant, role=Membership.Role.MEMBER)
    in_acme, in_globex = api("acme", acme.owner), api("globex", acme.owner)
    with throttle_rates(user="3/min"):
        for client in (in_acme, in_globex, in_acme):
            assert client.get("/api/v1/projects/").status_code == 200
        assert_throttled(in_globex.get("/api/v1/projects/"))


def test_api_requests_are_throttled_per_tenant(api, acme, globex):
    member = get_user_model().objects.create_user(email="second@acme.test", password=PASSWORD)
    Membership.objects.create(user=member, tenant=acme.tenant, role=Membership.Role.MEMBER)
    owner, second = api("acme", acme.owner), api("acme", member)
    with throttle_rates(tenant="4/min"):
        for client in (owner, second, owner, second):
            assert client.get("/api/v1/projects/").status_code == 200
        assert_throttled(second.get("/api/v1/projects/"))
        # The other tenant keeps its own budget.
        assert api("globex", globex.owner).get("/api/v1/projects/").status_code == 200


def test_anonymous_requests_are_throttled_per_address(db):
    client = APIClient(HTTP_HOST=settings.BASE_DOMAIN, REMOTE_ADDR="198.51.100.20")
    with throttle_rates(anon="2/min"):
        assert client.get("/api/v1/schema/").status_code == 200
        assert client.get("/api/v1/schema/").status_code == 200
        assert_throttled(client.get("/api/v1/schema/"))


def test_forwarded_for_is_ignored_without_a_trusted_proxy(acme):
    """Otherwise a client would pick a new address for each request and never be throttled."""
    with throttle_rates(login_address="2/min"):
        for attempt in range(2):
            client = APIClient(REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}")
            client.post("/api/v1/auth/token/", {"email": acme.owner.email, "password": "x"}, format="json")
        client = APIClient(REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR="10.9.9.99")
        assert_throttled(client.post("/api/v1/auth/token/", {"email": "a@b.test", "password": "x"}, format="json"))
