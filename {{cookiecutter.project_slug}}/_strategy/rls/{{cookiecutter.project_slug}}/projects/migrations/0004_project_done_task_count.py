from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_tenant_led_indexes")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="done_task_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
