"""System checks for the rls strategy: refuse to serve when policies could be bypassed.

Tagged "database" (Django runs it only when asked to check a database) and "tenancy";
config/wsgi.py runs the "tenancy" checks against the default database before serving.
"""

from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database, "tenancy")
def runtime_role_cannot_bypass_rls(app_configs, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from .diagnostics import runtime_role_problems

    try:
        problems = runtime_role_problems()
    except DatabaseError as exc:
        return [Warning(f"Could not check the runtime role: {exc}", id="tenancy.W001")]
    return [
        Error(
            problem,
            hint="Point DATABASE_URL at a role that is not superuser, has no BYPASSRLS and owns nothing "
            "(docs/production-roles.md).",
            id="tenancy.E002",
        )
        for problem in problems
    ]
