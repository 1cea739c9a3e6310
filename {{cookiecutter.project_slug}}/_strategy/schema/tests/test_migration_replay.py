"""New migrations replayed as SQL into every tenant schema behind (tenancy/replay.py): equal to
what Django's executor makes (the template schema, which it migrated), the executor kept for
what cannot be replayed, failures named, a killed run resumed, a canary, flat round trips.

A tenant app of this test's own gets new migrations after its tenants exist, as a deploy does.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import migrations, models
from psycopg import sql

from {{ cookiecutter.project_slug }}.tenancy.models import BASE_SCHEMA
from {{ cookiecutter.project_slug }}.tenancy.replay import why_not_replayable

from .support import (
    PROJECT_DIR,
    autocommit_connection,
    database_admin_settings,
    database_environment,
    manage_py,
    recreate_database,
)
from .test_tenant_scale import schema_signature

APP = "replay_probe"
TENANTS = [f"t{index}" for index in range(6)]
# Each stage is a deploy: the app's models and its new migration.
INITIAL = (
    "    initial = True\n    dependencies = []\n"
    "    operations = [migrations.CreateModel(name='Item', fields=["
    "('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')), "
    "('name', models.CharField(max_length=50))])]\n",
    "class Item(models.Model):\n    name = models.CharField(max_length=50)\n",
)
SCHEMA_ONLY = (
    "    dependencies = [('replay_probe', '0001_initial')]\n"
    "    operations = [\n"
    "        migrations.AddField(model_name='item', name='code', field=models.CharField(db_index=True, default='', "
    "max_length=20)),\n"
    "        migrations.AlterField(model_name='item', name='name', "
    "field=models.CharField(max_length=100, unique=True)),\n"
    "        migrations.CreateModel(name='Label', fields=["
    "('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')), "
    "('text', models.CharField(max_length=20)), "
    "('item', models.ForeignKey(on_delete=models.deletion.CASCADE, to='replay_probe.item'))]),\n"
    "    ]\n",
    "class Item(models.Model):\n    name = models.CharField(max_length=100, unique=True)\n"
    "    code = models.CharField(max_length=20, default='', db_index=True)\n\n\n"
    "class Label(models.Model):\n    item = models.ForeignKey(Item, on_delete=models.CASCADE)\n"
    "    text = models.CharField(max_length=20)\n",
)
WITH_PYTHON = (
    "    dependencies = [('replay_probe', '0002_schema_only')]\n"
    "    operations = [\n"
    "        migrations.AddField(model_name='item', name='flag', field=models.BooleanField(default=False)),\n"
    "        migrations.RunPython(lambda apps, editor: apps.get_model('replay_probe', 'Item').objects.create("
    "name='made in python', flag=True)),\n"
    "    ]\n",
    SCHEMA_ONLY[1].replace("db_index=True)\n", "db_index=True)\n    flag = models.BooleanField(default=False)\n", 1),
)

# Run by manage.py shell: tenants made as create_tenant makes them.
CREATE_TENANTS = """
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

for slug in {slugs!r}:
    create_tenant(slug, slug)
