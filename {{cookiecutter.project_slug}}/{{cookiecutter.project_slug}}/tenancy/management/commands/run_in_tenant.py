import argparse

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant


class Command(BaseCommand):
    help = (
        "Run one management command inside one tenant: SLUG COMMAND [ARGS...]. for_each_tenant "
        "runs it in a process of its own for each tenant."
    )

    # for_each_tenant checked the project once already; not again in each tenant's process.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the tenant's slug")
        parser.add_argument("command_name", metavar="COMMAND", help="the management command to run")
        parser.add_argument("command_args", metavar="ARGS", nargs=argparse.REMAINDER, help="its arguments")

    def handle(self, *args, slug, command_name, command_args, **options):
        if command_name not in get_commands():
            raise CommandError(f"Unknown command {command_name!r}. `manage.py help` lists them.")
        tenant = Tenant.objects.customers().filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant with the slug {slug!r}. `manage.py list_tenants` lists them.")
        # The whole command runs inside the tenant, in one transaction: all or nothing.
        with tenant_context(tenant):
            call_command(command_name, *command_args)
