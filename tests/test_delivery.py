"""Delivery, for every bake combination: the workflows, the Dockerfile and the compose file that
a team ships with, checked by running what they run.

The failures this guards against happened in real pipelines: a deploy calling management
commands the project did not have, each behind `|| echo` so the job went green; DATABASE_URL
taken apart with sed. So: every command the delivery files name must exist in the baked
project; nothing may swallow an error; the linters must pass; and the migrate job's exact
command, the image's build, start and health commands, and the deploy's checks are run for real.
"""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from .ports import free_port
from .support import bake, run

WORKFLOWS = ("ci.yml", "deploy.yml", "deploy-dev.yml", "deploy-uat.yml", "deploy-prod.yml", "template-update.yml")
# Production-like settings for commands that only need settings (no database connection).
SETTINGS_ONLY_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "delivery-tests-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
    "ALLOWED_HOSTS": ".acme.io,localhost,127.0.0.1",
    "BASE_DOMAIN": "acme.io",
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/acme_cloud",
    "EMAIL_URL": "smtp://mailer:secret@mail.internal:587",
}
UNREACHABLE_DATABASE = "postgres://nobody:x@127.0.0.1:9/nowhere"
DATABASE_VARIABLES = ("DATABASE_URL", "DATABASE_OWNER_URL")


# --- what the delivery files name ------------------------------------------------------------

MANAGE_COMMAND = re.compile(r"""manage\.py(?:["']\s*,\s*["']|\s+)([a-z][a-z0-9_]*)""")
MAKE_TARGET = re.compile(r"(?:^|[\s`;&|(])(?:make|\$\(MAKE\))\s+([a-z][a-z0-9_-]*)\b")
MAKEFILE_TARGET = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?!=)", re.MULTILINE)
MARKDOWN_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)


def delivery_files(project):
    """Where a team's delivery lives: every workflow, the Dockerfile, the compose file, the Makefile."""
    workflows = sorted((project / ".github" / "workflows").glob("*.y*ml"))
    return [*workflows, project / "Dockerfile", project / "compose.yaml", project / "Makefile"]


def command_sources(project):
    """Every file whose text may name a command: delivery files, README, docs."""
    paths = delivery_files(project)
    paths += sorted(project.glob("README*"))
    paths += sorted((project / "docs").rglob("*.md")) if (project / "docs").is_dir() else []
    return [path for path in paths if path.is_file()]


def searchable_text(path):
    """In Markdown only the code (spans and blocks) names commands; prose says "make sure"."""
    text = path.read_text()
    if path.suffix == ".md":
        return "\n".join(MARKDOWN_CODE.findall(text))
    return text


def without_comments(text):
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def named_commands(project):
    """{"manage": {command: [files]}, "make": {target: [files]}} named anywhere in the sources."""
    named = {"manage": {}, "make": {}}
    for path in command_sources(project):
        text = searchable_text(path)
        relative = str(path.relative_to(project))
        for command in MANAGE_COMMAND.findall(text):
            named["manage"].setdefault(command, []).append(relative)
        for target in MAKE_TARGET.findall(text if path.suffix == ".md" else without_comments(text)):
            named["make"].setdefault(target, []).append(relative)
    return named


def makefile_targets(project):
    return set(MAKEFILE_TARGET.findall((project / "Makefile").read_text())) - {".PHONY", ".DEFAULT_GOAL"}


def missing_commands(baked, named):
    """What the named commands lack in ``baked``: checked against `manage.py help --commands` (one
    start of Django, not one a command)."""
    missing = []
    commands = set(baked.manage("help", "--commands", env=SETTINGS_ONLY_ENV).stdout.split())
    assert {"migrate", "check"} <= commands, f"`manage.py help --commands` listed {sorted(commands)}"
    commands.add("help")  # manage.py's own, not in its list
    for command, files in sorted(named["manage"].items()):
        if command not in commands:
            missing.append(f"manage.py {command} (named in {', '.join(sorted(set(files)))}): Unknown command")
    targets = makefile_targets(baked.path)
    for target, files in sorted(named["make"].items()):
        if target not in targets:
            missing.append(f"make {target} (named in {', '.join(sorted(set(files)))}): no such target in the Makefile")
    return missing


