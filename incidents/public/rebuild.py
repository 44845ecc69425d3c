"""Rebuild the public copies of published records from the app's current code.

Migrations never import the app's code (an old database must always migrate forward), so
they only change the schema; the read-model rows (``PublicRecord``, and so the kept
counts) and search vectors of published records that lack them are built here,
once every migration has run (``after_migrate``, connected to ``post_migrate``), or on
demand by ``manage.py rebuild_public``.
"""

from django.db import connections, transaction

from .search import refresh_search_vectors
from .store import refresh

STALE_SQL = """
SELECT i.id FROM incidents_incident i
WHERE i.status = 'published' AND (i.search_vector IS NULL
      OR NOT EXISTS (SELECT 1 FROM incidents_publicrecord r WHERE r.incident_id = i.id))
ORDER BY i.id
"""


def stale_ids(using: str = "default") -> list[int]:
    """The published records some public copy is missing for."""
    with connections[using].cursor() as cursor:
        cursor.execute(STALE_SQL)
        return [row[0] for row in cursor.fetchall()]


def rebuild(ids, progress=None, chunk_size: int = 1000) -> int:
    """Rebuild every public copy of these records, one transaction per chunk."""
    ids = list(ids)
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start:start + chunk_size]
        with transaction.atomic():
            refresh_search_vectors(chunk)
            refresh(chunk)
        if progress:
            progress(start + len(chunk))
    return len(ids)


def fully_migrated(using: str = "default") -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def after_migrate(sender, using="default", verbosity=1, **kwargs):
    """Fill what the migrations left empty, once the database is at the latest migration."""
    if not fully_migrated(using):
        return
    ids = stale_ids(using)
    if ids:
        rebuild(ids)
        if verbosity:
            print(f"  Rebuilt the public copies of {len(ids)} published records.")
