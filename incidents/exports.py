"""Streaming exports of any filtered set of public incidents, in constant memory.

CSV rows are written by PostgreSQL's COPY; JSON Lines come whole from PostgreSQL (record_sql.py), in the public record format.
"""

import csv
from collections.abc import Iterator

CSV_COLUMNS = [
    ("public_id", "The registry's stable id, e.g. WIR-2026-0001."),
    ("url", "The incident's public page."),
    ("title", "Short neutral title."),
    ("incident_date", "When it happened, as precisely as known: YYYY, YYYY-MM or YYYY-MM-DD."),
    ("country", "ISO 3166-1 alpha-2 code."),
    ("region", "State, province or region."),
    ("city", "City or place."),
    ("systems", "Slugs of the identification systems involved, separated by '; '."),
    ("vendors", "Slugs of the systems' vendors, separated by '; '."),
    ("operators", "Slugs of the agencies or companies that acted, separated by '; '."),
    ("identification_mode", "investigative_search, live_search, verification, record_lookup or unknown."),
    ("error_type", "false_match, false_non_match, wrong_record, outdated_reference or other."),
    ("contributing_factors", "Contributing factors, separated by '; '."),
    ("reference_database", "The database searched, where known."),
    ("human_review", "true if a human examiner reviewed the match; empty if unknown."),
    ("sole_basis", "true if the match was the sole basis for action; empty if unknown."),
    ("affected_count", "Number of people affected, where known."),
    ("has_minor", "true if a minor is among them; empty if unknown."),
    ("outcomes", "Outcome types in order, separated by '; '."),
    ("detention_days", "Total days of detention given by the outcomes, where known."),
    ("source_count", "Number of sources."),
    ("source_urls", "Source URLs, separated by ' | '."),
    ("version", "Version number of the record."),
    ("published_at", "First publication time (ISO 8601, UTC)."),
]
CSV_HEADER = [name for name, _ in CSV_COLUMNS]


class _Echo:
    def write(self, value):
        return value


CSV_SQL = """
SELECT i.public_id, %s || '/incidents/' || i.public_id || '/', i.title,
    CASE WHEN i.incident_date IS NULL THEN NULL WHEN i.date_precision = 'year' THEN to_char(i.incident_date, 'YYYY')
         WHEN i.date_precision = 'month' THEN to_char(i.incident_date, 'YYYY-MM') ELSE to_char(i.incident_date, 'YYYY-MM-DD') END,
    i.country, NULLIF(i.region, ''), NULLIF(i.city, ''), sy.slugs, sy.vendors, op.slugs,
    i.identification_mode, i.error_type, NULLIF(array_to_string(i.contributing_factors, '; '), ''), NULLIF(i.reference_database, ''),
    i.human_review::text, i.sole_basis::text, i.affected_count, i.affected_minor::text, oc.types, oc.days, so.n, so.urls, i.version, {published}
FROM (SELECT b.id, row_number() OVER () AS ord FROM ({base}) AS b) AS ids
JOIN incidents_incident i ON i.id = ids.id
LEFT JOIN LATERAL (
    SELECT string_agg(s.slug, '; ' ORDER BY s.slug) AS slugs, string_agg(DISTINCT v.slug, '; ') AS vendors
    FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id
    LEFT JOIN incidents_organization v ON v.id = s.vendor_id WHERE l.incident_id = i.id) AS sy ON true
LEFT JOIN LATERAL (
    SELECT string_agg(o.slug, '; ' ORDER BY o.slug) AS slugs
    FROM incidents_incident_operators l JOIN incidents_organization o ON o.id = l.organization_id WHERE l.incident_id = i.id) AS op ON true
LEFT JOIN LATERAL (
    SELECT string_agg(o.type, '; ' ORDER BY o.position, o.id) AS types, sum(o.days) AS days
    FROM incidents_outcome o WHERE o.incident_id = i.id) AS oc ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n, string_agg(s.url, ' | ' ORDER BY l.position, l.id) AS urls
    FROM incidents_incidentsource l JOIN incidents_source s ON s.id = l.source_id WHERE l.incident_id = i.id) AS so ON true
ORDER BY ids.ord
"""


def csv_rows(queryset, site_url: str = "") -> Iterator[bytes]:
    """Yield the CSV: the header, then blocks of rows written by PostgreSQL's COPY.

    The same columns in the same form as CSV_COLUMNS says (empty for unknown, true/false,
    '; '-joined lists). COPY formats and quotes the rows itself, which is what makes a
    100,000-row export take seconds; ``queryset`` decides which rows and their order.
    """
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    header = csv.writer(_Echo(), lineterminator="\n").writerow(CSV_HEADER)
    yield header.encode()
    try:
        base, params = queryset.values("id").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (e.g. an impossible value): just the header
        return
    published = "to_char(i.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
    sql = CSV_SQL.format(base=base, published=published)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", [site_url, *params]) as copy:
        # COPY sends one message per row: gather them into larger blocks here, once.
        buffer, size = [], 0
        for block in copy:
            buffer.append(block)
            size += len(block)
            if size >= 256 * 1024:
                yield b"".join(buffer)
                buffer, size = [], 0
        if buffer:
            yield b"".join(buffer)


def jsonl_rows(queryset) -> Iterator[str]:
    """Yield one JSON line per incident in the public record format, built by PostgreSQL."""
    from .record_sql import json_lines

    return json_lines(queryset)


def batched(lines: Iterator[str | bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Join small lines into larger chunks: fewer writes to the socket."""
    buffer, length = [], 0
    for line in lines:
        if isinstance(line, bytes) and len(line) >= size and not buffer:
            yield line  # already a large block
            continue
        buffer.append(line.encode() if isinstance(line, str) else line)
        length += len(line)
        if length >= size:
            yield b"".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield b"".join(buffer)
