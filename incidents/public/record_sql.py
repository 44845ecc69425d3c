"""The public record and its list row in SQL, for the read model (``store.refresh``).

``format.record_from_row`` is the definition of a record's shape; this module writes the
same shape in SQL so the store can build a chunk of records in one statement, and
``tests/incidents/public/test_record_sql.py`` holds the two equal on every record of a
varied set, so they cannot drift apart.

Each related table is aggregated (``GROUP BY incident_id``) over one chunk of ids at a
time, then joined and ordered by the ids' position in the chunk.
"""

from ..evidence import OFFICIAL, REPORTED, EvidenceLevel
from .format import SCHEMA_ID


def _partial_date(column: str, precision: str) -> str:
    return (f"CASE WHEN {column} IS NULL THEN NULL WHEN {precision} = 'year' THEN to_char({column}, 'YYYY') "
            f"WHEN {precision} = 'month' THEN to_char({column}, 'YYYY-MM') ELSE to_char({column}, 'YYYY-MM-DD') END")


def _timestamp(column: str) -> str:
    # The same text as Python's isoformat(timespec="microseconds") on a UTC datetime.
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"


def _in(values) -> str:
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in sorted(values)) + ")"


RECORDS_SQL = f"""
WITH ids AS MATERIALIZED (SELECT t.id, t.ord FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(id, ord)),
sys AS (
    SELECT l.incident_id, json_agg(json_build_object(
        'slug', s.slug, 'name', s.name, 'technology', s.technology, 'aliases', to_json(s.aliases),
        'vendor', CASE WHEN v.id IS NULL THEN NULL ELSE json_build_object('slug', v.slug, 'name', v.name) END
    ) ORDER BY s.name, s.id) AS j
    FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id
    LEFT JOIN incidents_organization v ON v.id = s.vendor_id
    WHERE l.incident_id IN (SELECT id FROM ids) GROUP BY l.incident_id
),
ops AS (
    SELECT l.incident_id, json_agg(json_build_object(
        'slug', o.slug, 'name', o.name, 'kind', o.kind, 'country', NULLIF(o.country, '')
    ) ORDER BY o.name, o.id) AS j
    FROM incidents_incident_operators l JOIN incidents_organization o ON o.id = l.organization_id
    WHERE l.incident_id IN (SELECT id FROM ids) GROUP BY l.incident_id
),
srcpos AS (
    SELECT l.incident_id, l.source_id, l.position, l.id, l.title, l.publisher, l.published_date, l.date_precision,
           l.language, l.source_type,
           (row_number() OVER (PARTITION BY l.incident_id ORDER BY l.position, l.id) - 1) AS pos
    FROM incidents_incidentsource l WHERE l.incident_id IN (SELECT id FROM ids)
),
src AS (
    SELECT p.incident_id,
        json_agg(json_build_object(
            'url', NULLIF(s.url, ''), 'title', p.title, 'publisher', p.publisher,
            'published_date', {_partial_date("p.published_date", "p.date_precision")},
            'language', p.language, 'source_type', p.source_type,
            'preservation', CASE WHEN c.id IS NULL AND s.dead_since IS NULL THEN NULL ELSE json_build_object(
                'status', CASE WHEN s.dead_since IS NOT NULL THEN 'dead' WHEN s.changed_at IS NOT NULL THEN 'changed' ELSE 'preserved' END,
                'retrieved_at', c.fetched_at, 'http_status', c.http_status, 'final_url', NULLIF(c.final_url, ''),
                'content_type', NULLIF(c.content_type, ''), 'sha256', NULLIF(c.sha256, ''),
                'copy', CASE WHEN c.id IS NULL THEN NULL ELSE '/sources/' || s.id || '/preserved/' END,
                'dead_since', s.dead_since, 'changed_since', s.changed_at) END
        ) ORDER BY p.position, p.id) AS j,
        bool_or(p.source_type IN {_in(OFFICIAL)}) AS official,
        bool_or(p.source_type IN {_in(REPORTED)}) AS reported
    FROM srcpos p JOIN incidents_source s ON s.id = p.source_id
    LEFT JOIN incidents_sourcecapture c ON c.id = s.preserved_id
    GROUP BY p.incident_id
),
osrc AS (
    SELECT os.outcome_id, count(*) AS n,
           coalesce(json_agg(p.pos ORDER BY p.pos) FILTER (WHERE p.pos IS NOT NULL), '[]'::json) AS positions
    FROM incidents_outcome_sources os JOIN incidents_outcome o ON o.id = os.outcome_id
    LEFT JOIN srcpos p ON p.incident_id = o.incident_id AND p.source_id = os.source_id
    WHERE o.incident_id IN (SELECT id FROM ids) GROUP BY os.outcome_id
),
outc AS (
    SELECT o.incident_id, json_agg(json_build_object(
        'type', o.type, 'date', {_partial_date("o.date", "o.date_precision")}, 'detail', o.detail, 'days', o.days,
        'amount', o.amount, 'currency', NULLIF(o.currency, ''),
        'sources', coalesce(x.positions, '[]'::json), 'single_source', coalesce(x.n, 0) = 1
    ) ORDER BY o.position, o.id) AS j
    FROM incidents_outcome o LEFT JOIN osrc x ON x.outcome_id = o.id
    WHERE o.incident_id IN (SELECT id FROM ids) GROUP BY o.incident_id
)
SELECT i.id, json_build_object(
    'schema', '{SCHEMA_ID}', 'public_id', i.public_id, 'version', i.version, 'title', i.title, 'narrative', i.narrative, 'language', i.language,
    'incident_date', {_partial_date("i.incident_date", "i.date_precision")}, 'date_precision', i.date_precision,
    'country', i.country, 'region', i.region, 'city', i.city,
    'systems', coalesce(sys.j, '[]'::json), 'operators', coalesce(ops.j, '[]'::json),
    'identification_mode', i.identification_mode, 'error_type', i.error_type,
    'contributing_factors', to_json(i.contributing_factors), 'reference_database', NULLIF(i.reference_database, ''),
    'human_review', i.human_review, 'sole_basis', i.sole_basis, 'external_ids', to_json(i.external_ids),
    'evidence_level', CASE WHEN src.official THEN '{EvidenceLevel.OFFICIAL_RECORD.value}'
                           WHEN src.reported THEN '{EvidenceLevel.REPORTED.value}' ELSE '{EvidenceLevel.TESTIMONY_ONLY.value}' END,
    'affected', json_build_object('count', i.affected_count, 'has_minor', i.affected_minor,
        'name', CASE WHEN i.affected_name_public AND i.affected_minor IS NOT TRUE THEN NULLIF(i.affected_name, '') END),
    'sources', coalesce(src.j, '[]'::json), 'outcomes', coalesce(outc.j, '[]'::json),
    'deployment', (SELECT dp.id FROM incidents_deployment dp WHERE dp.id = i.deployment_id AND dp.status = 'published'),
    'reported_by', CASE WHEN rp.id IS NULL THEN NULL ELSE json_build_object(
        'slug', rp.slug, 'name', coalesce(NULLIF(rp.credit_line, ''), rp.name), 'url', NULLIF(rp.website, '')) END,
    'published_at', {_timestamp("i.published_at")}, 'updated_at', {_timestamp("i.updated_at")}
)::text
FROM incidents_incident i JOIN ids ON ids.id = i.id
LEFT JOIN sys ON sys.incident_id = i.id LEFT JOIN ops ON ops.incident_id = i.id
LEFT JOIN src ON src.incident_id = i.id LEFT JOIN outc ON outc.incident_id = i.id
LEFT JOIN incidents_partner rp ON rp.id = i.reported_by_id AND rp.public_credit
WHERE i.status = 'published'
ORDER BY ids.ord
"""