def test_every_command_the_delivery_files_name_exists(baked):
    named = named_commands(baked.path)
    assert "bootstrap" in named["manage"], f"the extractor found no `manage.py bootstrap` at all: {named}"
    assert {"install", "lint", "test"} <= set(named["make"]), f"the extractor missed CI's make targets: {named}"
    missing = missing_commands(baked, named)
    assert not missing, "Commands named in the delivery files that this project does not have:\n" + "\n".join(missing)


def test_a_command_that_does_not_exist_is_caught(baked, tmp_path):
    """Plant commands this project lacks (one like the failed pipelines') in a copy: each is reported."""
    copy = tmp_path / "project"
    shutil.copytree(
        baked.path,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".pgdata", "__pycache__", "staticfiles", "node_modules"),
    )
    deploy = copy / ".github/workflows/deploy.yml"
    deploy.write_text(
        deploy.read_text().replace(
            "python manage.py bootstrap", "python manage.py ensure_public_tenant\n          make release-everything"
        )
    )
    compose = copy / "compose.yaml"
    compose.write_text(compose.read_text().replace('"manage.py", "bootstrap"', '"manage.py", "setup_database"'))
    with (copy / "Makefile").open("a") as makefile:
        makefile.write("\nseed-all:\n\t./manage.py seed_every_tenant\n")
    (copy / "docs").mkdir(exist_ok=True)
    (copy / "docs" / "planted.md").write_text("Make sure to run `$(BIN)/python manage.py sync_tenants`.\n")

    missing = missing_commands(baked, named_commands(copy))

    reported = {line.split(" (named in ")[0] for line in missing}
    assert reported == {
        "manage.py setup_database",
        "manage.py ensure_public_tenant",
        "manage.py seed_every_tenant",
        "manage.py sync_tenants",
        "make release-everything",
    }, "\n".join(missing)


# --- no swallowed errors, no URL surgery in shell --------------------------------------------

SWALLOWING = {
    "|| true": re.compile(r"\|\|\s*true\b"),
    "|| :": re.compile(r"\|\|\s*:"),
    "|| echo": re.compile(r"\|\|\s*echo\b"),
    "|| {": re.compile(r"\|\|\s*\{"),
    "|| exit 0": re.compile(r"\|\|\s*exit\s+0\b"),
    "continue-on-error": re.compile(r"continue-on-error"),
    "set +e": re.compile(r"\bset\s+\+e\b"),
    "Makefile recipe line whose failure make ignores (leading -)": re.compile(r"^\t@?-", re.MULTILINE),
    ".IGNORE target": re.compile(r"^\.IGNORE\s*:", re.MULTILINE),
}
URL_IN_SHELL = {
    "sed/awk/cut/tr on a database URL": re.compile(r"^.*DATABASE_(?:OWNER_)?URL.*\b(?:sed|awk|cut|tr)\b.*$", re.M),
    "a database URL split by parameter expansion": re.compile(r"\$\{DATABASE_(?:OWNER_)?URL[#%/:^,]"),
    "IFS splitting near a database URL": re.compile(r"^.*DATABASE_(?:OWNER_)?URL.*\bIFS=.*$", re.MULTILINE),
}


def violations(text, patterns):
    found = []
    for label, pattern in patterns.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((label, line))
    return found


def test_no_delivery_file_swallows_an_error_or_parses_a_database_url(baked):
    problems = []
    for path in delivery_files(baked.path):
        text = path.read_text()
        for label, line in violations(text, SWALLOWING) + violations(text, URL_IN_SHELL):
            problems.append(f"{path.relative_to(baked.path)}:{line}: {label}")
    assert not problems, "Errors must fail the run, and Django reads DATABASE_URL:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "snippet",
    [
        "python manage.py migrate_schemas --shared || true",
        "python manage.py ensure_public_tenant || echo 'already there'",
        "run: ./manage.py bootstrap || { echo failed; }",
        "curl -f $URL ||:",
        "check || exit 0",
        "    continue-on-error: true",
        "set +e",
        "db-reset:\n\t-dropdb app\n",
        "HOST=$(echo $DATABASE_URL | sed 's/.*@//')",
        'NAME="${DATABASE_URL##*/}"',
    ],
)
def test_the_checker_catches_each_forbidden_form(snippet):
    assert violations(snippet, SWALLOWING) + violations(snippet, URL_IN_SHELL), snippet


