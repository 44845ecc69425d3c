"""The one writer of the public read model (``PublicRecord``).

``refresh(ids)`` rebuilds the rows of some incidents from their current state: for each
chunk of ids, one DELETE and one INSERT ... SELECT that builds every column at once (the
record, its list row, its CSV line, the filter columns, the search documents). A row is
made only for a published incident, so a record that stopped being public simply has
none. Every service calls it once, at the end of its transaction (``moderation.transition``,
``records.touch``, the import); nothing else writes the table. The kept counts follow
through triggers on the table, and the public version (the response cache's key) advances
in the same transaction whenever a public row was written or removed, and only then.

The rows are deleted and inserted rather than upserted: one statement trigger each for the
kept counts, where an upsert fires the insert and both update triggers.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice

from django.db import connection, transaction

from .csv_sql import CLAIM_COLUMNS_SQL, LINES_SQL
from .record_sql import RECORDS_SQL, SUMMARY_SQL
from .search import weighted

# The search document: the incident's full-text vector (public.search.SEARCH_VECTOR_SQL, over title,
# narrative, citations and preserved copies), and the title alone, which ranks matches.
# The title alone, folded and stemmed in the record's language: matches in the title rank
# first, by how often and how close together the words are (no unstemmed copy, whose shifted
# positions would make words far apart look adjacent).
TITLE_VECTOR = weighted("i.title", "A", unstemmed=False)

def _attributed(prefix: str, cast: str = "::int") -> str:
    """The ids (or codes) the record attributes with a status other than denied, from its
    ``attributions`` ("s:12:confirmed"): what a filter without an attribution qualifier matches."""
    return (f"ARRAY(SELECT DISTINCT split_part(a, ':', 2){cast} FROM unnest(rec.attributions) a "
            f"WHERE split_part(a, ':', 1) = '{prefix}' AND split_part(a, ':', 3) <> 'denied' ORDER BY 1)")


# What the writer builds each row from: the incident, its record and CSV line built in SQL
# (record_sql, csv_sql), and the record parsed once for the columns taken from it.
_BUILT_FROM = f"""FROM incidents_incident i
JOIN ({RECORDS_SQL.replace("%s", "%(ids)s")}) AS rec(id, line, attributions) ON rec.id = i.id
JOIN ({LINES_SQL.replace("%s", "%(ids)s")}) AS csv(id, line) ON csv.id = i.id
CROSS JOIN LATERAL (SELECT rec.line::jsonb AS r) AS parsed
WHERE i.id = ANY(%(ids)s) AND i.status = 'published'
"""
_CSV_LINE = f"csv.line || ',' || {CLAIM_COLUMNS_SQL}"

BUILD_SQL = f"""
INSERT INTO incidents_publicrecord (
    incident_id, public_id, published_at, incident_date, year, country, region, identification_mode, error_type,
    affected_minor, evidence, contributing_factors, system_ids, operator_ids, vendor_ids, technologies, outcome_types,
    attributions, reported_by, document, headline, record, summary, csv_line)
SELECT i.id, i.public_id, i.published_at, i.incident_date, extract(year FROM i.incident_date)::smallint, i.country, i.region,
    i.identification_mode, i.error_type, i.affected_minor, parsed.r->>'evidence_level', i.contributing_factors,
    {_attributed("s")}, {_attributed("op")}, {_attributed("v")}, {_attributed("t", "")},
    ARRAY(SELECT DISTINCT o.type FROM incidents_outcome o WHERE o.incident_id = i.id ORDER BY 1),
    rec.attributions,
    (SELECT p.id FROM incidents_partner p WHERE p.id = i.reported_by_id AND p.public_credit),
    i.search_vector, {TITLE_VECTOR},
    rec.line, {SUMMARY_SQL}, {_CSV_LINE}
{_BUILT_FROM}"""

# Each public incident's whole CSV line as the writer stores it (for tests and checks).
CSV_LINES_SQL = f"SELECT i.id, {_CSV_LINE} {_BUILT_FROM}"


def chunks(ids, size: int) -> Iterator[list]:
    ids = iter(ids)
    while chunk := list(islice(ids, size)):
        yield chunk


_deferring: ContextVar[bool] = ContextVar("deferring_counts", default=False)


@contextmanager
def deferred_counts():
    """Within an import's transaction: the kept counts of the rows ``refresh`` writes are added
    once, at the end, in one set-based statement, instead of by the count triggers batch after
    batch (each batch updating the same counter rows again: dead rows and time). Only for
    incidents new to the read model (the import's): a row replaced meanwhile is refused."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS wir_deferred_counts (incident_id bigint) ON COMMIT DROP")
        cursor.execute("SELECT set_config('registry.defer_counts', 'on', true)")
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('registry.defer_counts', 'off', true)")
        cursor.execute("SELECT incidents_publiccount_count_rows(ARRAY(SELECT incident_id FROM wir_deferred_counts))")
        cursor.execute("DROP TABLE wir_deferred_counts")


def refresh(incident_ids, chunk_size: int = 1000) -> int:
    """Rebuild the read model's rows of these incidents: a row for each public one, none for
    the rest. Return how many rows were written or removed (0 for a draft's change).

    Runs in the caller's transaction (or its own), so no reader sees a row missing."""
    changed = 0
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for chunk in chunks(dict.fromkeys(incident_ids), chunk_size):
            cursor.execute("DELETE FROM incidents_publicrecord WHERE incident_id = ANY(%s)", [chunk])
            if cursor.rowcount and _deferring.get():
                raise RuntimeError("Counts are deferred only for incidents new to the read model; this refresh replaced rows.")
            changed += cursor.rowcount
            cursor.execute(BUILD_SQL, {"ids": chunk})
            changed += cursor.rowcount
            if _deferring.get():
                cursor.execute("INSERT INTO wir_deferred_counts SELECT unnest(%s::bigint[])", [chunk])
        if changed:
            advance_public_version(cursor)
    return changed


def advance_public_version(cursor) -> None:
    """Advance the public version (the response cache key, Last-Modified) in the caller's
    transaction. Called only where public rows were written; a draft never reaches it."""
    cursor.execute("INSERT INTO incidents_publicversion (id, number, changed_at) VALUES (1, 1, clock_timestamp()) "
                   "ON CONFLICT (id) DO UPDATE SET number = incidents_publicversion.number + 1, "
                   "changed_at = greatest(incidents_publicversion.changed_at, clock_timestamp())")


def stored_record(incident_id: int) -> dict | None:
    """The stored public record of one incident (for its version snapshot), or None."""
    return stored_records([incident_id]).get(incident_id)


def stored_records(incident_ids) -> dict[int, dict]:
    """The stored public records of these incidents, {id: record}; a non-public one has none."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT incident_id, record FROM incidents_publicrecord WHERE incident_id = ANY(%s)", [list(incident_ids)])
        return {pk: json.loads(text) for pk, text in cursor.fetchall()}


def records_by_id(incident_ids) -> dict[int, str]:
    """Build the public record text of these public incidents now, without storing it: {id: JSON text}."""
    with connection.cursor() as cursor:
        cursor.execute(RECORDS_SQL, [list(incident_ids)])
        return {pk: line for pk, line, _attributions in cursor.fetchall()}
