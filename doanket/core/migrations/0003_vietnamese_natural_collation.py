from django.db import migrations

CREATE = (
    'CREATE COLLATION IF NOT EXISTS "vi-natural" '
    "(provider = icu, locale = 'vi-VN-u-kn-true')"
)
DROP = 'DROP COLLATION IF EXISTS "vi-natural"'


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """Vietnamese order with numbers compared as numbers; SQLite gets the same collation
    from the app at connection time."""

    dependencies = [("core", "0002_notification")]

    operations = [migrations.RunPython(create, drop)]