# --- linters ---------------------------------------------------------------------------------


def linter(name):
    """A linter from this test environment (the template's `test` extras install each one)."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.is_file():
        pytest.fail(f"{name} is not installed in {path.parent}. Run `make install` at the template's root.")
    return str(path)


def workflows_repository(baked, destination):
    """The baked workflows in a git repository: actionlint resolves local reusable workflows in one."""
    shutil.copytree(baked.path / ".github", destination / ".github")
    run(["git", "init", "--quiet", str(destination)], cwd=destination)
    return destination


def actionlint(repository):
    """actionlint with shellcheck on every run: step (given by path: a missing one is an error)."""
    shellcheck = linter("shellcheck")
    return subprocess.run(
        [linter("actionlint"), "-shellcheck", shellcheck, "-no-color"],
        cwd=repository,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_workflows_are_all_there(baked):
    present = sorted(path.name for path in (baked.path / ".github" / "workflows").glob("*.yml"))
    assert set(WORKFLOWS) <= set(present), f"missing: {sorted(set(WORKFLOWS) - set(present))}"


def test_the_workflows_pass_actionlint(baked, tmp_path):
    result = actionlint(workflows_repository(baked, tmp_path / "repo"))
    assert result.returncode == 0, f"actionlint:\n{result.stdout}{result.stderr}"


def test_the_template_update_workflow_is_least_privilege(baked):
    path = baked.path / ".github" / "workflows" / "template-update.yml"
    definition = yaml.safe_load(path.read_text())
    assert definition["permissions"] == {}, "no workflow-wide permission: each job names its own"
    assert definition["jobs"]["check"]["permissions"] == {"contents": "read"}
    assert definition["jobs"]["update"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    triggers = definition[True]  # YAML 1.1 reads the key `on` as True
    assert "workflow_dispatch" in triggers and triggers["schedule"], triggers
    for job in definition["jobs"].values():
        for uses in (step["uses"] for step in job["steps"] if "uses" in step):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), f"not pinned by commit SHA: {uses}"


def zizmor_findings(workflows):
    """zizmor --pedantic's findings (offline audits, inline ignores not honoured) on ``workflows``,
    as "<severity> <audit> <file>:<line>" lines."""
    command = [linter("zizmor"), "--pedantic", "--offline", "--no-ignores", "--no-progress", "--format", "json"]
    result = subprocess.run([*command, *map(str, workflows)], capture_output=True, text=True, timeout=120)
    try:
        findings = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"zizmor gave no JSON (exit {result.returncode}):\n{result.stdout}{result.stderr}")
    lines = []
    for finding in findings:
        location = finding["locations"][0]
        path = Path(location["symbolic"]["key"]["Local"]["verbatim_path"]).name
        row = location["concrete"]["location"]["start_point"]["row"] + 1
        lines.append(f"{finding['determinations']['severity'].lower()} {finding['ident']} {path}:{row}")
    return lines


def blocking(findings):
    return [line for line in findings if line.split()[0] in ("medium", "high")]


WORKFLOW_VARIANTS = [
    {"tenancy_strategy": strategy, "tenant_routing": routing, "frontend": frontend}
    for strategy in ("schema", "rls")
    for routing in ("subdomain", "header")
    for frontend in ("react", "none")
]


def test_every_baked_workflow_passes_zizmor_pedantic(tmp_path):
    """No medium or high finding in any workflow of any bake: pinned actions and images, no
    inherited secrets, no template injection, no persisted credentials."""
    checked = {}
    for answers in WORKFLOW_VARIANTS:
        project = bake(tmp_path / "-".join(answers.values()), **answers)
        workflows = sorted((project / ".github" / "workflows").glob("*.yml"))
        assert [path.name for path in workflows] == sorted(WORKFLOWS), workflows
        contents = tuple(path.read_text() for path in workflows)
        if contents not in checked:  # the routing changes no workflow today; each distinct set is checked once
            checked[contents] = (answers, blocking(zizmor_findings(workflows)))
    failing = {"-".join(answers.values()): found for answers, found in checked.values() if found}
    assert not failing, "zizmor --pedantic, medium and high findings:\n" + "\n".join(
        f"  {variant}: {line}" for variant, found in failing.items() for line in found
    )


def test_zizmor_reports_an_unpinned_image_and_inherited_secrets(tmp_path):
    """The check is live: a tag-only service image (high) and `secrets: inherit` (medium) are reported."""
    workflows = bake(tmp_path, tenancy_strategy="rls") / ".github" / "workflows"
    ci = workflows / "ci.yml"
    ci.write_text(re.sub(r"image: (postgres:[\w.-]+)@sha256:[0-9a-f]{64}", r"image: \1", ci.read_text()))
    caller = workflows / "deploy-dev.yml"
    caller.write_text(re.sub(r"(?m)^    secrets:\n(      .*?\n)+", "    secrets: inherit\n", caller.read_text()))

    found = blocking(zizmor_findings([ci, caller]))

    assert any(line.startswith("high unpinned-images ci.yml:") for line in found), found
    assert any(line.startswith("medium secrets-inherit deploy-dev.yml:") for line in found), found


def test_actionlint_reports_a_broken_workflow(baked, tmp_path):
    """The lint is live: a wrong reusable-workflow input and an unquoted variable are both reported."""
    repository = workflows_repository(baked, tmp_path / "repo")
    caller = repository / ".github/workflows/deploy-dev.yml"
    caller.write_text(caller.read_text().replace("environment: dev", "environmnt: dev"))
    deploy = repository / ".github/workflows/deploy.yml"
    deploy.write_text(deploy.read_text().replace('"$IMAGE" \\\n', "$IMAGE \\\n"))

    result = actionlint(repository)

    assert result.returncode == 1, result.stdout + result.stderr
    assert 'input "environmnt" is not defined' in result.stdout, result.stdout
    assert "SC2086" in result.stdout, result.stdout


def test_the_dockerfile_passes_hadolint(baked):
    run([linter("hadolint"), "--failure-threshold", "style", "Dockerfile"], cwd=baked.path)


# --- the workflows, read --------------------------------------------------------------------


def workflow(baked, name):
    return yaml.safe_load((baked.path / ".github" / "workflows" / name).read_text())


def step(baked, job, name_start):
    """The deploy workflow's step of ``job`` whose name starts with ``name_start``."""
    steps = [s for s in workflow(baked, "deploy.yml")["jobs"][job]["steps"] if s.get("name", "").startswith(name_start)]
    assert len(steps) == 1, f"deploy.yml: job {job} has {len(steps)} steps named {name_start!r}..."
    return steps[0]


