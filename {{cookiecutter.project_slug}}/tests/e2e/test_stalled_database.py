"""A database that stalls (connections open, bytes acknowledged, nothing answered) never takes
the service down: liveness keeps answering, readiness and tenant requests fail fast with JSON
503s, and everything recovers when the database answers again, without a restart.

The server runs with production settings and gunicorn's default configuration (workers and
threads from config/gunicorn.py), talking to the e2e database through a proxy this test
freezes. Deadlines are the issue's: health 200 < 1 s, ready 503 < 3 s, tenant request JSON
503 < 10 s, recovery < 10 s after the database answers again.
"""

import json
import multiprocessing
import os
import re
import subprocess
import threading
import time

import environ
import pytest

from ..support import COMMAND_ONLY_VARIABLES
from .deployment import free_port, http_request, start_gunicorn, wait_until_ready
from .freezable_proxy import FreezableProxy
from .support import LOAD_REPORT

pytestmark = pytest.mark.e2e

HEALTH_DEADLINE = 1.0
READY_DEADLINE = 3.0
TENANT_DEADLINE = 10.0
RECOVERY_DEADLINE = 10.0
# Longer than DB_REQUEST_DEADLINE (6 s): requests stuck inside the database get cut too.
FREEZE_SECONDS = 12.0
# config/gunicorn.py's defaults, which this server runs with.
WORKERS = multiprocessing.cpu_count() * 2 + 1
THREADS = 4


def upstream_of(url):
    """Where the proxy connects: the database's Unix socket, or its TCP address."""
    config = environ.Env.db_url_config(url)
    host = config.get("HOST") or config.get("OPTIONS", {}).get("host") or "/tmp"  # noqa: S108
    port = int(config.get("PORT") or 5432)
    return (f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)), config


class StallServer:
    """gunicorn with the default configuration, its database behind a FreezableProxy."""

    def __init__(self, deployment, workdir):
        upstream, config = upstream_of(deployment.environment["DATABASE_URL"])
        self.proxy = FreezableProxy(upstream)
        self.port = free_port()
        self.deployment = deployment
        password = config.get("PASSWORD") or ""
        environment = {
            key: value
            for key, value in deployment.environment.items()
            if key not in COMMAND_ONLY_VARIABLES and not key.startswith("GUNICORN_")
        }
        environment.update(
            DATABASE_URL=f"postgres://{config['USER']}:{password}@127.0.0.1:{self.proxy.port}/{config['NAME']}",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_ACCESS_LOG="-",
            GUNICORN_GRACEFUL_TIMEOUT="2",
        )
        self.log_path = workdir / "stall-gunicorn.log"
        self.process = start_gunicorn(environment, self.log_path)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=10)
        self.proxy.close()

    def get(self, path, headers, timeout=60):
        """(status, seconds, body, headers) of one request on a new connection."""
        started = time.monotonic()
        status, body, answer_headers = http_request(self.port, "GET", path, headers, timeout=timeout)
        return status, time.monotonic() - started, body, answer_headers


@pytest.fixture
def stall_server(deployment, tmp_path):
    server = StallServer(deployment, tmp_path)
    try:
        wait_until_ready(server)
        deadline = time.monotonic() + 60
        while server.log().count("Booting worker") < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        yield server
    finally:
        server.stop()


def assert_json_503(status, body, headers, what):
    assert status == 503, f"{what}: {status} {body[:300]!r}"
    assert json.loads(body)["detail"], what
    assert int({k.lower(): v for k, v in headers.items()}["retry-after"]) > 0, what


