"""Rewrite the incidents table after 0010 and 0013 filled two new columns on every
published row.

Each fill left a dead copy of every row behind: at 100,000 incidents the table was four
times its size (478 MB), and exports read it. The rewrite cannot run in the filling
migration's own transaction (the dead copies are still its own), so it is a migration of
its own.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0013_stored_csv_line"),
    ]

    operations = [
        migrations.RunSQL("CLUSTER incidents_incident USING incidents_incident_pkey", migrations.RunSQL.noop),
    ]
