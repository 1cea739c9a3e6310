import sys

from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.transfer import ARCHIVE_SUFFIX, write_archive, write_json


class Command(BaseCommand):
    help = (
        "Export one tenant's data (every tenant-scoped model) as JSON in Django's serialization "
        f"format, or, to a FILE{ARCHIVE_SUFFIX}, as an archive with its media files and members too "
        "(what import_tenant restores): a per-tenant backup, or a hand-over to the customer. Runs "
        "inside the tenant, so it can only ever read that tenant's rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--output",
            help=f"file to write (default: standard output); a name ending in {ARCHIVE_SUFFIX} makes an archive",
        )

    def handle(self, *args, **options):
        tenant = Tenant.objects.customers().filter(slug=options["slug"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with the slug {options['slug']!r}. `manage.py list_tenants` lists them.")
        output = options["output"]
        if output and output.endswith(ARCHIVE_SUFFIX):
            files = write_archive(tenant, output)
            self.stderr.write(f"Wrote tenant {tenant.slug}'s rows, members and {files} media file(s) to {output}.")
        elif output:
            with open(output, "w") as stream:
                write_json(tenant, stream)
        else:
            write_json(tenant, sys.stdout)
