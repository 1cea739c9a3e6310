from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.bootstrap import bootstrap_steps


class Command(BaseCommand):
    help = (
        "Bring a fresh or existing database fully up to date, in order: "
        + "; ".join(name for name, _step in bootstrap_steps())
        + ". Safe to run again: a second run changes nothing. Deploys run it before every release."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        for name, step in bootstrap_steps():
            self.stdout.write(f"bootstrap: {name} ...")
            try:
                step(verbosity=max(verbosity - 1, 0))
            except Exception as exc:
                raise CommandError(f"bootstrap failed at step '{name}': {exc}") from exc
        self.stdout.write(self.style.SUCCESS("bootstrap: done"))
