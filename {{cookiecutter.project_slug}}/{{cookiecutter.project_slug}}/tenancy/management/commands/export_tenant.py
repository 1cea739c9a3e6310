import itertools
import sys

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context, tenant_models
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant


class Command(BaseCommand):
    help = (
        "Export one tenant's data (every tenant-scoped model) as JSON in Django's serialization "
        "format: a per-tenant backup, or a hand-over to the customer. Runs inside the tenant, so "
        "it can only ever read that tenant's rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        tenant = Tenant.objects.customers().filter(slug=options["slug"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with the slug {options['slug']!r}. `manage.py list_tenants` lists them.")
        with tenant_context(tenant):
            rows = itertools.chain.from_iterable(model._default_manager.order_by("pk") for model in tenant_models())
            if options["output"]:
                with open(options["output"], "w") as stream:
                    serializers.serialize("json", rows, indent=2, stream=stream)
            else:
                serializers.serialize("json", rows, indent=2, stream=sys.stdout)
