from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.diagnostics import isolation_violations


class Command(BaseCommand):
    help = "Prove that tenant isolation is enforced on this database; list every violation."

    def handle(self, *args, **options):
        violations = isolation_violations()
        for violation in violations:
            self.stderr.write(f"VIOLATION: {violation}")
        if violations:
            raise CommandError(f"{len(violations)} tenancy violation(s): tenant isolation is not guaranteed.")
        self.stdout.write(self.style.SUCCESS("check_tenancy: tenant isolation is enforced."))
