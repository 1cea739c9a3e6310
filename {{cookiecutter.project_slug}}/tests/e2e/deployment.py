"""The project as deployed, on this machine: production settings, gunicorn, a fresh database.

The database is built the way a release builds it (``manage.py bootstrap``) and the tenants
are made the way an operator makes them (``manage.py create_tenant``). Every command runs in
a subprocess with the production environment, so nothing of the test process (its settings,
its connections, its imports) leaks into what is tested.
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from config.database import database_url

from ..endpoints import ENDPOINTS
from ..support import COMMAND_ONLY_VARIABLES, PASSWORD, database_environment, recreate_database
from .shell_steps import SEED_PLAN_VARIABLE

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATABASE_PREFIX = "e2e_"
BASE_DOMAIN = "localhost"
# At least two processes with threads: requests of both tenants share processes, threads and
# persistent database connections, which is where a tenant could leak into the next request.
WORKERS = 2
THREADS = 4
CONN_MAX_AGE = 60
READY_TIMEOUT_SECONDS = 60
COMMAND_TIMEOUT_SECONDS = 300
# Every throttle scope, by its variable (THROTTLE_RATE_<SCOPE>): all of them generous on this server.
THROTTLE_SCOPES = tuple(scope.upper() for scope in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
UNTHROTTLED = "1000000/min"
SERVER_ERROR = re.compile(r'" 5\d\d ')  # the status after the request line in gunicorn's access log


@dataclass
class SeededTenant:
    slug: str
    name: str
    index: int  # sets its seeded ids apart: index * 1,000,000
    marker: str = field(default="")  # a string found only in this tenant's data
    ids: dict = field(default_factory=dict)  # endpoint name -> id of its seeded object

    @property
    def owner_email(self):
        return f"owner@{self.slug}.test"

    def seeded_id(self):
        return self.index * 1_000_000


@dataclass
class SeededUser:
    email: str
    memberships: dict  # tenant slug -> role


@dataclass
class Deployment:
    """A running server and what was put in its database."""

    port: int
    routing: str
    tenants: dict  # slug -> SeededTenant
    users: dict  # email -> SeededUser
    environment: dict  # the environment of its management commands
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def mail_dir(self):
        """Where the server writes each mail it sends (EMAIL_URL=filemail://...)."""
        return Path(self.environment["EMAIL_URL"].removeprefix("filemail://"))

    @property
    def api_url(self):
        """Where clients connect; the tenant is named by the Host or X-Tenant-ID header."""
        return f"http://127.0.0.1:{self.port}"

    def host(self, slug=None):
        """The Host header naming tenant ``slug`` (subdomain routing), or the base domain."""
        if slug is not None and self.routing == "subdomain":
            return f"{slug}.{BASE_DOMAIN}:{self.port}"
        return f"{BASE_DOMAIN}:{self.port}"

    def tenant_headers(self, slug):
        """What a request carries to name tenant ``slug``; None names no tenant."""
        headers = {"Host": self.host(slug)}
        if slug is not None and self.routing == "header":
            headers[settings.TENANT_HEADER] = slug
        return headers

    def origin(self, slug):
        """The origin a browser opens for tenant ``slug`` (Chromium resolves *.localhost itself)."""
        return f"http://{self.host(slug)}"

    def markers_hidden_from(self, tenant, user):
        """Markers that a request naming ``tenant`` as ``user`` must never receive: every other
        tenant's, and ``tenant``'s own too unless ``user`` is a member of it."""
        member = user is not None and tenant in self.users[user].memberships
        return [each.marker for slug, each in self.tenants.items() if not (member and slug == tenant)]

    def manage(self, *args, env=None):
        return manage(*args, env={**self.environment, **(env or {})})

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def server_errors(self):
        """Access-log lines of every answer with a 5xx status: there must be none."""
        return [line for line in self.log().splitlines() if SERVER_ERROR.search(line)]

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def deploy(workdir):
    """Build the e2e database, start gunicorn on it, and return the running Deployment."""
    tenants = {
        "acme": SeededTenant("acme", "Acme Inc.", 1),
        "globex": SeededTenant("globex", "Globex Corporation", 2),
        # The API fuzzer's (test_api_fuzzing.py): whatever it creates, changes or deletes stays there.
        "initech": SeededTenant("initech", "Initech", 3),
    }
    for tenant in tenants.values():
        tenant.marker = f"{tenant.slug}-marker-{secrets.token_hex(6)}"
    users = {tenant.owner_email: SeededUser(tenant.owner_email, {tenant.slug: "owner"}) for tenant in tenants.values()}
    # A member (not an owner) whose token is expired by a test; a user with no tenant at all.
    users["member@acme.test"] = SeededUser("member@acme.test", {"acme": "member"})
    users["outsider@e2e.test"] = SeededUser("outsider@e2e.test", {})
    # Users of no tenant yet who make a workspace of their own (test_workspaces.py).
    users["founder@e2e.test"] = SeededUser("founder@e2e.test", {})
    users["teammate@e2e.test"] = SeededUser("teammate@e2e.test", {})
    # A user with no tenant yet, invited by mail to acme in test_invitations.py.
    users["invitee@e2e.test"] = SeededUser("invitee@e2e.test", {})

    command_environment = production_environment(database_urls())
    # Collected files go to a temporary STATIC_ROOT where settings read it from the environment;
    # otherwise to production's BASE_DIR/staticfiles (git-ignored), where the server reads them too.
    command_environment["STATIC_ROOT"] = str(workdir / "static")
    # Mail as production sends it, through EMAIL_URL: one file per message, read by the tests (mail_dir).
    command_environment["EMAIL_URL"] = f"filemail://{workdir / 'mail'}"
    deployment = Deployment(free_port(), settings.TENANT_ROUTING, tenants, users, command_environment)
    # A browser app served on the base domain calls the tenants' hosts (subdomain routing): CORS.
    command_environment["CORS_ALLOWED_ORIGINS"] = deployment.origin(None)
    # Mailed links open the app where the browser tests open it.
    command_environment["APP_URL"] = deployment.origin(None)

    recreate_database(database_name(command_environment["DATABASE_URL"]))
    # collectstatic (the manifest production's static storage needs) overlaps the database work.
    collectstatic = start_command("collectstatic", "--noinput", env=command_environment, log=workdir / "static.log")
    try:
        build_database(deployment)
    except BaseException:
        collectstatic.kill()
        collectstatic.wait()
        raise
    finish_command(collectstatic, "collectstatic", workdir / "static.log")

    # The web process gets only what production's web process gets: DATABASE_URL, never the
    # URL of a role that only commands use (tests/roles.py).
    web_environment = {key: value for key, value in command_environment.items() if key not in COMMAND_ONLY_VARIABLES}
    web_environment.update(
        GUNICORN_BIND=f"127.0.0.1:{deployment.port}",
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_THREADS=str(THREADS),
        GUNICORN_GRACEFUL_TIMEOUT="5",
        # server_errors() reads gunicorn's access log: every answer, whatever the application logged.
        GUNICORN_ACCESS_LOG="-",
        # A slow CI machine is not a stalled database: this server's load must never be shed.
        # The defaults are tested on a server of their own (test_stalled_database.py).
        DB_STALL_AFTER="30",
        DB_ADMISSION_WAIT="30",
        DB_REQUEST_DEADLINE="60",
    )
    deployment.log_path = workdir / "gunicorn.log"
    deployment.process = start_gunicorn(web_environment, deployment.log_path)
    wait_until_ready(deployment)
    return deployment


def start_gunicorn(environment, log_path):
    """gunicorn as production runs it (config/gunicorn.py), its output in ``log_path``."""
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=PROJECT_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def build_database(deployment):
    """What a release and an operator do: bootstrap, create the tenants, then the test data."""
    deployment.manage("bootstrap")
    for tenant in deployment.tenants.values():
        deployment.manage(
            "create_tenant",
            tenant.slug,
            "--name",
            tenant.name,
            "--owner-email",
            tenant.owner_email,
            "--owner-password",
            PASSWORD,
        )
    deployment.manage(
        "shell",
        "-c",
        "from tests.e2e.shell_steps import seed; seed()",
        env={SEED_PLAN_VARIABLE: json.dumps(seed_plan(deployment.tenants, deployment.users))},
    )


def production_environment(urls):
    """The environment production's processes get, for a server on this machine over plain HTTP."""
    environment = {key: value for key, value in os.environ.items() if key not in COMMAND_ONLY_VARIABLES}
    environment.update(urls)
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f".{BASE_DOMAIN},127.0.0.1,{BASE_DOMAIN}",
        BASE_DOMAIN=BASE_DOMAIN,
        # No TLS in front of this server. Secure cookies still work: browsers treat
        # http://localhost and http://*.localhost as secure contexts.
        SECURE_SSL_REDIRECT="false",
        CONN_MAX_AGE=str(CONN_MAX_AGE),
        # The suite signs in and calls the API from one address far faster than any client may;
        # the throttles themselves are tested in tests/test_throttling.py.
        **{f"THROTTLE_RATE_{scope}": UNTHROTTLED for scope in THROTTLE_SCOPES},
    )
    return environment


