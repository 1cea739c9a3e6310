from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.erasure import verify_erased
from {{ cookiecutter.project_slug }}.tenancy.services import TenantError, delete_tenant


class Command(BaseCommand):
    help = (
        "Delete a tenant and all of its data (rows, media folder, cache entries, queued jobs), then check "
        "that nothing of it remains. Irreversible: needs --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--yes", action="store_true", help="confirm that all of the tenant's data goes")

    def handle(self, *args, **options):
        slug = options["slug"]
        if not options["yes"]:
            raise CommandError(f"This deletes tenant {slug!r} and all of its data; add --yes to confirm.")
        try:
            trace = delete_tenant(slug)
        except TenantError as exc:
            raise CommandError(str(exc)) from exc
        checks = verify_erased(trace)
        for check in checks:
            self.stdout.write(f"checked {check}")
        remaining = [check for check in checks if check.remaining]
        if remaining:
            raise CommandError(
                f"Tenant {slug} was deleted, but some of its data remains: "
                + " | ".join(str(check) for check in remaining)
                + ". Remove it by hand (docs/tenant-data.md says where each lives)."
            )
        self.stdout.write(self.style.SUCCESS(f"Deleted tenant {slug} and all of its data; nothing of it remains."))
