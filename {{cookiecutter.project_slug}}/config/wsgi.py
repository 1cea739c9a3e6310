"""WSGI entry point for gunicorn (see config/gunicorn.py).

Before serving, it runs the "tenancy" system checks against the database, so a server whose
wiring or database role would break tenant isolation refuses to start instead of serving.
"""

import os

from django.core import checks
from django.core.management.base import SystemCheckError
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

_errors = [message for message in checks.run_checks(tags=["tenancy"], databases=["default"]) if message.is_serious()]
if _errors:
    raise SystemCheckError("Refusing to serve:\n" + "\n".join(str(error) for error in _errors))
