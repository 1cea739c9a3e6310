"""Settings of the benchmark's processes: the test settings, on the benchmark's own database,
plus a twin of the projects list without tenancy{% if cookiecutter.tenancy_strategy == "schema" %}, and optionally a generated tenant app{% endif %}."""
{%- if cookiecutter.tenancy_strategy == "schema" %}

import os
{%- endif %}

from config.settings.test import *  # noqa: F403
from config.settings.test import {% if cookiecutter.tenancy_strategy == "schema" %}INSTALLED_APPS, REST_FRAMEWORK, TENANT_APPS{% else %}REST_FRAMEWORK{% endif %}

PUBLIC_URLCONF = "bench.urls_public"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "CRITICAL"}}
# The load phases are thousands of requests of one user in one tenant: the throttles still run
# and count, on both sides of the comparison, but never answer 429.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "10000000/min"),
}
{%- if cookiecutter.tenancy_strategy == "schema" %}

# BENCH_EXTRA_APP: a tenant app with many migrations (bench/migrations_app.py writes it).
EXTRA_APP = os.environ.get("BENCH_EXTRA_APP")
if EXTRA_APP:
    INSTALLED_APPS = [*INSTALLED_APPS, EXTRA_APP]
    TENANT_APPS = [*TENANT_APPS, EXTRA_APP]
{%- endif %}
