from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.services import TenantError
from {{ cookiecutter.project_slug }}.tenancy.transfer import import_tenant


class Command(BaseCommand):
    help = (
        "Import what export_tenant wrote into a NEW tenant SLUG: its rows with new ids and their foreign "
        "keys, its media files and members (users found here by email). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the new tenant's slug: refused when taken, as by create_tenant")
        parser.add_argument("file", help="a JSON file or a .zip archive written by export_tenant")
        parser.add_argument("--name", help="display name (default: the exported tenant's, else the slug)")
        parser.add_argument("--domain", help="host that routes to the tenant (default: <slug>.<BASE_DOMAIN>)")
        parser.add_argument("--owner-email", help="make this user the owner; an existing user is reused")
        parser.add_argument("--owner-password", help="the password of a new owner user")

    def handle(self, *args, **options):
        if options["owner_password"] and not options["owner_email"]:
            raise CommandError("--owner-password needs --owner-email.")
        try:
            imported = import_tenant(
                options["slug"],
                options["file"],
                name=options["name"],
                domain=options["domain"],
                owner_email=options["owner_email"],
                owner_password=options["owner_password"],
            )
        except TenantError as exc:
            raise CommandError(str(exc)) from exc
        for label, count in imported.rows.items():
            self.stdout.write(f"{label}: {count} row(s)")
        self.stdout.write(f"media files: {imported.media}")
        self.stdout.write(f"members: {', '.join(imported.members) or 'none'}")
        if imported.members_not_found:
            self.stdout.write(
                "not members (no user with that email here; invite them): " + ", ".join(imported.members_not_found)
            )
        self.stdout.write(self.style.SUCCESS(f"Imported tenant {imported.tenant.slug} from {options['file']}."))
