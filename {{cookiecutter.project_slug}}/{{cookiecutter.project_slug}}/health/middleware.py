"""Answer the probes first, before host validation, sessions and tenant resolution.

A load balancer probes with its own IP or an internal name as Host; routing those requests
through ALLOWED_HOSTS or the tenant lookup would turn a healthy server into a failing one.
"""

from .views import health, ready

PROBES = {"/api/v1/health/": health, "/api/v1/ready/": ready}


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
