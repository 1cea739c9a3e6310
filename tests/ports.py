"""The servers the template's tests start (PostgreSQL, PgBouncer, Redis, gunicorn): their ports and their lifetimes."""

import shutil
import socket
import time
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port():
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, what, log, timeout=30):
    """Return once ``port`` accepts connections; fail the test with ``log`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"{what} did not listen on port {port} within {timeout}s:\n{Path(log).read_text(errors='replace')}")


def installed(name, fallback, package):
    """The path of the server program ``name``; fails the test saying how to install it."""
    executable = shutil.which(name) or fallback
    if not Path(executable).exists():
        pytest.fail(f"{name} is not installed: `apt-get install -y {package}` (.ci/run does it).")
    return executable


@contextmanager
def serving(process, port, what, log):
    """The block runs once ``process`` (a Popen) listens on ``port``; the process ends with it."""
    try:
        wait_for_port(port, what, log)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)
