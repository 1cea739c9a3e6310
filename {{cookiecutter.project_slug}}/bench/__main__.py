"""``make bench``: what tenancy costs here, as ratios measured in one run, in about 2 minutes.

Every measure runs in processes of its own on a database of its own (``test_bench`` on the
embedded server; DATABASE_URL must be unset), then one table is printed. docs/performance.md
says what each number means and how it grows. Sizes: BENCH_CREATIONS (300), BENCH_SCHEMAS
(1,000), BENCH_FLEET (300, the tenants for_each_tenant runs in), BENCH_MIGRATION_SCHEMAS (300,
schema: the schemas a new migration is brought to), BENCH_SECONDS (1, per load phase; 8 phases a
side). ``make bench-scale`` (bench/scale.py) measures the fleet at 10,000 tenants.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
from psycopg import sql

from bench import strategy

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATABASE = "bench"  # the settings add the test_ prefix
CLIENTS = 8


def environment(database=DATABASE, extra_env=None):
    """The environment of a benchmark process on ``test_<database>``, plus ``extra_env``."""
    from config import dev_database

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **(extra_env or {})}
    for variable in dev_database.ROLES:
        env[variable] = dev_database.role_url(dev_database.ROLES[variable], database)
    return env


def recreate(database):
    from config import dev_database

    name = f"test_{database}"
    with psycopg.connect(dev_database.superuser_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        owner = dev_database.EMBEDDED_DATABASE_OWNER
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(owner)))


def manage(*args, env, timeout=1800):
    """Run manage.py; (seconds, stdout). Any failure stops the benchmark with its output."""
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        sys.exit(f"bench: manage.py {' '.join(args)} did not finish in {timeout} s: measure fewer tenants.")
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"bench: manage.py {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout


def phase(name, env, **variables):
    """Run bench.<module>.<function>() (``name`` is "module.function") in a process of its own;
    its reported values. bench/phases.py has the shared phases, bench/strategy_phases.py the
    strategy's own."""
    module, function = name.rsplit(".", 1)
    command = f"from bench.{module} import {function}; {function}()"
    _seconds, output = manage("shell", "-c", command, env={**env, **variables})
    lines = [line for line in output.splitlines() if line.startswith("BENCH ")]
    if not lines:
        sys.exit(f"bench: phase {name} reported nothing:\n{output}")
    return json.loads(lines[-1].removeprefix("BENCH "))


def fresh(database=DATABASE, extra_env=None):
    recreate(database)
    env = environment(database, extra_env)
    manage("bootstrap", env=env)
    return env


# --- tenant creation in a long-lived process ----------------------------------------------


class CreationProcess:
    """A ``manage.py shell`` that creates one tenant for each slug it is sent (bench/phases.py)."""

    def __init__(self, env, prefix):
        self.prefix, self.made = prefix, 0
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", "from bench.strategy_phases import creations; creations()"],
            cwd=PROJECT_DIR, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )  # fmt: skip
        self.memory_mb = [self.answer()["memory_mb"]]

    def answer(self):
        for line in self.process.stdout:
            if line.startswith("BENCH "):
                return json.loads(line.removeprefix("BENCH "))
        sys.exit(f"bench: the creating process ({self.prefix}) exited {self.process.wait()} (its error is above)")

    def create(self):
        self.process.stdin.write(f"{self.prefix}{self.made}\n")
        self.made += 1
        return self.answer()["ms"]

    def close(self):
        self.process.stdin.close()
        self.memory_mb.append(self.answer()["memory_mb"])
        self.process.wait(timeout=60)


