"""TCP ports for the servers the template's tests start (PostgreSQL, PgBouncer, Redis, gunicorn)."""

import socket
import time
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
