"""The DATABASES setting, built from DATABASE_URL inside Django: never parsed in shell.

Without DATABASE_URL (development and tests only) every entry point shares one embedded
PostgreSQL server, started on demand: see config/dev_database.py.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from config.roles import ENGINE, URL_VARIABLES


def database_url(variable="DATABASE_URL", *, embedded_ok):
    """The URL in ``variable``; the embedded server's when it is unset and that is allowed."""
    url = os.environ.get(variable)
    if url:
        return url
    if not embedded_ok:
        raise ImproperlyConfigured(
            f"{variable} is not set. Production settings need the URL of a real PostgreSQL "
            "database, for example postgres://user:password@db.internal:5432/app"
        )
    from config import dev_database

    return dev_database.url(variable)


def with_database_name(url, name):
    """The same server and credentials, another database (used for the test databases)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


# Every wait on the database is bounded (docs/database-timeouts.md). Web processes get short
# limits: a request that waits longer has already failed its user. Management commands
# (manage.py sets DATABASE_TIMEOUT_PROFILE=command: migrations, bootstrap) may run long
# statements, but still give up on a lock quickly rather than queue every request behind it.
TIMEOUT_PROFILE_VARIABLE = "DATABASE_TIMEOUT_PROFILE"
TIMEOUTS = {
    # variable: (PostgreSQL setting, web default, command default); "0" means no limit.
    "DB_STATEMENT_TIMEOUT": ("statement_timeout", "5s", "30min"),
    "DB_LOCK_TIMEOUT": ("lock_timeout", "2s", "10s"),
    "DB_IDLE_IN_TRANSACTION_TIMEOUT": ("idle_in_transaction_session_timeout", "30s", "10min"),
}
# Seconds to establish a connection (TCP, TLS and authentication), for every process.
CONNECT_TIMEOUT_VARIABLE = "DB_CONNECT_TIMEOUT"
CONNECT_TIMEOUT_DEFAULT = "2"


def timeout_profile():
    return "command" if os.environ.get(TIMEOUT_PROFILE_VARIABLE) == "command" else "web"


def session_options(profile=None):
    """libpq ``options``: the server-side limits of this process's sessions."""
    column = 2 if (profile or timeout_profile()) == "command" else 1
    settings = []
    for variable, spec in TIMEOUTS.items():
        value = os.environ.get(variable + ("_COMMAND" if column == 2 else ""), spec[column])
        settings.append(f"-c {spec[0]}={value}")
    return " ".join(settings)


def database(url):
    config = environ.Env.db_url_config(url)
    config["ENGINE"] = ENGINE
    # Persistent connections: a request must never inherit the previous request's tenant,
    # which the isolation tests check on reused connections.
    config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    config["CONN_HEALTH_CHECKS"] = True
    options = config.setdefault("OPTIONS", {})
    options["connect_timeout"] = int(os.environ.get(CONNECT_TIMEOUT_VARIABLE, CONNECT_TIMEOUT_DEFAULT))
    if not transaction_pooling():
        options["options"] = " ".join(filter(None, [options.get("options"), session_options()]))
    # A transaction pooler refuses the `options` startup parameter (PgBouncer: "unsupported
    # startup parameter"), and session settings would not follow a transaction to its server
    # connection anyway: there, the role's own settings (ALTER ROLE ... SET statement_timeout)
    # and the pooler's query_timeout bound the waits (docs/database-timeouts.md).
    # A dead peer (a host that vanished) is noticed in about 30 s instead of the kernel's two
    # hours. It cannot end a stall where the peer still acknowledges bytes: load_shedding/admission.py does.
    options.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)
    if transaction_pooling():
        # Behind PgBouncer in transaction mode, consecutive transactions of one connection may
        # run on different server connections: nothing may outlive a transaction there.
        # Named server-side cursors and prepared statements do (PgBouncer < 1.21).
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        options["prepare_threshold"] = None
    return config


def transaction_pooling():
    """DATABASE_TRANSACTION_POOLING: DATABASE_URL points at a pooler in transaction mode."""
    value = os.environ.get("DATABASE_TRANSACTION_POOLING", "false").strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no", ""):
        raise ImproperlyConfigured(f"DATABASE_TRANSACTION_POOLING must be true or false, not {value!r}.")
    return value in ("true", "1", "yes")


def databases(*, embedded_ok, name_prefix=""):
    """The DATABASES setting; ``name_prefix`` ("test_") gives the test databases."""
    urls = {}
    for alias, variable in URL_VARIABLES.items():
        # "default" is required. Any other alias exists only where its URL is set, or derived
        # with the embedded server: a web process holds no credentials it does not use.
        if alias == "default" or os.environ.get(variable) or (embedded_ok and not os.environ.get("DATABASE_URL")):
            urls[alias] = database_url(variable, embedded_ok=embedded_ok)
    result = {}
    for alias, url in urls.items():
        if name_prefix:
            url = with_database_name(url, name_prefix + environ.Env.db_url_config(url)["NAME"])
        result[alias] = database(url)
    return result
