"""The public record gained ``deployment`` and ``reported_by``, and the CSV line gained the
``reported_by``, ``deployment`` and name columns: every stored read-model row is out of date.

Literal SQL only: the rows are removed here (the kept counts follow through their
triggers), and ``after_migrate`` (incidents/public/rebuild.py) builds every published
record's row again with the current code as soon as the last migration has run.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0023_deployments"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM incidents_publicrecord;", migrations.RunSQL.noop),
    ]