def test_a_stalled_database_never_takes_the_service_down(stall_server, deployment, token_of, request):
    acme = deployment.tenants["acme"]
    tenant_headers = {
        **deployment.tenant_headers("acme"),
        "Authorization": f"Token {token_of(acme.owner_email)}",
    }
    probe_headers = {"Host": "10.0.0.1"}
    tenant_path = "/api/v1/projects/"
    status, _seconds, body, _headers = stall_server.get(tenant_path, tenant_headers)
    assert status == 200, body
    workers, threads_per_worker = WORKERS, THREADS
    assert stall_server.log().count("Booting worker") == workers
    # Warm up: most threads then hold a persistent connection, which the stall catches mid-use
    # (the health check Django runs on it first), so the deadline has to cut it.
    warmers = [threading.Thread(target=stall_server.get, args=(tenant_path, tenant_headers)) for _ in range(60)]
    for thread in warmers:
        thread.start()
    for thread in warmers:
        thread.join(timeout=30)

    # Every web thread of every worker gets a tenant request, then the database stalls under them.
    flood = workers * threads_per_worker + 4
    answers = []
    stall_server.proxy.freeze()
    frozen_at = time.monotonic()

    def tenant_request():
        answers.append(stall_server.get(tenant_path, tenant_headers))

    flooders = [threading.Thread(target=tenant_request, daemon=True) for _ in range(flood)]
    for thread in flooders:
        thread.start()
    time.sleep(3)  # every slot is now stuck inside the database

    health = [stall_server.get("/api/v1/health/", probe_headers) for _ in range(5)]
    for status, seconds, body, _headers in health:
        assert status == 200, body
        assert seconds < HEALTH_DEADLINE, f"health took {seconds:.2f}s with the database stalled"

    status, ready_seconds, body, _headers = stall_server.get("/api/v1/ready/", probe_headers)
    assert status == 503, body
    assert ready_seconds < READY_DEADLINE, f"ready took {ready_seconds:.2f}s"
    assert "database" in json.loads(body)["failed"]

    status, tenant_seconds, body, headers = stall_server.get(tenant_path, tenant_headers)
    assert_json_503(status, body, headers, "a new tenant request")
    assert tenant_seconds < TENANT_DEADLINE, f"a new tenant request took {tenant_seconds:.2f}s"

    # The requests that were inside the database when it stalled are cut by their deadline.
    for thread in flooders:
        thread.join(timeout=max(0.1, frozen_at + FREEZE_SECONDS - time.monotonic()))
    assert len(answers) == flood, f"{flood - len(answers)} request(s) still waiting after {FREEZE_SECONDS}s"
    slowest = max(seconds for _status, seconds, _body, _headers in answers)
    for status, _seconds, body, headers in answers:
        assert_json_503(status, body, headers, "a request stuck in the stalled database")
    assert slowest < TENANT_DEADLINE, f"a stuck request took {slowest:.2f}s"

    # Still stalled, after the deadlines freed the slots: ready and new requests still fail fast.
    status, late_ready_seconds, body, _headers = stall_server.get("/api/v1/ready/", probe_headers)
    assert status == 503, body
    assert late_ready_seconds < READY_DEADLINE, f"ready took {late_ready_seconds:.2f}s"
    status, late_tenant_seconds, body, headers = stall_server.get(tenant_path, tenant_headers)
    assert_json_503(status, body, headers, "a tenant request after the deadlines")
    assert late_tenant_seconds < TENANT_DEADLINE

    stall_server.proxy.thaw()
    thawed_at = time.monotonic()
    recovered = None
    while time.monotonic() - thawed_at < RECOVERY_DEADLINE:
        ready_status = stall_server.get("/api/v1/ready/", probe_headers)[0]
        tenant_status = stall_server.get(tenant_path, tenant_headers)[0]
        if ready_status == 200 and tenant_status == 200:
            recovered = time.monotonic() - thawed_at
            break
        time.sleep(0.2)
    assert recovered is not None, f"not recovered {RECOVERY_DEADLINE}s after the database answered again"

    log = stall_server.log()
    assert log.count("Booting worker") == workers, "a worker was restarted"
    assert "WORKER TIMEOUT" not in log
    assert not re.search(r'" 5(?!03)\d\d ', log), "an answer other than 503 was a 5xx"
    request.config.stash.setdefault(LOAD_REPORT, []).append(
        f"stalled database ({workers} workers x {threads_per_worker} threads, {flood} stuck requests): "
        f"health max {max(seconds for _s, seconds, _b, _h in health):.3f}s, ready 503 in {ready_seconds:.2f}s "
        f"(after the deadlines {late_ready_seconds:.2f}s), new tenant request 503 in {tenant_seconds:.2f}s "
        f"(after the deadlines {late_tenant_seconds:.2f}s), stuck requests 503 within {slowest:.2f}s, "
        f"recovered {recovered:.2f}s after the database answered again; "
        f"stuck requests answered after {sorted(round(seconds, 1) for _s, seconds, _b, _h in answers)}"
    )