"""


class Probe:
    """A database of its own whose tenants have this test's app, at its first migration."""

    def __init__(self, root, name, tenants=TENANTS):
        self.root, self.database, self.tenants = root, f"test_{name}", tenants
        app = root / APP
        (app / "migrations").mkdir(parents=True)
        (app / "__init__.py").write_text("")
        (app / "migrations" / "__init__.py").write_text("")
        (root / "replay_settings.py").write_text(
            "from config.settings.test import *  # noqa: F403\n"
            "from config.settings.test import INSTALLED_APPS, TENANT_APPS\n\n"
            f"INSTALLED_APPS = [*INSTALLED_APPS, {APP!r}]\nTENANT_APPS = [*TENANT_APPS, {APP!r}]\n"
        )
        self.deploy("0001_initial", INITIAL)
        recreate_database(self.database)
        self.env = {
            **database_environment(name),
            "DJANGO_SETTINGS_MODULE": "replay_settings",
            "PYTHONPATH": os.pathsep.join([str(root), str(PROJECT_DIR)]),
        }
        self.manage("bootstrap")
        self.manage("shell", "-c", CREATE_TENANTS.format(slugs=tenants))

    def deploy(self, name, stage):
        migration, models_source = stage
        (self.root / APP / "migrations" / f"{name}.py").write_text(
            f"from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n{migration}"
        )
        (self.root / APP / "models.py").write_text(f"from django.db import models\n\n\n{models_source}")

    def manage(self, *args, expect=0):
        result = manage_py(*args, **self.env)
        assert result.returncode == expect, result.stdout + result.stderr
        return result

    def connect(self):
        return autocommit_connection(database_admin_settings(), self.database)

    def behind(self):
        """The tenant schemas whose migration rows lack one of this app's migrations on disk."""
        expected = {path.stem for path in (self.root / APP / "migrations").glob("0*.py")}
        with self.connect() as conn:
            return [
                slug
                for slug in self.tenants
                if expected
                - {
                    row[0]
                    for row in conn.execute(
                        sql.SQL("SELECT name FROM {}.django_migrations WHERE app = %s").format(sql.Identifier(slug)),
                        [APP],
                    )
                }
            ]

    def assert_like_the_template(self, schemas=TENANTS):
        """Every schema what the executor made of the template schema, and recorded as current."""
        with self.connect() as conn:
            template = schema_signature(BASE_SCHEMA, conn)
            assert "'replay_probe_item'" in template
            for schema in schemas:
                assert schema_signature(schema, conn) == template, schema
            duplicates = conn.execute(
                "SELECT count(*) - count(DISTINCT (app, name)) FROM t0.django_migrations"
            ).fetchone()[0]
            assert duplicates == 0
            states = dict(conn.execute("SELECT schema_name, migration_state FROM tenancy_tenant").fetchall())
        expected = json.loads(self.manage("shell", "-c", STATE).stdout.strip().splitlines()[-1])
        assert {schema: states[schema] for schema in schemas} == dict.fromkeys(schemas, expected)


# The migration state this code records (the test process has no replay_probe app).
STATE = (
    "import json\n"
    "from {{ cookiecutter.project_slug }}.tenancy.diagnostics import current_migration_state\n"
    "print(json.dumps(current_migration_state()))"
)


@pytest.fixture
def probe(tmp_path, request):
    return Probe(tmp_path, f"replay_{request.function.__name__.removeprefix('test_')[:40]}")


def test_new_migrations_are_replayed_and_equal_what_the_executor_makes(probe):
    """A schema-only migration is replayed; one with Python code is left to the executor."""
    probe.deploy("0002_schema_only", SCHEMA_ONLY)
    result = probe.manage("bootstrap")
    assert f"{len(TENANTS)} schema(s) behind by 1 migration(s), replayed" in result.stdout, result.stdout
    assert probe.behind() == []
    probe.assert_like_the_template()
    probe.manage("check_tenancy")

    probe.deploy("0003_with_python", WITH_PYTHON)
    result = probe.manage("bootstrap")
    assert "by the executor: replay_probe.0003_with_python: RunPython" in result.stdout, result.stdout
    probe.assert_like_the_template()
    with probe.connect() as conn:
        for schema in TENANTS:
            made = sql.SQL("SELECT count(*) FROM {}.replay_probe_item WHERE flag").format(sql.Identifier(schema))
            assert conn.execute(made).fetchone() == (1,), schema


def test_a_failing_schema_is_named_and_the_next_run_resumes(probe):
    """t2 cannot take the new column: it alone is rolled back and named; the others are replayed,
    those after it included; once fixed, the next run replays t2 only."""
    probe.deploy("0002_schema_only", SCHEMA_ONLY)
    with probe.connect() as conn:
        conn.execute("ALTER TABLE t2.replay_probe_item ADD COLUMN code integer")
    result = probe.manage("bootstrap", expect=1)
    assert "1 of 6 tenant schema(s) behind could not be migrated" in result.stderr, result.stderr
    assert 't2: ProgrammingError: column "code" of relation "replay_probe_item" already exists' in result.stderr
    assert probe.behind() == ["t2"]
    probe.assert_like_the_template([schema for schema in TENANTS if schema != "t2"])
    with probe.connect() as conn:
        conn.execute("ALTER TABLE t2.replay_probe_item DROP COLUMN code")
    result = probe.manage("bootstrap")
    assert "1 schema(s) behind by 1 migration(s), replayed" in result.stdout, result.stdout
    probe.assert_like_the_template()


