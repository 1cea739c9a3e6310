import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Is the background queue served? Counts the workers whose heartbeat is recent, and the jobs "
        "waiting; exits non-zero when fewer than --min-workers workers are alive. A probe or an "
        "alert runs it; deploys run it after rolling out workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min-workers", type=int, default=1, help="alive workers needed (default 1)")
        parser.add_argument(
            "--max-heartbeat-age",
            type=float,
            default=settings.TASK_STALLED_AFTER_SECONDS,
            help="seconds after which a silent worker counts as dead (default TASK_STALLED_AFTER_SECONDS)",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            # The queue's own tables, shared by every tenant: counts only, no job's arguments.
            cursor.execute(
                "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat >= now() - make_interval(secs => %s)",
                [options["max_heartbeat_age"]],
            )
            alive = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FILTER (WHERE status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= now())), "
                "count(*) FILTER (WHERE status = 'doing'), "
                "coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'todo' "
                "AND (scheduled_at IS NULL OR scheduled_at <= now()))), 0) "
                "FROM procrastinate_jobs LEFT JOIN LATERAL (SELECT min(at) AS created_at FROM procrastinate_events "
                "WHERE job_id = procrastinate_jobs.id AND type = 'deferred') AS deferred ON true "
                "WHERE status IN ('todo', 'doing')"
            )
            waiting, running, oldest_waiting = cursor.fetchone()
        figures = {
            "alive_workers": alive,
            "waiting_jobs": waiting,
            "running_jobs": running,
            "oldest_waiting_seconds": round(float(oldest_waiting), 1),
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            self.stdout.write(
                f"{alive} worker(s) alive (heartbeat within {options['max_heartbeat_age']:g} s), "
                f"{waiting} job(s) waiting (oldest {figures['oldest_waiting_seconds']} s), {running} running."
            )
        if alive < options["min_workers"]:
            raise CommandError(
                f"{alive} background worker(s) alive, {options['min_workers']} needed: start workers "
                "(`manage.py procrastinate worker`) or look at their logs."
            )
