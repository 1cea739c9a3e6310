from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.services import TenantError, create_tenant


class Command(BaseCommand):
    help = "Create one tenant with its routing, and optionally its owner user and membership."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="lowercase letters, digits and hyphens, e.g. acme")
        parser.add_argument("--name", required=True, help="display name, e.g. 'Acme Inc.'")
        parser.add_argument("--domain", help="host that routes to the tenant (default: <slug>.<BASE_DOMAIN>)")
        parser.add_argument("--owner-email", help="the owner's email; an existing user is reused")
        parser.add_argument("--owner-password", help="the password of a new owner user")

    def handle(self, *args, **options):
        if options["owner_password"] and not options["owner_email"]:
            raise CommandError("--owner-password needs --owner-email.")
        try:
            tenant = create_tenant(
                options["slug"],
                options["name"],
                domain=options["domain"],
                owner_email=options["owner_email"],
                owner_password=options["owner_password"],
            )
        except TenantError as exc:
            raise CommandError(str(exc)) from exc
        routing = tenant.primary_domain or f"X-Tenant-ID: {tenant.slug}"
        self.stdout.write(self.style.SUCCESS(f"Created tenant {tenant.slug} ({routing})."))
