"""for_each_tenant's pool: long-lived worker processes that each run the command for many
tenants in turn, one Django start-up per worker instead of one per tenant.

What a process per tenant gave, each worker keeps: the tenant set by tenant_context() for each
run, the database connections closed after it (no session setting, temporary table, prepared
plan or catalog cache reaches the next tenant) and the per-process caches cleared, each run's
output captured at the file descriptors (prints, the command's own streams, child processes),
and a failure reported for its tenant only. A worker that dies (``os._exit``, a crash) is
reported for the tenant it was running, with what it had written, and replaced. Workers are
started with 'spawn': nothing of this process (its connections, its threads) is inherited.

Importing this module needs no Django setup: a new worker imports it to find serve().
"""

import multiprocessing
import os
import sys
import tempfile
import time
import traceback
from collections import deque
from multiprocessing.connection import wait
from pathlib import Path


def run_all(slugs, command_name, command_args, *, processes, atomic, environment):
    """Each tenant's result (tenant, exit_code, stdout, stderr, seconds), in the order of ``slugs``,
    each as soon as it and those before it are done."""
    pending = deque(enumerate(slugs))
    done, next_index = {}, 0
    with tempfile.TemporaryDirectory(prefix="for_each_tenant-") as folder:
        workers, started = [], 0
        try:
            while next_index < len(slugs):
                while pending and len(workers) < processes:
                    workers.append(Worker(Path(folder) / str(started), environment))
                    started += 1
                for worker in workers:
                    if worker.running is None and pending:
                        worker.start(*pending.popleft(), command_name, command_args, atomic)
                busy = [worker for worker in workers if worker.running is not None]
                wait([handle for worker in busy for handle in (worker.connection, worker.process.sentinel)])
                for worker in busy:
                    finished = worker.finished()
                    if finished is not None:
                        done[finished[0]] = finished[1]
                    if not worker.process.is_alive() and worker.running is None:
                        workers.remove(worker)
                while next_index in done:
                    yield done.pop(next_index)
                    next_index += 1
        finally:
            for worker in workers:
                worker.stop()


class Worker:
    """One worker process, the tenant it is running (or None), and the files its output goes to."""

    def __init__(self, output_prefix, environment):
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.outputs = (f"{output_prefix}.out", f"{output_prefix}.err")
        self.process = context.Process(target=serve, args=(child_end, self.outputs, environment), daemon=True)
        self.process.start()
        child_end.close()
        self.running = None  # (index, slug, started)

    def start(self, index, slug, command_name, command_args, atomic):
        self.running = (index, slug, time.monotonic())
        self.connection.send((slug, command_name, command_args, atomic))

    def finished(self):
        """(index, result) when the tenant it was running is done, by an answer or by its death."""
        if self.connection.poll():
            try:
                result = self.connection.recv()
            except EOFError:
                self.process.join()  # its end of the pipe closed: it is dying
            else:
                index, self.running = self.running[0], None
                return index, result
        if self.process.is_alive():
            return None
        index, slug, started = self.running
        self.running = None
        exit_code = self.process.exitcode or 1  # ended without an answer: never a success
        stdout, stderr = (read_text(path) for path in self.outputs)
        stderr += (
            f"for_each_tenant: the worker process running {slug} died (exit {self.process.exitcode}) "
            "before the command ended; its transaction was not committed. The other tenants ran in a new worker.\n"
        )
        return index, result_of(slug, exit_code, stdout, stderr, started)

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


def serve(connection, outputs, environment):
    """A worker's life: set Django up once, then run each tenant it is sent until told to stop."""
    os.environ.update(environment)
    redirect_output(outputs)  # before setup: an error there is its first tenant's output
    import django

    django.setup()
    from .command_runs import run_in_tenant

    while True:
        try:
            task = connection.recv()
        except EOFError:
            return  # for_each_tenant has gone
        if task is None:
            return
        slug, command_name, command_args, atomic = task
        redirect_output(outputs)
        started = time.monotonic()
        exit_code = run_captured(run_in_tenant, slug, command_name, command_args, atomic=atomic)
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
