"""The privacy officer's role, a group like the other four."""

from django.db import migrations

NAME = "Privacy officer"


def create(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=NAME)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_manager_manages_accounts")]

    operations = [migrations.RunPython(create, remove)]
