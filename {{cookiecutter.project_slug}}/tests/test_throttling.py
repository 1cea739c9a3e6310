"""Throttles: sign-ins per client address and per account, API requests per user and per
tenant; a throttled request is a 429 with Retry-After and a JSON detail. The counters live in
the shared cache (the database's cache table here), so every web process sees them."""

from uuid import uuid4

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.api.throttling import HIT, SHARDS
from {{ cookiecutter.project_slug }}.tenancy.models import Membership

from .support import PASSWORD, autocommit_connection, routing_headers


def rates(**overrides):
    """REST_FRAMEWORK with every throttle generous but the ones named."""
    unlimited = dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min")
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**unlimited, **overrides}}
    )


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]


def sign_in(email, password, address="198.51.100.7"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )


def test_failed_sign_ins_from_one_address_are_throttled(acme):
    with rates(login_address="3/min"):
        for attempt in range(3):
            assert sign_in(f"nobody{attempt}@example.test", "wrong").status_code == 400
        assert_throttled(sign_in(acme.owner.email, PASSWORD))
        # Another address is not affected.
        assert sign_in(acme.owner.email, PASSWORD, address="203.0.113.9").status_code == 200


def test_sign_ins_for_one_account_are_throttled_from_every_address(acme, globex):
    with rates(login_account="3/min"):
        for attempt in range(3):
            assert sign_in(acme.owner.email, "wrong", address=f"192.0.2.{attempt}").status_code == 400
        # The right password does not help once the account's budget is spent, from anywhere.
        assert_throttled(sign_in(acme.owner.email.upper(), PASSWORD, address="192.0.2.200"))
        assert sign_in(globex.owner.email, PASSWORD, address="192.0.2.201").status_code == 200


def test_api_requests_are_throttled_per_user(api, acme, globex):
    client = api("acme", acme.owner)
    with rates(user="3/min"):
        for _ in range(3):
            assert client.get("/api/v1/projects/").status_code == 200
        assert_throttled(client.get("/api/v1/projects/"))
        assert api("globex", globex.owner).get("/api/v1/projects/").status_code == 200


def test_api_requests_are_throttled_per_tenant(api, acme, globex):
    member = get_user_model().objects.create_user(email="second@acme.test", password=PASSWORD)
    Membership.objects.create(user=member, tenant=acme.tenant, role=Membership.Role.MEMBER)
    owner, second = api("acme", acme.owner), api("acme", member)
    with rates(tenant="4/min"):
        for client in (owner, second, owner, second):
            assert client.get("/api/v1/projects/").status_code == 200
        assert_throttled(second.get("/api/v1/projects/"))
        # The other tenant keeps its own budget.
        assert api("globex", globex.owner).get("/api/v1/projects/").status_code == 200


def test_anonymous_requests_are_throttled_per_address(db):
    client = APIClient(HTTP_HOST=settings.BASE_DOMAIN, REMOTE_ADDR="198.51.100.20")
    with rates(anon="2/min"):
        assert client.get("/api/v1/schema/").status_code == 200
        assert client.get("/api/v1/schema/").status_code == 200
        assert_throttled(client.get("/api/v1/schema/"))


def test_forwarded_for_is_ignored_without_a_trusted_proxy(acme):
    """Otherwise a client would pick a new address for each request and never be throttled."""
    with rates(login_address="2/min"):
        for attempt in range(2):
            client = APIClient(REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}")
            client.post("/api/v1/auth/token/", {"email": acme.owner.email, "password": "x"}, format="json")
        client = APIClient(REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR="10.9.9.99")
        assert_throttled(client.post("/api/v1/auth/token/", {"email": "a@b.test", "password": "x"}, format="json"))


def test_counters_are_in_the_shared_database_cache(api, acme):
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        before = cursor.fetchone()[0]
    with rates(user="5/min"):
        assert api("acme", acme.owner).get("/api/v1/projects/", **routing_headers("acme")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        assert cursor.fetchone()[0] > before


def test_a_counter_is_the_sum_of_its_shards(api, acme):
    """Each database session adds to its own row of a counter; the limit holds over all of them."""
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        # Two hits already counted by another session, in this minute's window.
        cursor.execute(
            f'INSERT INTO "{table}" (cache_key, value, expires) VALUES '
            "(%s, '2', to_timestamp((floor(extract(epoch FROM now()) / 60) + 1) * 60))",
            [f"throttle_user_{acme.owner.pk}#{(connection.connection.info.backend_pid + 1) % SHARDS}"],
        )
    client = api("acme", acme.owner)
    with rates(user="3/min"):
        assert client.get("/api/v1/projects/").status_code == 200
        assert_throttled(client.get("/api/v1/projects/"))


def sessions_on_different_shards():
    """Two new database sessions that count on different rows of the same counter."""
    opened, by_shard = [], {}
    for _ in range(4 * SHARDS):
        session = autocommit_connection(connection.settings_dict, connection.settings_dict["NAME"])
        session.autocommit = False  # each request's counting is in its transaction
        opened.append(session)
        by_shard.setdefault(session.info.backend_pid % SHARDS, session)
        if len(by_shard) == 2:
            break
    chosen = list(by_shard.values())
    for session in opened:
        if session not in chosen:
            session.close()
    assert len(chosen) == 2, f"{len(opened)} sessions, all on one of {SHARDS} shards"
    return chosen


def test_requests_of_one_tenant_do_not_queue_on_its_counter(db):
    """A counted row stays locked until the request's transaction ends; a second request of the
    same tenant, in another session, counts on another row and does not wait for it."""
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    key = f"throttle_tenant_test-{uuid4().hex}"

    def hit(session, shards=SHARDS):
        counter = key if shards == SHARDS else f"{key}-on-one-row"
        ((_key, hits, _remaining),) = session.execute(
            HIT.format(table=table), {"keys": [counter], "durations": [60], "shards": shards}
        ).fetchall()
        return hits

    first, second = sessions_on_different_shards()
    try:
        second.execute("SET lock_timeout = '200ms'")  # waiting for first's row fails there
        second.commit()
        assert hit(first) == 1  # first's transaction stays open, holding its row
        assert hit(second) == 1  # no wait; and first's hit is not committed yet
        first.commit()
        assert hit(second) == 3  # second's two and first's one
        second.commit()
        # The lock the shards avoid is real: on a single row, the second session would wait.
        assert hit(first, shards=1) == 1
        with pytest.raises(psycopg.errors.LockNotAvailable):
            hit(second, shards=1)
    finally:
        for session in (first, second):
            session.rollback()
            session.execute(f"DELETE FROM {table} WHERE cache_key LIKE %s", [f"{key}%"])
            session.commit()
            session.close()
