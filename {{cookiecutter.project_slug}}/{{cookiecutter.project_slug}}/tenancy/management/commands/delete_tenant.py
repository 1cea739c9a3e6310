from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.services import TenantError, delete_tenant


class Command(BaseCommand):
    help = "Delete a tenant and all of its data. Irreversible: needs --yes."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--yes", action="store_true", help="confirm that all of the tenant's data goes")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError(f"This deletes tenant {options['slug']!r} and all of its data; add --yes to confirm.")
        try:
            delete_tenant(options["slug"])
        except TenantError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Deleted tenant {options['slug']} and all of its data."))
