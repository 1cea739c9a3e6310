"""for_each_tenant's pool: long-lived worker processes that each run the command for many
tenants in turn, instead of a Django start-up per tenant.

What a process per tenant gave, each worker keeps: the tenant set by tenant_context() for each
run, its database sessions reset after it (no session setting, temporary table, lock or
prepared plan reaches the next tenant; tenancy/command_runs.py) and replaced every
DB_MAX_TENANTS_PER_CONNECTION tenants (tenancy/connection_recycling.py), the per-process
caches emptied, each run's output captured at the file descriptors (prints, the command's own
streams, child processes), and a failure reported for its tenant only. A worker that dies
(``os._exit``, a crash) is reported for the tenant it was running, with what it had written,
and replaced.

Workers are forked from this process (multiprocessing's 'fork'), which has set Django up
already: a worker, the first or a replacement, starts in milliseconds with no Django start-up of
its own. Before each fork this process closes its database and cache connections, so a worker
opens its own, and refuses to fork while another thread runs (a fork copies none of them, and
would copy the locks they hold). Importing this module needs no Django setup.
"""

import gc
import itertools
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from multiprocessing.connection import wait
from pathlib import Path

# Tenants sent ahead to each worker: the next one is waiting when it finishes one.
SENT_AHEAD = 2
READY = "ready"


class WorkerStartFailed(Exception):
    """A worker process died before it could run a tenant: no tenant can run."""


def run_all(slugs, command_name, command_args, *, processes, atomic, environment):
    """Each tenant's result (tenant, exit_code, stdout, stderr, seconds), in the order of ``slugs``,
    each as soon as it and those before it are done."""
    pending = deque(enumerate(slugs))
    done, next_index = {}, 0
    os.environ.update(environment)  # each worker inherits it
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="for_each_tenant-") as folder:
        workers, started = [], 0
        try:
            while next_index < len(slugs):
                while pending and len(workers) < processes:
                    before_fork()
                    workers.append(Worker(context, Path(folder) / str(started), workers))
                    started += 1
                for worker in workers:
                    while pending and len(worker.sent) < SENT_AHEAD:
                        worker.send(*pending.popleft(), command_name, command_args, atomic)
                busy = [worker for worker in workers if worker.sent]
                wait([handle for worker in busy for handle in (worker.connection, worker.process.sentinel)])
                for worker in busy:
                    done.update(worker.collect())
                    if not worker.alive:
                        pending.extendleft(reversed(worker.unstarted()))
                        workers.remove(worker)
                        worker.stop()
                while next_index in done:
                    yield done.pop(next_index)
                    next_index += 1
        finally:
            for worker in workers:
                worker.stop()


def before_fork():
    """Leave a worker nothing it must not share: no thread, no connection, no buffered output."""
    others = [thread.name for thread in threading.enumerate() if thread is not threading.current_thread()]
    if others:
        raise WorkerStartFailed(
            f"threads are running in for_each_tenant's process ({', '.join(others)}); a worker forked "
            "now would copy the locks they hold. Start no thread at import or Django set-up."
        )
    from .command_runs import forget_state

    forget_state(new_sessions=True)  # a worker opens its own database and cache connections
    # Out of the collector's reach: its scans would write to every object the worker inherited,
    # copying the set-up Django's memory page by page (about 15% of a run over 300 tenants).
    gc.freeze()
    sys.stdout.flush()  # else a worker would write this process's buffered output again
    sys.stderr.flush()