def creation(env, count, window=20):
    """The last ``window`` of ``count`` creations in one process, against a new process's first
    ``window``, alternately: the growth that a long-lived process carries, with a slower moment
    of the machine on both sides. Also the long-lived process's own first ``window``."""
    window = min(window, count // 2)
    long_lived = CreationProcess(env, "made")
    at_start = [long_lived.create() for _ in range(window)]
    for _ in range(count - 2 * window):
        long_lived.create()
    new = CreationProcess(env, "new")
    at_end, in_new = [], []
    for _ in range(window):
        at_end.append(long_lived.create())
        in_new.append(new.create())
    long_lived.close()
    new.close()
    return {
        "creations": count,
        "window": window,
        "last_ms": statistics.median(at_end),
        "new_ms": statistics.median(in_new),
        "first_ms": statistics.median(at_start),
        "memory_mb": long_lived.memory_mb,
    }


# --- throughput under gunicorn --------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port, path, headers, seconds):
    """Requests per second of CLIENTS keep-alive clients sending GET ``path`` for ``seconds``."""
    done, errors = [0] * CLIENTS, []
    deadline = time.monotonic() + seconds

    def client(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
                return
            done[index] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        sys.exit(f"bench: GET {path} answered {errors[0]} under load")
    return sum(done) / seconds


def throughput(env, token, routing):
    from config import dev_database

    port = free_port()
    web = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "4",
        "GUNICORN_LOG_LEVEL": "warning",
        "GUNICORN_MAX_REQUESTS": "0",
        # Throughput, not load shedding: 8 clients share 6 database slots, and on a busy machine a
        # slot can be held past DB_STALL_AFTER's second, when a production server would answer 503.
        "DB_ADMISSION_WAIT": "30",
        "DB_STALL_AFTER": "30",
    }
    # Web processes get the request role's URL only, as in production.
    for variable in dev_database.ROLES:
        if variable != "DATABASE_URL":
            web.pop(variable)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--access-logfile", "/dev/null", "config.wsgi"],
        cwd=PROJECT_DIR,
        env=web,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = "localhost"
        tenant_headers = {"Authorization": f"Token {token}"}
        if routing == "header":
            tenant_headers.update(Host=base, **{"X-Tenant-ID": "bench"})
        else:
            tenant_headers["Host"] = f"bench.{base}"
        twin_headers = {"Authorization": f"Token {token}", "Host": base}
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/health/", headers={"Host": base})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"bench: gunicorn did not start:\n{server.stderr.read() if server.poll() is not None else ''}")
            time.sleep(0.2)
        seconds = float(os.environ.get("BENCH_SECONDS", "1"))
        load(port, "/api/v1/projects/", tenant_headers, 1)  # warm every worker and thread
        load(port, "/bench/twin/", twin_headers, 1)
        rates = {"tenant": [], "twin": []}
        for _ in range(8):  # alternating: a slower moment of the machine hits both
            rates["twin"].append(load(port, "/bench/twin/", twin_headers, seconds))
            rates["tenant"].append(load(port, "/api/v1/projects/", tenant_headers, seconds))
        pairs = [tenant / twin for tenant, twin in zip(rates["tenant"], rates["twin"], strict=True) if twin]
        return {
            **{name: statistics.mean(values) for name, values in rates.items()},
            "ratio": statistics.median(pairs),
            "range": (min(pairs), max(pairs)),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- a command in every tenant ------------------------------------------------------------

# What each tenant runs: a count of its rows, a command that costs little but its start.
FLEET_COMMAND = [
    "shell",
    "-c",
    "from {{ cookiecutter.project_slug }}.projects.models import Project; print(Project.objects.count())",
]


def fleet(count):
    """for_each_tenant --parallel 2 over ``count`` tenants, on a database of its own, against one
    plain manage.py process running the same command once, in one tenant; and for_each_tenant
    over that one tenant, its start-up (the command's process, then the workers')."""
    env = fresh("bench_fleet")
    phase("strategy_phases.many_tenants", env, BENCH_SCHEMAS=str(count))
    manage("bootstrap", env=env)  # records the new schemas as checked
    one, _ = manage("run_in_tenant", "many0", *FLEET_COMMAND, env=env)
    first, _ = manage("for_each_tenant", "--tenants", "many0", *FLEET_COMMAND, env=env)
    every, output = manage("for_each_tenant", "--parallel", "2", "--json", *FLEET_COMMAND, env=env)
    ran = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    if len(ran) != count:
        sys.exit(f"bench: for_each_tenant ran in {len(ran)} tenants, not {count}:\n{output}")
    return {"tenants": count, "env": env, "one_s": one, "first_s": first, "every_s": every}


# --- the table ----------------------------------------------------------------------------


def ratio(numerator, denominator):
    return f"{numerator / denominator:.2f}x" if denominator else "n/a"


def setup():
    """Django set up on the benchmark's settings: the embedded server runs and has its roles."""
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if os.environ.get("DATABASE_URL"):
        sys.exit("bench: unset DATABASE_URL: the benchmark runs on the embedded PostgreSQL, on a database of its own.")
    import django

    django.setup()


def main():
    setup()
    from django.conf import settings

    routing = settings.TENANT_ROUTING
    started = time.perf_counter()
    rows = []

    env = fresh()
    made = creation(env, int(os.environ.get("BENCH_CREATIONS", "300")))
    rows.append(
        (
            f"tenant creation: last {made['window']} of {made['creations']} in one process / "
            f"{made['window']} in a new one",
            ratio(made["last_ms"], made["new_ms"]),
            strategy.creation_detail(made),
        )
    )

    counted = phase("phases.statements", env)
    rows.append(
        (
            "SQL statements, warm GET /api/v1/projects/ (twin without tenancy)",
            f"{counted['tenant']['total']} ({counted['twin']['total']})",
            ", ".join(f"{name} {count}" for name, count in counted["tenant"].items() if name != "total"),
        )
    )
    rates = throughput(env, counted["token"], routing)
    rows.append(
        (
            "throughput, GET /api/v1/projects/ / twin, gunicorn 2x4",
            f"{rates['ratio']:.2f}x",
            f"median of 8 alternating pairs ({rates['range'][0]:.2f}x to {rates['range'][1]:.2f}x); "
            f"{rates['tenant']:.0f} vs {rates['twin']:.0f} requests/s, {CLIENTS} clients",
        )
    )

    # The strategy's own measures (bench/strategy.py).
    rows.extend(strategy.measures(env, phase=phase, fresh=fresh, ratio=ratio))

    schemas = int(os.environ.get("BENCH_SCHEMAS", "1000"))
    phase("strategy_phases.many_tenants", env, BENCH_SCHEMAS=str(schemas))
    first, _ = manage("bootstrap", env=env)
    again, _ = manage("bootstrap", env=env)
    rows.append(
        (
            f"bootstrap with nothing to apply, {schemas} tenants (s)",
            f"{again:.1f}",
            f"first run after adding them {first:.1f} s; per 1,000 tenants {again * 1000 / schemas:.1f} s",
        )
    )
    ready = phase("phases.readiness", env)
    rows.append((f"readiness, {ready['tenants']} tenants (ms)", f"{ready['ready_ms']:.1f}", f"HTTP {ready['status']}"))

    ran = fleet(int(os.environ.get("BENCH_FLEET", "300")))
    each_more = (ran["every_s"] - ran["first_s"]) * 1000 / (ran["tenants"] - 1)
    rows.append(
        (
            f"for_each_tenant, {ran['tenants']} tenants, --parallel 2 / one manage.py process",
            ratio(ran["every_s"], ran["one_s"]),
            f"{ran['every_s']:.1f} vs {ran['one_s']:.1f} s (a count of each tenant's projects); over one tenant "
            f"{ran['first_s']:.1f} s, each tenant more {each_more:.1f} ms",
        )
    )
    rows.extend(strategy.fleet_measures(ran, manage=manage, command=FLEET_COMMAND, ratio=ratio))

    width = max(len(row[0]) for row in rows)
    print(f"\nmake bench: {strategy.NAME} strategy, {routing} routing, {time.perf_counter() - started:.0f} s\n")
    print(f"{'measure'.ljust(width)}  {'value':>10}  detail")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 40}")
    for name, value, detail in rows:
        print(f"{name.ljust(width)}  {value:>10}  {detail}")


if __name__ == "__main__":
    main()
