import argparse

from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.command_runs import run_in_tenant


class Command(BaseCommand):
    help = (
        "Run one management command inside one tenant: SLUG COMMAND [ARGS...], in one transaction "
        "(as for_each_tenant runs it in each tenant)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the tenant's slug")
        parser.add_argument(
            "--own-transactions",
            action="store_true",
            help="the command manages its own transactions: run it in autocommit, not in one transaction",
        )
        parser.add_argument("command_name", metavar="COMMAND", help="the management command to run")
        parser.add_argument("command_args", metavar="ARGS", nargs=argparse.REMAINDER, help="its arguments")

    def handle(self, *args, slug, command_name, command_args, own_transactions, **options):
        if command_name not in get_commands():
            raise CommandError(f"Unknown command {command_name!r}. `manage.py help` lists them.")
        run_in_tenant(slug, command_name, command_args, atomic=not own_transactions)
