"""Answer the probes first, before host validation, sessions and tenant resolution; then admit
every other request to the database only while a slot is free (admission.py).

A load balancer probes with its own IP or an internal name as Host; routing those requests
through ALLOWED_HOSTS or the tenant lookup would turn a healthy server into a failing one.
"""

from django.conf import settings

from {{ cookiecutter.project_slug }}.api.errors import service_unavailable

from .admission import NoSlot, admission
from .views import health, ready

PROBES = {"/api/v1/health/": health, "/api/v1/ready/": ready}
BUSY = "The service is busy: the database is slow or unavailable. Try again shortly."


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = probe(request)
        response.render()  # a DRF Response; Django renders only what views return, not middleware
        return response


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