def database_urls():
    """{variable: URL} of the e2e database: the test server's URLs, another database name.

    One URL per role the project connects as (tests/roles.py), all naming the same database.
    """
    missing = [variable for variable in COMMAND_ONLY_VARIABLES if not os.environ.get(variable)]
    if os.environ.get("DATABASE_URL") and missing:
        pytest.fail(
            f"DATABASE_URL is set but {', '.join(missing)} is not: the e2e database is bootstrapped "
            "with every role the project connects as. Set them all, as the README's environment table says."
        )
    url = database_url("DATABASE_URL", embedded_ok=True)
    return database_environment(DATABASE_PREFIX + database_name(url))


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def seed_plan(tenants, users):
    """The users beyond the owners, and one object per endpoint and tenant, named with its marker."""
    plan = {"users": [], "rows": []}
    for user in users.values():
        if user.email not in {tenant.owner_email for tenant in tenants.values()}:
            plan["users"].append({"email": user.email, "password": PASSWORD, "memberships": user.memberships})
    for tenant in tenants.values():
        for endpoint in ENDPOINTS:
            tenant.ids[endpoint.name] = tenant.seeded_id()
            fields, parents = endpoint.seed(f"{tenant.marker} seeded", tenant.ids)
            plan["rows"].append(
                {
                    "tenant": tenant.slug,
                    "model": endpoint.model,
                    "pk": tenant.ids[endpoint.name],
                    "fields": fields,
                    "parents": parents,
                }
            )
    return plan


