"""Free-text search now covers the names and aliases of systems, vendors and operators, and
the region and city: every published record's search vector is out of date.

Literal SQL only: the vectors are cleared here and ``after_migrate``
(incidents/public/rebuild.py) computes them again, with the read-model rows, once the last
migration has run.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0024_rebuild_public_records"),
    ]

    operations = [
        migrations.RunSQL("UPDATE incidents_incident SET search_vector = NULL WHERE status = 'published';", migrations.RunSQL.noop),
    ]
