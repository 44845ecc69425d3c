"""The CSV lines now neutralise formula-like cells (exports._field); empty the stored ones so
``incidents/rebuild.py`` builds them again after the migration (literal SQL only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0016_version_time_kept"),
    ]

    operations = [
        migrations.RunSQL("UPDATE incidents_incident SET public_csv = NULL WHERE public_csv IS NOT NULL", migrations.RunSQL.noop),
    ]
