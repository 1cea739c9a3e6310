"""One management command inside one tenant: what run_in_tenant does, and what each of
for_each_tenant's workers does for one tenant after another (tenancy/command_pool.py)."""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connections

from . import tenant_cache
from .isolation import tenant_context, tenant_session
from .models import Tenant


def run_in_tenant(slug, command_name, command_args, *, atomic=True, new_sessions=True):
    """Run the command as the tenant ``slug``: in one transaction (all or nothing), or, when not
    ``atomic``, in autocommit for a command that manages its own transactions. Afterwards the
    database sessions are ended, or, without ``new_sessions``, reset to what a new one is."""
    tenant = Tenant.objects.customers().filter(slug=slug).first()
    if tenant is None:
        raise CommandError(f"No tenant with the slug {slug!r}. `manage.py list_tenants` lists them.")
    try:
        with tenant_context(tenant) if atomic else tenant_session(tenant):
            call_command(command_name, *command_args)
    finally:
        forget_state(new_sessions=new_sessions)


def forget_state(*, new_sessions):
    """Nothing of one tenant's run reaches the next run in this process: no setting, temporary
    table, lock or prepared plan of its database sessions, no row in a per-process cache."""
    for conn in connections.all(initialized_only=True):
        if new_sessions or conn.connection is None or conn.in_atomic_block or not conn.get_autocommit():
            conn.close()
            continue
        try:
            reset_session(conn)
        except DatabaseError:
            conn.close()  # a session that cannot be reset is not reused
    for cache in caches.all(initialized_only=True):
        cache.close()
    tenant_cache.clear()
    ContentType.objects.clear_cache()


def reset_session(conn):
    """The session as a new connection has it, without the cost of one (about 6 ms): DISCARD ALL
    (what PgBouncer runs between clients), then Django's own set-up of a session (time zone, role)."""
    with conn.cursor() as cursor:
        cursor.execute("DISCARD ALL")
    conn.init_connection_state()
