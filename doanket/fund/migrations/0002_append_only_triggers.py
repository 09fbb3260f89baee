"""On PostgreSQL, posted rows cannot be changed or deleted, even by raw SQL."""

from django.db import migrations

TABLES = ("fund_posting", "fund_entry", "fund_receipt")

CREATE = """
CREATE OR REPLACE FUNCTION fund_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Sổ quỹ chỉ được ghi thêm: không sửa, không xóa %% (bảng %%)',
    TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION fund_refuse_change()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS fund_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
