"""Bounded waits on the database inside a web process (docs/database-timeouts.md).

A database that keeps its TCP connections open but answers nothing is not ended by any
server-side timeout, keepalive or ``tcp_user_timeout``: the kernel acknowledges every byte.
Two things keep such a stall from taking the whole process down:

- Admission: at most ``DB_REQUEST_SLOTS`` requests of a process work with the database at
  once, fewer than its threads, so one thread is always left for the liveness probe. A
  request that gets no slot is answered 503 with Retry-After; once the slots look stuck
  (the oldest holder has been waiting longer than ``DB_STALL_AFTER``), at once.
- Deadlines: a watchdog thread shuts down the socket of any connection still working past
  its holder's deadline (``DB_REQUEST_DEADLINE``, or readiness's own). The blocked call then
  fails at once with an OperationalError, the connection is discarded, and the request is
  answered 503 (errors.py). Nothing in the process has to be restarted.
"""

import logging
import os
import socket
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)
WATCH_INTERVAL_SECONDS = 0.1


class NoSlot(Exception):
    """No database slot became free in time: the database is slow or stalled."""


class Admission:
    """The database slots of one process, and the watchdog that enforces their deadlines."""

    def __init__(self, slots, wait, stall_after):
        self.slots = slots
        self.wait = wait
        self.stall_after = stall_after
        self._free = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._taken = 0  # slots held now
        self._holders = {}  # thread id -> (started, deadline, connection wrappers, ids of cut connections)
        self._watchdog = None
        self._pid = None

    def stalled(self):
        """True when every slot is taken and the oldest holder has waited longer than stall_after."""
        with self._lock:
            if self._taken < self.slots or not self._holders:
                return False
            oldest = min(holder[0] for holder in self._holders.values())
        return time.monotonic() - oldest > self.stall_after

    def _acquire(self, wait):
        give_up = time.monotonic() + wait
        while True:
            if self.stalled():
                # Stuck slots free up only when the database answers or deadlines cut them:
                # waiting would hold this thread, and the liveness probe queues behind it.
                if self._free.acquire(blocking=False):
                    return
                raise NoSlot
            if self._free.acquire(timeout=0.05):
                return
            if time.monotonic() >= give_up:
                raise NoSlot

    @contextmanager
    def slot(self, deadline, wait=None):
        """Hold a slot for the block; its database connections are cut after ``deadline`` seconds."""
        self._acquire(self.wait if wait is None else wait)
        with self._lock:
            self._taken += 1
        try:
            with self.deadline(deadline):
                yield
        finally:
            with self._lock:
                self._taken -= 1
            self._free.release()

    @contextmanager
    def deadline(self, seconds):
        """Cut the database connections of this thread that still work ``seconds`` from now."""
        self._ensure_watchdog()
        ident = threading.get_ident()
        started = time.monotonic()
        with self._lock:
            # Django's connections are per thread: these are the ones this block will use.
            self._holders[ident] = (started, started + seconds, list(connections.all()), set())
        try:
            yield
        finally:
            with self._lock:
                del self._holders[ident]

    def _ensure_watchdog(self):
        # Threads do not survive gunicorn's fork: start one in each worker, on first use.
        if self._watchdog is not None and self._pid == os.getpid() and self._watchdog.is_alive():
            return
        with self._lock:
            if self._watchdog is None or self._pid != os.getpid() or not self._watchdog.is_alive():
                self._pid = os.getpid()
                self._watchdog = threading.Thread(target=self._watch, name="database-deadlines", daemon=True)
                self._watchdog.start()

    def _watch(self):
        while True:
            time.sleep(WATCH_INTERVAL_SECONDS)
            now = time.monotonic()
            with self._lock:
                for started, deadline, wrappers, cut in self._holders.values():
                    if now > deadline:
                        for wrapper in wrappers:
                            # A connection opened after the deadline is cut too, once.
                            connection = wrapper.connection
                            if connection is not None and id(connection) not in cut:
                                cut.add(id(connection))
                                _cut(wrapper, connection, now - started)


def _cut(wrapper, connection, elapsed):
    """Shut down the socket of ``connection``: its blocked call fails at once."""
    if connection.closed:
        return
    try:
        fd = os.dup(connection.pgconn.socket)
    except Exception:  # noqa: BLE001 - the connection closed meanwhile: nothing to cut
        return
    with socket.socket(fileno=fd) as sock:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            return
    logger.warning(
        "database connection %r cut after %.1fs without an answer (%s)", wrapper.alias, elapsed, address(wrapper)
    )


def address(wrapper):
    """Where ``wrapper`` connects, for the log only: never in an answer."""
    params = wrapper.settings_dict
    host = params.get("HOST") or params.get("OPTIONS", {}).get("host")
    return f"host {host}, port {params.get('PORT')}, user {params.get('USER')}"


def _default_slots():
    # One thread of each gunicorn worker stays free for the liveness probe (config/gunicorn.py
    # exports GUNICORN_THREADS to its workers).
    return max(1, int(os.environ.get("GUNICORN_THREADS", "4")) - 1)


admission = Admission(
    slots=settings.DB_REQUEST_SLOTS or _default_slots(),
    wait=settings.DB_ADMISSION_WAIT,
    stall_after=settings.DB_STALL_AFTER,
)
