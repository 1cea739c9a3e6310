"""Settings of the benchmark's processes: the test settings, on the benchmark's own database,
plus a twin of the projects list without tenancy."""

from config.settings.test import *  # noqa: F403
from config.settings.test import REST_FRAMEWORK

PUBLIC_URLCONF = "bench.urls_public"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "CRITICAL"}}
# The load phases are thousands of requests of one user in one tenant: the throttles still run
# and count, on both sides of the comparison, but never answer 429.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "10000000/min"),
}
