"""One public read model: the facts row of each public incident also holds its stored
record, list row and CSV line (until now three columns on the incident row).

Literal SQL only (migrations never import the app's code). The texts are copied across in
one statement, newest first (the order exports read them in), with the kept-count triggers
paused: the copy changes no counted column, and firing them would rewrite every count row
once per incident. Rows a later build left without texts are built after the migration
(incidents/rebuild.py, on post_migrate).
"""

from django.db import migrations, models

# A record that stops being public leaves the read model at once, whatever path changed its
# status, and that is a public change: the public version advances with it.
UNPUBLISH_SQL = """
CREATE OR REPLACE FUNCTION incidents_publicfacts_unpublish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM incidents_publicrecord WHERE incident_id = NEW.id;
    IF FOUND THEN
        INSERT INTO incidents_publicversion (id, number, changed_at) VALUES (1, 1, clock_timestamp())
        ON CONFLICT (id) DO UPDATE SET number = incidents_publicversion.number + 1,
            changed_at = greatest(incidents_publicversion.changed_at, clock_timestamp());
    END IF;
    RETURN NULL;
END $$;
"""
UNPUBLISH_UNDO = """
CREATE OR REPLACE FUNCTION incidents_publicfacts_unpublish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM incidents_publicfacts WHERE incident_id = NEW.id;
    RETURN NULL;
END $$;
"""

# The texts are read whole and often (a detail, a page of list rows, an export): stored out
# of line uncompressed, as the incident's stored record was, so a read is a plain fetch.
# The row itself stays narrow (toast_tuple_target 128, migration 0008) for counts and filters.
COPY_SQL = """
ALTER TABLE incidents_publicrecord ALTER COLUMN record SET STORAGE EXTERNAL;
ALTER TABLE incidents_publicrecord ALTER COLUMN summary SET STORAGE EXTERNAL;
ALTER TABLE incidents_publicrecord ALTER COLUMN csv_line SET STORAGE MAIN;
ALTER TABLE incidents_publicrecord DISABLE TRIGGER incidents_publiccount_update_old;
ALTER TABLE incidents_publicrecord DISABLE TRIGGER incidents_publiccount_update_new;
UPDATE incidents_publicrecord r SET public_id = i.public_id, record = i.public_json, summary = i.public_summary, csv_line = i.public_csv
FROM incidents_incident i WHERE i.id = r.incident_id;
DELETE FROM incidents_publicrecord WHERE record IS NULL OR summary IS NULL OR csv_line IS NULL;
ALTER TABLE incidents_publicrecord ENABLE TRIGGER incidents_publiccount_update_old;
ALTER TABLE incidents_publicrecord ENABLE TRIGGER incidents_publiccount_update_new;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0018_clear_contact_action"),
    ]

    operations = [
        migrations.RenameModel("PublicFacts", "PublicRecord"),
        migrations.AlterField(
            model_name="publicrecord", name="incident",
            field=models.OneToOneField(on_delete=models.deletion.CASCADE, primary_key=True, related_name="public_record",
                                       serialize=False, to="incidents.incident"),
        ),
        migrations.RunSQL(UNPUBLISH_SQL, UNPUBLISH_UNDO),
        migrations.AddField("publicrecord", "public_id", models.CharField(max_length=20, null=True)),
        migrations.AddField("publicrecord", "record", models.TextField(null=True)),
        migrations.AddField("publicrecord", "summary", models.TextField(null=True)),
        migrations.AddField("publicrecord", "csv_line", models.TextField(null=True)),
        migrations.RunSQL(COPY_SQL, migrations.RunSQL.noop),
        migrations.AlterField("publicrecord", "public_id", models.CharField(max_length=20, unique=True)),
        migrations.AlterField("publicrecord", "record", models.TextField()),
        migrations.AlterField("publicrecord", "summary", models.TextField()),
        migrations.AlterField("publicrecord", "csv_line", models.TextField()),
        migrations.RemoveField("incident", "public_json"),
        migrations.RemoveField("incident", "public_summary"),
        migrations.RemoveField("incident", "public_csv"),
    ]
