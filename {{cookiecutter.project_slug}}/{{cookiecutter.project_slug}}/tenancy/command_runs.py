"""One management command inside one tenant: what run_in_tenant does, and what each of
for_each_tenant's workers does for one tenant after another (tenancy/command_pool.py)."""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from . import tenant_cache
from .isolation import tenant_context, tenant_session
from .models import Tenant


def run_in_tenant(slug, command_name, command_args, *, atomic=True):
    """Run the command as the tenant ``slug``: in one transaction (all or nothing), or, when not
    ``atomic``, in autocommit for a command that manages its own transactions."""
    tenant = Tenant.objects.customers().filter(slug=slug).first()
    if tenant is None:
        raise CommandError(f"No tenant with the slug {slug!r}. `manage.py list_tenants` lists them.")
    try:
        with tenant_context(tenant) if atomic else tenant_session(tenant):
            call_command(command_name, *command_args)
    finally:
        forget_state()


def forget_state():
    """Nothing of one tenant's run reaches the next run in this process: its database sessions
    end (settings, temporary tables, locks, prepared plans, catalog caches with them) and the
    per-process caches of rows are emptied."""
    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()
    tenant_cache.clear()
    ContentType.objects.clear_cache()
