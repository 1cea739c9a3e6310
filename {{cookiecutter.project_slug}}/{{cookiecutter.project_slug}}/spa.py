"""The React front end's page, served by Django so that the app and the API share one origin.

``make frontend-build`` (and the image's build) writes frontend/dist/; its index.html is
answered here at ``/`` and at every URL of the app's own pages (``APP_ROUTE``), its assets by
whitenoise under ``/static/app/`` (STATICFILES_DIRS).
With subdomain routing the app calls ``<slug>.<its own host>``, so it is only served on the
base domain: opened on 127.0.0.1 or on a tenant's host, it is sent there.
"""

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache

from {{ cookiecutter.project_slug }}.tenancy.routing import base_domain_url

# The app's URLs: any path of plain segments (no file extension) outside the server's own
# prefixes, so /api/, /admin/ and /static/ keep their own answers (a JSON 404 under /api/), and
# /admin without its slash is still sent to /admin/.
APP_ROUTE = r"^(?!(?:api|admin|static|media)(?:/|$))(?:[\w-]+/)*[\w-]+/?$"


@never_cache  # a new build's index.html names new asset files: never serve a cached one
def index(request):
    """GET / (or a page of the app): the front end's index.html, or a 404 that says how to build it."""
    elsewhere = base_domain_url(request)
    if elsewhere is not None:
        return HttpResponseRedirect(elsewhere)
    page = settings.FRONTEND_DIST / "index.html"
    if not page.is_file():
        return HttpResponse(
            "The front end is not built: run `make frontend-build` (make run does).",
            status=404,
            content_type="text/plain",
        )
    return FileResponse(page.open("rb"), content_type="text/html; charset=utf-8")