def container_command(migrate_step):
    """(environment variables passed in, the command run in the image) of the migrate step's docker run."""
    tokens = shlex.split(migrate_step["run"].replace("\\\n", " "))
    assert tokens[:2] == ["docker", "run"], f"the migrate step should run the image: {migrate_step['run']}"
    image = tokens.index("$IMAGE")
    options = tokens[2:image]
    passed = [options[i + 1] for i, option in enumerate(options) if option == "--env"]
    return passed, tokens[image + 1 :]


def test_the_deploy_workflow_has_its_jobs_in_order(baked):
    jobs = workflow(baked, "deploy.yml")["jobs"]
    assert list(jobs) == ["build", "migrate", "deploy", "verify"]
    assert jobs["migrate"]["needs"] == "build"
    assert set(jobs["deploy"]["needs"]) == {"build", "migrate"}, "the deploy must wait for (and stop on) migrate"
    assert jobs["verify"]["needs"] == "deploy"
    for caller, environment in (("deploy-dev.yml", "dev"), ("deploy-uat.yml", "uat"), ("deploy-prod.yml", "prod")):
        call = workflow(baked, caller)["jobs"]["deploy"]
        assert call["uses"] == "./.github/workflows/deploy.yml"
        assert call["with"] == {"environment": environment}
        assert call["needs"] == "ci", f"{caller} must deploy only what passed CI"


