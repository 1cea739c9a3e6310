"""What the tests import: plain helpers, no fixtures (fixtures live in conftest.py).

A new test module imports from here (``from .support import routing_headers``), never from
conftest.py: pytest loads conftest.py itself, and a helper there is hidden from a reader
looking for where a name comes from. The strategy's own database roles are in tests/roles.py.
"""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.test import override_settings
from psycopg import sql
from rest_framework.test import APIClient

from config.database import database_url, with_database_name

from .roles import ADMIN_ALIAS, CREATED_ROLES, DATABASE_VARIABLES

PROJECT_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"
TENANT_SLUGS = ("acme", "globex")
# What a web process never gets: the variables of the roles only commands connect as.
COMMAND_ONLY_VARIABLES = tuple(variable for variable in DATABASE_VARIABLES if variable != "DATABASE_URL")


def owner_email(slug):
    return f"owner@{slug}.test"


def routing_headers(slug):
    """What a request carries to name the tenant ``slug``, for the project's routing."""
    if settings.TENANT_ROUTING == "header":
        return {"HTTP_HOST": settings.BASE_DOMAIN, "HTTP_X_TENANT_ID": slug}
    return {"HTTP_HOST": f"{slug}.{settings.BASE_DOMAIN}"}


def token_for(user):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def manage_py(*args, **env):
    """``manage.py`` in its own process under test settings: the exit status a deploy script sees."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the database server ------------------------------------------------------------------


def database_admin_settings():
    """Connection settings of the role that creates the test databases (tests/roles.py)."""
    return connections[ADMIN_ALIAS].settings_dict


def autocommit_connection(params, dbname):
    """A plain psycopg connection with a Django alias's credentials, outside Django's transactions."""
    conninfo = {
        "dbname": dbname,
        "user": params["USER"],
        "password": params["PASSWORD"] or None,
        "host": params["HOST"] or params["OPTIONS"].get("host"),
        "port": params["PORT"] or None,
    }
    return psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True)


def admin_connection():
    return autocommit_connection(database_admin_settings(), "postgres")


def create_missing_roles(conn):
    """Create the login roles of tests/roles.py's CREATED_ROLES that the server lacks.

    A CI PostgreSQL service starts with only its superuser; production's roles are made by the
    DBA. A role gets no privilege here: bootstrap grants them.
    """
    for alias, attributes in CREATED_ROLES.items():
        role = settings.DATABASES[alias]
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role["USER"]]).fetchone():
            conn.execute(
                sql.SQL("CREATE ROLE {} {} PASSWORD {}").format(
                    sql.Identifier(role["USER"]), sql.SQL(attributes), sql.Literal(role["PASSWORD"] or None)
                )
            )


def recreate_database(name):
    """An empty database ``name``, on a server with every role the suite connects as."""
    with admin_connection() as conn:
        create_missing_roles(conn)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_environment(name):
    """{variable: URL} naming database ``name`` on the test server, for every role (tests/roles.py)."""
    return {
        variable: with_database_name(database_url(variable, embedded_ok=True), name) for variable in DATABASE_VARIABLES
    }


def bootstrapped_database(name):
    """The manage.py environment of a new database ``test_<name>`` on the same server, bootstrapped.

    For tests that need committed data or a process of their own (each request's transaction
    outermost), without touching the suite's database.
    """
    recreate_database(f"test_{name}")
    env = database_environment(name)
    result = manage_py("bootstrap", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return env


# --- throttles -----------------------------------------------------------------------------


def throttle_rates(**overrides):
    """REST_FRAMEWORK with every throttle generous but the ones named."""
    unlimited = dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min")
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**unlimited, **overrides}}
    )


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]
