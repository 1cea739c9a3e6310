from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.tenancy.bootstrap import bootstrap_steps


class Command(BaseCommand):
    help = (
        "Bring a fresh or existing database fully up to date, in order: "
        + "; ".join(name for name, _step in bootstrap_steps())
        + ". Safe to run again: a second run changes nothing. Deploys run it before every release."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--canary",
            type=int,
            default=0,
            metavar="N",
            help="Bring the first N tenants that are behind up to date one by one, before the others, and stop "
            "at the first failure (docs/commands.md).",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        if options["canary"] < 0:
            raise CommandError("--canary must be 0 or more.")
        for name, step in bootstrap_steps(canary=options["canary"]):
            self.stdout.write(f"bootstrap: {name} ...")
            try:
                step(verbosity=max(verbosity - 1, 0))
            except Exception as exc:
                raise CommandError(f"bootstrap failed at step '{name}': {exc}") from exc
        self.stdout.write(self.style.SUCCESS("bootstrap: done"))