def test_the_migrate_step_gives_the_container_the_right_database_urls(baked):
    migrate = step(baked, "migrate", "Bootstrap the database")
    passed, command = container_command(migrate)
    assert command == ["python", "manage.py", "bootstrap"]
    assert set(passed) <= set(migrate["env"]), f"passed to the container but not set in the step: {passed}"
    assert "DATABASE_URL" in passed
    if baked.strategy == "rls":
        assert "DATABASE_OWNER_URL" in passed, "rls: bootstrap migrates as the owner and needs its URL"
        assert migrate["env"]["DATABASE_OWNER_URL"] == "${{ secrets.DATABASE_OWNER_URL }}"
    else:
        assert "DATABASE_OWNER_URL" not in passed


# --- run for real ----------------------------------------------------------------------------

# Run inside the baked venv: a fresh database on the bake's embedded server, and its URLs.
FRESH_DATABASE = """
import json, sys
import psycopg
from psycopg import sql
from config import dev_database
action, name = sys.argv[1:]
with psycopg.connect(dev_database.superuser_url(), autocommit=True) as conn:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
if action == "create":
    dev_database.ensure_database(name)
    print(json.dumps({variable: dev_database.role_url(role, name) for variable, role in dev_database.ROLES.items()}))
"""


@pytest.fixture
def fresh_database(baked):
    """{"DATABASE_URL": ...} (and DATABASE_OWNER_URL under rls) of a new, empty database."""
    name = "delivery_check"
    created = run([str(baked.python), "-c", FRESH_DATABASE, "create", name], cwd=baked.path)
    yield json.loads(created.stdout.strip().splitlines()[-1])
    run([str(baked.python), "-c", FRESH_DATABASE, "drop", name], cwd=baked.path)


