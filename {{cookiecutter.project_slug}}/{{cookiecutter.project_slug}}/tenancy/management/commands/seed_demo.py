from django.core.management.base import BaseCommand

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

# Local development only: `make run` calls this. The README lists the same accounts.
DEMO_TENANTS = [
    ("acme", "Acme Inc.", "owner@acme.test", "acme-demo-password"),
    ("globex", "Globex Corporation", "owner@globex.test", "globex-demo-password"),
]


class Command(BaseCommand):
    help = "Create the demo tenants acme and globex with their owners, if they do not exist yet."

    def handle(self, *args, **options):
        for slug, name, email, password in DEMO_TENANTS:
            if not Tenant.objects.filter(slug=slug).exists():
                create_tenant(slug, name, owner_email=email, owner_password=password)
            tenant = Tenant.objects.get(slug=slug)
            where = tenant.primary_domain or f"X-Tenant-ID: {slug}"
            self.stdout.write(f"demo tenant {slug:<8} {where:<24} owner {email} / {password}")