def manage(*args, env):
    """Run a management command of the project; fail the test session with its output otherwise."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {args[0]} exited {result.returncode} while building the e2e server.\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}",
            pytrace=False,
        )
    return result


def start_command(*args, env, log):
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def finish_command(process, name, log):
    if process.wait(timeout=COMMAND_TIMEOUT_SECONDS) != 0:
        pytest.fail(f"manage.py {name} exited {process.returncode}:\n{log.read_text()}", pytrace=False)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(deployment):
    """Poll /api/v1/ready/ until it answers 200; on failure stop the server and show its log."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        if deployment.process.poll() is not None:
            fail_with_log(deployment, f"gunicorn exited with status {deployment.process.returncode} while starting")
        try:
            status, body, _headers = http_request(deployment.port, "GET", "/api/v1/ready/", {"Host": "127.0.0.1"})
        except OSError as exc:
            last = repr(exc)
        else:
            if status == 200:
                return
            last = f"{status} {body[:500]!r}"
        time.sleep(0.2)
    fail_with_log(deployment, f"gunicorn was not ready after {READY_TIMEOUT_SECONDS}s (last answer: {last})")


def fail_with_log(deployment, message):
    deployment.stop()
    pytest.fail(f"{message}. Its log:\n{deployment.log()}", pytrace=False)


def http_request(port, method, path, headers, body=None, connection=None, timeout=30):
    """One request with the standard library: (status, body bytes, headers). Reuses ``connection``."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    payload = json.dumps(body).encode() if body is not None else None
    sent = {**headers, **({"Content-Type": "application/json"} if payload is not None else {})}
    try:
        conn.request(method, path, body=payload, headers=sent)
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        if connection is None:
            conn.close()
