import json

from django.core.management.base import BaseCommand

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant


class Command(BaseCommand):
    help = "List every tenant: slug, name, domain, created."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print a JSON array")

    def handle(self, *args, **options):
        rows = [
            {
                "slug": tenant.slug,
                "name": tenant.name,
                "domain": tenant.primary_domain,
                "created": tenant.created.isoformat(),
            }
            for tenant in Tenant.objects.customers().prefetch_related("domains")
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("No tenants yet. Create one with `manage.py create_tenant SLUG --name NAME`.")
            return
        for row in rows:
            self.stdout.write(f"{row['slug']:<20} {row['name']:<30} {row['domain'] or '-':<40} {row['created']}")