def dockerfile_instructions(baked):
    """[(INSTRUCTION, arguments)] of the Dockerfile, continuation lines joined, comments left out."""
    lines = [line for line in (baked.path / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    return [tuple(line.strip().split(None, 1)) for line in joined.splitlines() if line.strip()]


def image_environment(baked):
    """The ENV of the Dockerfile's final stage (what every command in the image runs with)."""
    stages = []
    for instruction, arguments in dockerfile_instructions(baked):
        if instruction == "FROM":
            stages.append({})
        elif instruction == "ENV":
            stages[-1].update(token.split("=", 1) for token in shlex.split(arguments))
    return stages[-1]


def container_environment(baked, **variables):
    """The environment of a command in the image: the host's, minus any database URL, plus the
    image's ENV (but PATH: here, the baked venv stands in for the image's /opt/venv)."""
    environment = {key: value for key, value in os.environ.items() if key not in DATABASE_VARIABLES}
    environment.update({key: value for key, value in image_environment(baked).items() if key != "PATH"})
    environment.update(variables)
    return environment


def run_in_image(baked, command, env, timeout=300):
    """``command`` as the image runs it (python is the image's virtualenv), from the project folder."""
    executable = {"python": str(baked.python), "gunicorn": baked.tool("gunicorn")}[command[0]]
    return subprocess.run(
        [executable, *command[1:]], cwd=baked.path, env=env, capture_output=True, text=True, timeout=timeout
    )


def migrate_environment(baked, migrate_step, urls):
    """What the migrate step passes to the container, with this machine's database URLs."""
    passed, _ = container_command(migrate_step)
    values = {**SETTINGS_ONLY_ENV, **urls}
    unknown = [name for name in passed if name not in values]
    assert not unknown, f"the migrate step passes {unknown}: give this test a value for each"
    return container_environment(baked, **{name: values[name] for name in passed})


def test_the_migrate_command_builds_a_fresh_database_and_is_idempotent(baked, fresh_database):
    migrate = step(baked, "migrate", "Bootstrap the database")
    _, command = container_command(migrate)
    environment = migrate_environment(baked, migrate, fresh_database)

    for attempt in ("fresh database", "second run"):
        result = run_in_image(baked, command, environment)
        assert result.returncode == 0, f"{shlex.join(command)} ({attempt}):\n{result.stdout}\n{result.stderr}"
        assert "bootstrap: done" in result.stdout, result.stdout


def test_the_migrate_command_fails_loudly_on_an_unreachable_database(baked):
    migrate = step(baked, "migrate", "Bootstrap the database")
    _, command = container_command(migrate)
    unreachable = {name: UNREACHABLE_DATABASE for name in DATABASE_VARIABLES}
    environment = migrate_environment(baked, migrate, unreachable)

    result = run_in_image(baked, command, environment)

    assert result.returncode != 0, f"bootstrap succeeded against {UNREACHABLE_DATABASE}:\n{result.stdout}"
    assert re.search(r"bootstrap failed at step '[^']+'", result.stderr), result.stderr
    assert "127.0.0.1" in result.stderr, result.stderr


def bash_step(run_script, env, timeout=120):
    """A workflow run: step, as GitHub runs it with `shell: bash`."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", run_script],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_for_health(port, server, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited {server.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            # Not listening yet, or listening while the worker still boots (a read timeout).
            time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer /api/v1/health/ within {timeout}s:\n{log_path.read_text()}")


def test_the_image_builds_migrates_serves_and_passes_the_post_deploy_check(baked, fresh_database, tmp_path):
    """The Dockerfile's collectstatic, the migrate job, the image's CMD and HEALTHCHECK, then the
    deploy workflow's post-deploy check, each run as written (no Docker engine here)."""
    instructions = dockerfile_instructions(baked)
    static_root = str(tmp_path / "static")

    # Build: the Dockerfile's collectstatic, with its build-only values.
    [collect] = [arguments for instruction, arguments in instructions if "collectstatic" in arguments]
    tokens = shlex.split(collect.split("&&")[0])
    build_values = dict(token.split("=", 1) for token in tokens if re.match(r"^[A-Z_]+=", token))
    build_command = [token for token in tokens if not re.match(r"^[A-Z_]+=", token)]
    assert build_command == ["python", "manage.py", "collectstatic", "--noinput"]
    build = run_in_image(baked, build_command, container_environment(baked, STATIC_ROOT=static_root, **build_values))
    assert build.returncode == 0, f"collectstatic as the Dockerfile runs it:\n{build.stdout}\n{build.stderr}"

    # Release: the migrate job's command.
    migrate = step(baked, "migrate", "Bootstrap the database")
    _, command = container_command(migrate)
    migrated = run_in_image(baked, command, migrate_environment(baked, migrate, fresh_database))
    assert migrated.returncode == 0, f"{migrated.stdout}\n{migrated.stderr}"

    # Serve: the image's CMD, with the runtime role only (never the owner's URL).
    [cmd] = [json.loads(arguments) for instruction, arguments in instructions if instruction == "CMD"]
    port = free_port()
    web_environment = container_environment(
        baked,
        **{**SETTINGS_ONLY_ENV, "DATABASE_URL": fresh_database["DATABASE_URL"]},
        STATIC_ROOT=static_root,
        PORT=str(port),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
        GUNICORN_GRACEFUL_TIMEOUT="5",
    )
    log_path = tmp_path / "gunicorn.log"
    executable = baked.tool(cmd[0])
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [executable, *cmd[1:]],
            cwd=baked.path,
            env=web_environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_health(port, server, log_path)

        # The HEALTHCHECK: healthy while the server answers.
        [healthcheck] = [arguments for instruction, arguments in instructions if instruction == "HEALTHCHECK"]
        probe = json.loads(healthcheck.split(" CMD ", 1)[1])
        healthy = run_in_image(baked, probe, web_environment, timeout=30)
        assert healthy.returncode == 0, f"HEALTHCHECK against a running server:\n{healthy.stderr}"

        # The deploy workflow's post-deploy check, against this server.
        verify = step(baked, "verify", "Poll /api/v1/health/")
        checked = bash_step(
            verify["run"], {**verify["env"], "APP_URL": f"http://127.0.0.1:{port}", "RUNNER_TEMP": str(tmp_path)}
        )
        assert checked.returncode == 0, f"post-deploy check:\n{checked.stdout}\n{checked.stderr}"
        assert "health 200, ready 200" in checked.stdout, checked.stdout
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    unhealthy = run_in_image(baked, probe, {**web_environment, "PORT": str(free_port())}, timeout=30)
    assert unhealthy.returncode != 0, "the HEALTHCHECK passed with no server listening"


def test_the_post_deploy_check_gives_up_and_fails_after_its_retries(baked, tmp_path):
    verify = step(baked, "verify", "Poll /api/v1/health/")
    attempts, interval = int(verify["env"]["ATTEMPTS"]), int(verify["env"]["INTERVAL_SECONDS"])
    timeout_minutes = workflow(baked, "deploy.yml")["jobs"]["verify"]["timeout-minutes"]
    assert attempts * (interval + 2 * 10) < timeout_minutes * 60, "the retries must end before the job's timeout"

    environment = {"APP_URL": f"http://127.0.0.1:{free_port()}", "RUNNER_TEMP": str(tmp_path)}
    result = bash_step(verify["run"], {**environment, "ATTEMPTS": "2", "INTERVAL_SECONDS": "0"})

    assert result.returncode == 1, result.stdout + result.stderr
    assert "attempt 2/2: health no answer" in result.stdout, result.stdout
    assert "::error title=Post-deploy check failed::" in result.stdout, result.stdout


def test_the_deploy_refuses_to_run_without_a_deploy_command(baked, tmp_path):
    target = step(baked, "deploy", "Check that the environment says how to deploy")
    output = tmp_path / "github_output"
    output.touch()

    unset = bash_step(
        target["run"], {"ENVIRONMENT": "uat", "DEPLOY_COMMAND": "", "APP_URL": "", "GITHUB_OUTPUT": str(output)}
    )
    assert unset.returncode == 1, unset.stdout
    assert "has no variable DEPLOY_COMMAND, so nothing would be deployed" in unset.stdout, unset.stdout
    assert "has no variable APP_URL" in unset.stdout, unset.stdout

    configured = {"ENVIRONMENT": "uat", "DEPLOY_COMMAND": "deploy-it", "APP_URL": "https://uat.acme.io/"}
    result = bash_step(target["run"], {**configured, "GITHUB_OUTPUT": str(output)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert output.read_text() == "app-url=https://uat.acme.io\n"


def test_the_deploy_step_runs_the_command_and_fails_when_it_fails(baked, tmp_path):
    deploy = step(baked, "deploy", "Deploy the image")
    record = tmp_path / "deployed"
    image = "ghcr.io/acme/cloud@sha256:" + "0" * 64

    done = bash_step(deploy["run"], {"IMAGE": image, "DEPLOY_COMMAND": f'echo "$IMAGE" > {record}'})
    assert done.returncode == 0, done.stderr
    assert record.read_text() == f"{image}\n"

    for failing in ("false", "exit 3", "false | cat", "undefined_variable_use=$NOT_SET_ANYWHERE"):
        result = bash_step(deploy["run"], {"IMAGE": image, "DEPLOY_COMMAND": failing})
        assert result.returncode != 0, f"DEPLOY_COMMAND={failing!r} failed but the step succeeded"


def test_the_migrate_job_refuses_to_start_without_its_settings(baked):
    check = step(baked, "migrate", "Check that the environment has every setting")
    result = bash_step(check["run"], {"ENVIRONMENT": "prod"})
    assert result.returncode == 1, result.stdout
    expected = ["DATABASE_URL", "SECRET_KEY", "EMAIL_URL"] + (["DATABASE_OWNER_URL"] if baked.strategy == "rls" else [])
    for name in expected:
        assert f"has no secret {name}." in result.stdout, result.stdout
    for name in ("ALLOWED_HOSTS", "BASE_DOMAIN"):
        assert f"has no variable {name}." in result.stdout, result.stdout

    complete = {name: "set" for name in check["env"]}
    assert bash_step(check["run"], complete).returncode == 0


def test_compose_runs_bootstrap_once_before_the_web_server(baked):
    compose = yaml.safe_load((baked.path / "compose.yaml").read_text())
    services = compose["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "bootstrap"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    if baked.strategy == "rls":
        assert "DATABASE_OWNER_URL" in services["migrate"]["environment"]
        assert "DATABASE_OWNER_URL" not in services["web"]["environment"], "the web server never gets the owner"
        assert (
            services["migrate"]["environment"]["DATABASE_URL"]
            != services["migrate"]["environment"]["DATABASE_OWNER_URL"]
        )