def test_a_killed_bootstrap_resumes_where_it_stopped(probe):
    """Killed (and its database session with it) while t3's transaction waits: t0 to t2 stay
    replayed and recorded, t3 onwards stay as they were, and the next run finishes them."""
    probe.deploy("0002_schema_only", SCHEMA_ONLY)
    with probe.connect() as blocker, probe.connect() as watcher:
        blocker.execute("BEGIN")
        blocker.execute("LOCK TABLE t3.replay_probe_item IN ACCESS EXCLUSIVE MODE")
        bootstrap = subprocess.Popen(
            [sys.executable, "manage.py", "bootstrap"],
            cwd=PROJECT_DIR,
            env={**os.environ, **probe.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 90
            waiting = None
            while waiting is None and bootstrap.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
                waiting = watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE 'BEGIN;%%'"
                ).fetchone()
            assert waiting, "bootstrap never reached t3"
        finally:
            bootstrap.send_signal(signal.SIGKILL)
            bootstrap.wait(timeout=30)
        watcher.execute("SELECT pg_terminate_backend(%s)", waiting)
        blocker.execute("ROLLBACK")
    assert probe.behind() == ["t3", "t4", "t5"]
    probe.assert_like_the_template(["t0", "t1", "t2"])
    result = probe.manage("bootstrap")
    assert "3 schema(s) behind by 1 migration(s), replayed" in result.stdout, result.stdout
    probe.assert_like_the_template()


def test_a_canary_stops_at_the_first_failure(probe):
    """--canary 3: t0 is replayed, t1 fails, and nothing else is touched."""
    probe.deploy("0002_schema_only", SCHEMA_ONLY)
    with probe.connect() as conn:
        conn.execute("ALTER TABLE t1.replay_probe_item ADD COLUMN code integer")
    result = probe.manage("bootstrap", "--canary", "3", expect=1)
    assert "canary t1 could not be migrated: ProgrammingError: column" in result.stderr, result.stderr
    assert "The other 4 schema(s) still behind were not touched" in result.stderr
    assert probe.behind() == ["t1", "t2", "t3", "t4", "t5"]
    probe.assert_like_the_template(["t0"])
    with probe.connect() as conn:
        conn.execute("ALTER TABLE t1.replay_probe_item DROP COLUMN code")
    probe.manage("bootstrap", "--canary", "2")
    probe.assert_like_the_template()
    assert "--canary must be 0 or more" in probe.manage("bootstrap", "--canary", "-1", expect=1).stderr


# Run by manage.py shell: bootstrap's steps, the tenant step's statements counted.
COUNT_TENANT_STEP = """
from django.db import connection
from django.test.utils import CaptureQueriesContext
from {{ cookiecutter.project_slug }}.tenancy.bootstrap import bootstrap_steps

steps = bootstrap_steps()
for _name, before in steps[:-1]:  # the template schema first, as bootstrap does
    before(verbosity=0)
step = dict(steps)["tenant migrations (every tenant schema)"]
with CaptureQueriesContext(connection) as queries:
    step(verbosity=0)
print(len(queries.captured_queries))
"""


def test_replay_round_trips_do_not_grow_with_the_schemas_behind(tmp_path):
    """The same statements for 6 schemas behind as for 2: one batch, whatever the count."""
    counts = []
    for tenants in (TENANTS[:2], TENANTS):
        probe = Probe(tmp_path / f"{len(tenants)}-behind", f"replay_round_trips_{len(tenants)}", tenants=tenants)
        probe.deploy("0002_schema_only", SCHEMA_ONLY)
        result = probe.manage("shell", "-c", COUNT_TENANT_STEP)
        assert f"{len(tenants)} schema(s) behind by 1 migration(s), replayed" in result.stdout, result.stdout
        counts.append(int(result.stdout.strip().splitlines()[-1]))
        probe.assert_like_the_template(tenants)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 40, counts


@pytest.mark.parametrize(
    ("operation", "why"),
    [
        (migrations.RunPython(migrations.RunPython.noop), "RunPython"),
        (migrations.RunSQL("UPDATE x SET y = 1"), "RunSQL"),
        (migrations.SeparateDatabaseAndState(), "SeparateDatabaseAndState"),
        (
            migrations.AddField("item", "made", models.DateTimeField(default=time.time)),
            "its default is computed in Python",
        ),
    ],
)
def test_what_only_the_executor_may_run(operation, why):
    migration = migrations.Migration("0002_x", "app")
    migration.operations = [migrations.AddField("item", "code", models.CharField(max_length=5, default="")), operation]
    assert why in why_not_replayable(migration)
    migration.operations = migration.operations[:1]
    assert why_not_replayable(migration) is None
    migration.atomic = False
    assert why_not_replayable(migration) == "it is not atomic"
