"""Rewrite the public read model after 0019 filled its new columns on every row.

The fill left a dead copy of every row; the rewrite cannot run in 0019's transaction, so
it is a migration of its own, writing rows newest first, the order lists read them in.
The incident table lost three wide columns; it is rewritten too.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0019_public_record"),
    ]

    operations = [
        migrations.RunSQL("CLUSTER incidents_publicrecord USING facts_newest", migrations.RunSQL.noop),
        migrations.RunSQL("CLUSTER incidents_incident USING incident_public_order", migrations.RunSQL.noop),
    ]
