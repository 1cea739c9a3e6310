from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.teams.suspension import set_suspended
from {{ cookiecutter.project_slug }}.tenancy.services import TenantError


class TenantStateCommand(BaseCommand):
    """suspend_tenant and resume_tenant: one tenant, by slug, into the state ``suspended`` names."""

    suspended = True
    done = ""  # {slug}, {seconds}
    unchanged = ""  # {slug}

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, **options):
        try:
            tenant, changed = set_suspended(options["slug"], self.suspended)
        except TenantError as exc:
            raise CommandError(str(exc)) from exc
        if not changed:
            self.stdout.write(self.unchanged.format(slug=tenant.slug))
            return
        self.stdout.write(self.style.SUCCESS(self.done.format(slug=tenant.slug, seconds=settings.TENANT_CACHE_SECONDS)))
