"""Make the moderation history and the public versions append-only in the database.

A trigger refuses UPDATE and DELETE on both tables, whoever asks: the ORM, the admin
or a raw SQL statement.
"""

from django.db import migrations

TABLES = ["incidents_moderationevent", "incidents_incidentversion"]

FUNCTION = """
CREATE OR REPLACE FUNCTION registry_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def trigger_sql(table):
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION registry_refuse_history_change();"
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS registry_refuse_history_change();"),
        *[migrations.RunSQL(trigger_sql(t), f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};") for t in TABLES],
    ]
