"""Concurrent requests of both tenants on the same gunicorn processes, threads and persistent
database connections: zero leaks, zero server errors.

Each client keeps one HTTP connection and alternates tenants on it, so a worker thread serves
acme, then globex, then acme on the same reused database connection: exactly where a tenant
left behind by the previous request (a connection or session setting) would show.
"""

import http.client
import json
import threading
import time

import pytest
from django.conf import settings

from ..endpoints import ENDPOINTS
from .deployment import http_request
from .support import LOAD_REPORT

pytestmark = pytest.mark.e2e

CLIENTS = 8
REQUESTS_PER_CLIENT = 130  # 1,040 requests in all
TENANTS = ("acme", "globex")
WRITER = ENDPOINTS[-1]  # creates under its parents: a write that must land in the right tenant


def planned_request(tenants, client, step):
    """The ``step``-th request of ``client``: (tenant, other tenant, method, path, body, expected status).

    Tenants alternate on every request, endpoints every round of tenants, kinds every round of both:
    every connection carries every combination, and clients start at different points of it.
    """
    position = client + step
    tenant, other = tenants[position % len(tenants)], tenants[(position + 1) % len(tenants)]
    endpoint = ENDPOINTS[(position // len(tenants)) % len(ENDPOINTS)]
    kind = (position // (len(tenants) * len(ENDPOINTS))) % 4
    if kind == 0:
        planned = "GET", endpoint.path, None, 200
    elif kind == 1:
        planned = "GET", endpoint.detail(tenant.ids[endpoint.name]), None, 200
    elif kind == 2:
        planned = "GET", endpoint.detail(other.ids[endpoint.name]), None, 404
    else:
        planned = "POST", WRITER.path, WRITER.body(tenant.marker, tenant.ids, label=f"load-{client}-{step}"), 201
    return tenant, other, *planned


def test_concurrent_requests_of_both_tenants_never_leak(deployment, token_of, request):
    tenants = [deployment.tenants[slug] for slug in TENANTS]
    headers = {}
    for tenant in tenants:
        headers[tenant.slug] = {
            **deployment.tenant_headers(tenant.slug),
            "Authorization": f"Token {token_of(tenant.owner_email)}",
        }
    failures = []
    sent = []
    writes = {tenant.slug: 0 for tenant in tenants}
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(number):
        connection = None
        start.wait()
        for step in range(REQUESTS_PER_CLIENT):
            tenant, other, method, path, body, expected = planned_request(tenants, number, step)
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", deployment.port, timeout=30)
            try:
                status, content, response_headers = http_request(
                    deployment.port, method, path, headers[tenant.slug], body, connection=connection
                )
            except (OSError, http.client.HTTPException) as exc:  # a dropped connection is a failure too
                with lock:
                    failures.append(f"{tenant.slug} {method} {path}: {exc!r}")
                connection.close()
                connection = None
                continue
            problems = []
            if status != expected:
                problems.append(f"status {status}, expected {expected}")
            if other.marker.encode() in content:
                problems.append(f"LEAK of {other.slug}'s marker")
            if expected == 200 and tenant.marker.encode() not in content:
                problems.append(f"{tenant.slug}'s own data missing")
            if response_headers.get(settings.TENANT_HEADER) != tenant.slug:
                problems.append(f"{settings.TENANT_HEADER} header {response_headers.get(settings.TENANT_HEADER)!r}")
            with lock:
                sent.append(status)
                if status == 201:
                    writes[tenant.slug] += 1
                if problems:
                    failures.append(f"{tenant.slug} {method} {path}: {', '.join(problems)}: {content[:300]!r}")
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began

    server_errors = sum(1 for status in sent if status >= 500)
    request.config.stash.setdefault(LOAD_REPORT, []).append(
        f"{len(sent)} requests from {CLIENTS} concurrent clients, both tenants interleaved on each connection, "
        f"in {elapsed:.1f}s: {len(sent) / elapsed:.0f} requests/s; {server_errors} server errors, "
        f"{len(failures)} failures"
    )
    assert not failures, f"{len(failures)} failed requests, first ones:\n" + "\n".join(failures[:20])
    assert len(sent) == CLIENTS * REQUESTS_PER_CLIENT >= 1000

    # Every write landed in its own tenant: each tenant holds exactly its own load rows.
    for tenant in tenants:
        status, content, _headers = http_request(
            deployment.port, "GET", f"{WRITER.path}?limit=10000", headers[tenant.slug]
        )
        assert status == 200
        rows = [json.dumps(row) for row in json.loads(content)["results"]]
        assert sum(" load-" in row for row in rows) == writes[tenant.slug]
        assert all(tenant.marker in row for row in rows)