class Worker:
    """One worker process, the tenants sent to it and not yet answered, and its output files."""

    def __init__(self, context, output_prefix, others):
        self.connection, child_end = context.Pipe()
        self.outputs = (f"{output_prefix}.out", f"{output_prefix}.err")
        # The other workers' pipe ends, inherited by the fork: closed in the worker, so that each
        # worker sees its pipe end when this process does.
        inherited = [worker.connection for worker in others]
        self.process = context.Process(target=serve, args=(child_end, self.outputs, inherited), daemon=True)
        self.process.start()
        child_end.close()
        self.sent = deque()  # (index, slug, sent at), in the order sent: the first is running
        self.ready = False  # until it has set Django up
        self.alive = True

    def send(self, index, slug, command_name, command_args, atomic):
        self.sent.append((index, slug, time.monotonic()))
        try:
            self.connection.send((slug, command_name, command_args, atomic))
        except OSError:
            pass  # it has died: collect() reports its running tenant and hands the others on

    def collect(self):
        """{index: result} of the tenants it has finished; if it has died, its running tenant's too."""
        alive = self.process.is_alive()  # before reading: a dead worker's answers are all in the pipe
        finished = {}
        while self.sent and self.connection.poll():
            try:
                message = self.connection.recv()
            except (EOFError, ConnectionResetError):
                self.process.join()  # its end of the pipe closed: it is dying
                alive = False
                break
            if message == READY:
                self.ready = True
                continue
            finished[self.sent.popleft()[0]] = message
        if alive:
            return finished
        self.process.join()
        self.alive = False
        if self.sent:
            index, slug, started = self.sent.popleft()
            stdout, stderr = (read_text(path) for path in self.outputs)
            if not self.ready:
                raise WorkerStartFailed(f"{stdout}{stderr}".strip() or f"exit {self.process.exitcode}")
            stderr += (
                f"for_each_tenant: the worker process running {slug} died (exit {self.process.exitcode}) "
                "before the command ended; its transaction was not committed. The next tenants run in a new worker.\n"
            )
            # Ended without an answer: never a success.
            finished[index] = result_of(slug, self.process.exitcode or 1, stdout, stderr, started)
        return finished

    def unstarted(self):
        """The tenants sent to a dead worker that it never started, to send to another."""
        waiting = [(index, slug) for index, slug, _sent in self.sent]
        self.sent.clear()
        return waiting

    def stop(self):
        if self.process.is_alive():
            try:
                self.connection.send(None)
            except OSError:
                pass  # its end is closed: it is ending
            self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def read_text(path):
    try:
        return Path(path).read_bytes().decode(errors="replace")
    except FileNotFoundError:
        return ""


def result_of(slug, exit_code, stdout, stderr, started):
    seconds = round(time.monotonic() - started, 3)
    return {"tenant": slug, "exit_code": exit_code, "stdout": stdout, "stderr": stderr, "seconds": seconds}


# --- in a worker process ------------------------------------------------------------------


def serve(connection, outputs, inherited):
    """A worker's life: run each tenant it is sent until told to stop."""
    for other in inherited:
        other.close()
    redirect_output(outputs)
    from .command_runs import run_in_tenant
    from .connection_recycling import tenants_per_connection

    # Sessions are reset between tenants and replaced after the limit: a session's catalog
    # cache keeps what it touched, which a reset does not empty.
    limit = tenants_per_connection()

    connection.send(READY)
    for count in itertools.count(1):
        try:
            task = connection.recv()
        except EOFError:
            return  # for_each_tenant has gone
        if task is None:
            return
        slug, command_name, command_args, atomic = task
        redirect_output(outputs)
        started = time.monotonic()
        new_sessions = bool(limit) and count % limit == 0
        exit_code = run_captured(
            run_in_tenant, slug, command_name, command_args, atomic=atomic, new_sessions=new_sessions
        )
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = (read_text(path) for path in outputs)
        connection.send(result_of(slug, exit_code, stdout, stderr, started))


def redirect_output(outputs):
    """Point file descriptors 1 and 2 at new, empty files: one tenant's output, whoever writes it."""
    sys.stdout.flush()
    sys.stderr.flush()
    for descriptor, path in zip((1, 2), outputs, strict=True):
        file = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(file, descriptor)
        os.close(file)


def run_captured(run, *args, **kwargs):
    """``run``'s exit status as manage.py gives it: a CommandError's, a SystemExit's code, 1 after another error."""
    from django.core.management.base import CommandError

    try:
        run(*args, **kwargs)
    except CommandError as error:
        print(f"CommandError: {error}", file=sys.stderr)
        return error.returncode
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 - any error fails this tenant only, with its traceback
        traceback.print_exc()
        return 1
    return 0
