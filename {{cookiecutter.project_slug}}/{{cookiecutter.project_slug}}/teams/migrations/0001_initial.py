from django.db import migrations


class Migration(migrations.Migration):
    """The app's first migration: what its later ones depend on."""

    initial = True

    dependencies = [
        ('tenancy', '0001_initial'),
    ]

    operations = []
