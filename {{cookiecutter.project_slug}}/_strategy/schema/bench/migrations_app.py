"""A generated tenant app with many migrations (one model, one field added per migration), to
show how tenant creation and migrating grow with a project's migration history; and a new
migration for it, to time migrating many schemas."""

from pathlib import Path

APP = "bench_migrations_app"


def write(root, migrations=40):
    """Write the app under ``root`` (a folder on PYTHONPATH); returns its import name."""
    app = Path(root) / APP
    (app / "migrations").mkdir(parents=True, exist_ok=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    fields = "\n".join(f'    f{n} = models.CharField(max_length=20, default="")' for n in range(1, migrations + 1))
    (app / "models.py").write_text(f"from django.db import models\n\n\nclass Wide(models.Model):\n{fields}\n")
    (app / "migrations" / "0001_initial.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n"
        "    operations = [migrations.CreateModel(name='Wide', fields=[('id', models.BigAutoField("
        "auto_created=True, primary_key=True, serialize=False, verbose_name='ID'))])]\n"
    )
    for n in range(1, migrations + 1):
        previous = f"{n:04d}_" + ("initial" if n == 1 else f"f{n - 1}")
        (app / "migrations" / f"{n + 1:04d}_f{n}.py").write_text(
            "from django.db import migrations, models\n\n\n"
            f"class Migration(migrations.Migration):\n    dependencies = [('{APP}', '{previous}')]\n"
            f"    operations = [migrations.AddField(model_name='wide', name='f{n}', "
            "field=models.CharField(default='', max_length=20))]\n"
        )
    return APP


def add_indexed_field(root, name="code"):
    """A new migration, as a deploy brings: an indexed field ``name`` added to the model that
    ``write`` made, after the app's latest migration."""
    app = Path(root) / APP
    latest = sorted(path.stem for path in (app / "migrations").glob("[0-9]*.py"))[-1]
    field = f'    {name} = models.CharField(max_length=20, default="", db_index=True)\n'
    (app / "models.py").write_text((app / "models.py").read_text() + field)
    (app / "migrations" / f"{int(latest[:4]) + 1:04d}_{name}.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('{APP}', '{latest}')]\n"
        f"    operations = [migrations.AddField(model_name='wide', name='{name}', "
        "field=models.CharField(db_index=True, default='', max_length=20))]\n"
    )
