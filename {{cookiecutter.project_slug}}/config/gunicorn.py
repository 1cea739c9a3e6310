"""gunicorn settings, each overridable from the environment.

Run: gunicorn -c config/gunicorn.py config.wsgi
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The workers size their database slots from it: threads - 1, one always free for liveness.
os.environ["GUNICORN_THREADS"] = str(threads)
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never takes a server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The application writes one JSON line per request (LOG_FORMAT=json); gunicorn's own access
# line would be a second one. Set GUNICORN_ACCESS_LOG=- to have it anyway.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Where workers write their heartbeat files. The image sets /dev/shm (a RAM disk): a container's
# overlay disk can stall heartbeats long enough for gunicorn to kill healthy workers.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
# No runtime control socket (gunicornc): nothing here uses it, and the image's user has no home
# directory to put it in.
control_socket_disable = True