def _names(key):
    return (f"(SELECT coalesce(jsonb_agg(jsonb_build_object('slug', x->'slug', 'name', x->'name') ORDER BY n), '[]')"
            f" FROM jsonb_array_elements(r->'{key}') WITH ORDINALITY AS e(x, n))")


# The list row of a public record ``r`` (jsonb), in SQL: format.summary_record, which tests
# hold it equal to. Outcome types once each, in the order of their first outcome.
SUMMARY_SQL = f"""
jsonb_build_object(
    'public_id', r->'public_id', 'title', r->'title', 'incident_date', r->'incident_date',
    'date_precision', r->'date_precision', 'country', r->'country', 'region', r->'region', 'city', r->'city',
    'systems', {_names('systems')}, 'operators', {_names('operators')},
    'identification_mode', r->'identification_mode', 'error_type', r->'error_type',
    'outcome_types', (SELECT coalesce(jsonb_agg(t ORDER BY first), '[]') FROM
        (SELECT o->'type' AS t, min(n) AS first FROM jsonb_array_elements(r->'outcomes') WITH ORDINALITY AS e(o, n) GROUP BY o->'type') AS types),
    'evidence_level', r->'evidence_level', 'has_minor', r->'affected'->'has_minor',
    'version', r->'version', 'published_at', r->'published_at')::text"""
