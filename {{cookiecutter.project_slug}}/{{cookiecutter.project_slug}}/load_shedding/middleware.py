"""Admit a request to the database only while one of the process's slots is free (admission.py)."""

from django.conf import settings

from {{ cookiecutter.project_slug }}.api.errors import service_unavailable

from .admission import NoSlot, admission

BUSY = "The service is busy: the database is slow or unavailable. Try again shortly."


class DatabaseAdmissionMiddleware:
    """Every request past this point may use the database: it needs one of the process's slots."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            with admission.slot(deadline=settings.DB_REQUEST_DEADLINE):
                return self.get_response(request)
        except NoSlot:
            return service_unavailable(BUSY)
