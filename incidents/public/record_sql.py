"""The public record and its list row in SQL, for the read model (``store.refresh``).

``format.record_from_row`` is the definition of a record's shape; this module writes the
same shape in SQL so the store can build a chunk of records in one statement, and
``tests/incidents/public/test_record_sql.py`` holds the two equal on every record of a
varied set, so they cannot drift apart.

Each related table is aggregated (``GROUP BY incident_id``) over one chunk of ids at a
time, then joined and ordered by the ids' position in the chunk.
"""

from ..evidence import OFFICIAL, REPORTED, RESPONSE, EvidenceLevel, sql_status
from .format import SCHEMA_ID


def _partial_date(column: str, precision: str) -> str:
    return (f"CASE WHEN {column} IS NULL THEN NULL WHEN {precision} = 'year' THEN to_char({column}, 'YYYY') "
            f"WHEN {precision} = 'month' THEN to_char({column}, 'YYYY-MM') ELSE to_char({column}, 'YYYY-MM-DD') END")


def _timestamp(column: str) -> str:
    # The same text as Python's isoformat(timespec="microseconds") on a UTC datetime.
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"


def _in(values) -> str:
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in sorted(values)) + ")"


# A claim's status (evidence.status_of, in SQL): from the types of the cited sources that support
# and contradict it, unless a person set it. An attribution no claim row speaks of rests on
# the record's own sources (all but the operators' responses, which answer a claim only when
# attached to it).
CLAIM_STATUS = sql_status("coalesce(e.sup_types, m.sup_types, '{}'::text[])", "coalesce(e.con_types, '{}'::text[])", "e.stated_status")
OUTCOME_STATUS = sql_status("coalesce(x.types, '{}'::text[])", "coalesce(ocon.types, '{}'::text[])", "o.stated_status")

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
           coalesce(json_agg(p.pos ORDER BY p.pos) FILTER (WHERE p.pos IS NOT NULL), '[]'::json) AS positions,
           coalesce(array_agg(p.source_type::text) FILTER (WHERE p.pos IS NOT NULL), '{{}}') AS types
    FROM incidents_outcome_sources os JOIN incidents_outcome o ON o.id = os.outcome_id
    LEFT JOIN srcpos p ON p.incident_id = o.incident_id AND p.source_id = os.source_id
    WHERE o.incident_id IN (SELECT id FROM ids) GROUP BY os.outcome_id
),
ocon AS (
    SELECT oc.outcome_id, json_agg(p.pos ORDER BY p.pos) AS positions, array_agg(p.source_type::text) AS types
    FROM incidents_outcome_contradicted_by oc JOIN incidents_outcome o ON o.id = oc.outcome_id
    JOIN srcpos p ON p.incident_id = o.incident_id AND p.source_id = oc.source_id
    WHERE o.incident_id IN (SELECT id FROM ids) GROUP BY oc.outcome_id
),
oval AS (
    SELECT v.outcome_id, json_agg(json_build_object('field', v.field, 'value', v.value, 'sources', (
        SELECT coalesce(json_agg(p.pos ORDER BY p.pos), '[]'::json) FROM incidents_outcomevalue_sources vs
        JOIN srcpos p ON p.incident_id = o.incident_id AND p.source_id = vs.source_id WHERE vs.outcomevalue_id = v.id)
    ) ORDER BY v.position, v.id) AS j
    FROM incidents_outcomevalue v JOIN incidents_outcome o ON o.id = v.outcome_id
    WHERE o.incident_id IN (SELECT id FROM ids) GROUP BY v.outcome_id
),
ost AS (
    SELECT o.*, x.positions, x.n, ocon.positions AS contra,
           {OUTCOME_STATUS} AS claim_status
    FROM incidents_outcome o LEFT JOIN osrc x ON x.outcome_id = o.id LEFT JOIN ocon ON ocon.outcome_id = o.id
    WHERE o.incident_id IN (SELECT id FROM ids)
),
outc AS (
    SELECT o.incident_id, json_agg(json_build_object(
        'type', o.type, 'date', {_partial_date("o.date", "o.date_precision")}, 'detail', o.detail, 'days', o.days,
        'amount', o.amount, 'currency', NULLIF(o.currency, ''),
        'sources', coalesce(o.positions, '[]'::json), 'single_source', coalesce(o.n, 0) = 1,
        'status', o.claim_status, 'stated', o.stated_status <> '', 'contradicted_by', coalesce(o.contra, '[]'::json),
        'values', coalesce(ov.j, '[]'::json)
    ) ORDER BY o.position, o.id) AS j, array_agg(o.claim_status) AS statuses
    FROM ost o LEFT JOIN oval ov ON ov.outcome_id = o.id GROUP BY o.incident_id
),
cand AS (
    SELECT DISTINCT l.incident_id, 'technology' AS about, 0 AS rank, s.technology AS key, to_jsonb(s.technology::text) AS value,
           s.technology::text AS sort1, 0::bigint AS sort2
    FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id WHERE l.incident_id IN (SELECT id FROM ids)
    UNION
    SELECT c.incident_id, 'technology', 0, c.technology, to_jsonb(c.technology::text), c.technology, 0
    FROM incidents_claim c WHERE c.about = 'technology' AND c.incident_id IN (SELECT id FROM ids)
    UNION ALL
    SELECT l.incident_id, 'system', 1, s.id::text, to_jsonb(s.slug::text), s.name, s.id
    FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id WHERE l.incident_id IN (SELECT id FROM ids)
    UNION ALL
    SELECT DISTINCT l.incident_id, 'vendor', 2, v.id::text, to_jsonb(v.slug::text), v.name, v.id
    FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id JOIN incidents_organization v ON v.id = s.vendor_id
    WHERE l.incident_id IN (SELECT id FROM ids)
    UNION ALL
    SELECT l.incident_id, 'operator', 3, o.id::text, to_jsonb(o.slug::text), o.name, o.id
    FROM incidents_incident_operators l JOIN incidents_organization o ON o.id = l.organization_id WHERE l.incident_id IN (SELECT id FROM ids)
    UNION ALL
    SELECT i.id, 'sole_basis', 4, '', to_jsonb(i.sole_basis), '', 0 FROM incidents_incident i WHERE i.id IN (SELECT id FROM ids) AND i.sole_basis IS NOT NULL
    UNION ALL
    SELECT i.id, 'human_review', 5, '', to_jsonb(i.human_review), '', 0 FROM incidents_incident i WHERE i.id IN (SELECT id FROM ids) AND i.human_review IS NOT NULL
),
expl AS (
    SELECT c.incident_id, c.about, coalesce(c.system_id::text, c.organization_id::text, c.technology) AS key, c.stated_status,
           coalesce(array_agg(p.pos ORDER BY p.pos) FILTER (WHERE cs.stance = 'supports' AND p.pos IS NOT NULL), '{{}}') AS sup,
           coalesce(array_agg(p.source_type::text) FILTER (WHERE cs.stance = 'supports' AND p.pos IS NOT NULL), '{{}}') AS sup_types,
           coalesce(array_agg(p.pos ORDER BY p.pos) FILTER (WHERE cs.stance = 'contradicts' AND p.pos IS NOT NULL), '{{}}') AS con,
           coalesce(array_agg(p.source_type::text) FILTER (WHERE cs.stance = 'contradicts' AND p.pos IS NOT NULL), '{{}}') AS con_types
    FROM incidents_claim c LEFT JOIN incidents_claimsource cs ON cs.claim_id = c.id
    LEFT JOIN srcpos p ON p.incident_id = c.incident_id AND p.source_id = cs.source_id
    WHERE c.incident_id IN (SELECT id FROM ids) GROUP BY c.id
),
implicit AS (
    SELECT p.incident_id, coalesce(array_agg(p.pos ORDER BY p.pos) FILTER (WHERE p.source_type NOT IN {_in(RESPONSE)}), '{{}}') AS sup,
           coalesce(array_agg(p.source_type::text) FILTER (WHERE p.source_type NOT IN {_in(RESPONSE)}), '{{}}') AS sup_types
    FROM srcpos p GROUP BY p.incident_id
),
cl AS (
    SELECT k.incident_id, k.about, k.rank, k.key, k.value, k.sort1, k.sort2, coalesce(e.stated_status, '') AS stated,
           coalesce(e.sup, m.sup, '{{}}') AS sup, coalesce(e.con, '{{}}') AS con,
           {CLAIM_STATUS} AS status
    FROM cand k LEFT JOIN expl e ON e.incident_id = k.incident_id AND e.about = k.about AND e.key = k.key
    LEFT JOIN implicit m ON m.incident_id = k.incident_id
),
clj AS (
    SELECT c.incident_id, json_agg(json_build_object(
        'about', c.about, 'value', c.value, 'status', c.status, 'stated', c.stated <> '',
        'sources', to_json(c.sup), 'contradicted_by', to_json(c.con)) ORDER BY c.rank, c.sort1, c.sort2) AS j,
        array_agg(c.status) AS statuses,
        array_agg(CASE c.about WHEN 'technology' THEN 't' WHEN 'system' THEN 's' WHEN 'vendor' THEN 'v' ELSE 'op' END
                  || ':' || c.key || ':' || c.status ORDER BY c.rank, c.key) FILTER (WHERE c.rank < 4) AS attributions
    FROM cl c GROUP BY c.incident_id
)
SELECT i.id, json_build_object(
    'schema', '{SCHEMA_ID}', 'public_id', i.public_id, 'version', i.version, 'title', i.title, 'narrative', i.narrative, 'language', i.language,
    'incident_date', {_partial_date("i.incident_date", "i.date_precision")}, 'date_precision', i.date_precision,
    'country', i.country, 'region', i.region, 'city', i.city,
    'systems', coalesce(sys.j, '[]'::json), 'operators', coalesce(ops.j, '[]'::json),
    'identification_mode', i.identification_mode, 'error_type', i.error_type,
    'contributing_factors', to_json(i.contributing_factors), 'reference_database', NULLIF(i.reference_database, ''),
    'human_review', i.human_review, 'sole_basis', i.sole_basis, 'external_ids', to_json(i.external_ids),
    'evidence_level', CASE WHEN 'confirmed' = ANY(st.statuses) THEN '{EvidenceLevel.OFFICIAL_RECORD.value}'
                           WHEN 'reported' = ANY(st.statuses) THEN '{EvidenceLevel.REPORTED.value}'
                           WHEN 'alleged' = ANY(st.statuses) THEN '{EvidenceLevel.TESTIMONY_ONLY.value}'
                           WHEN src.official THEN '{EvidenceLevel.OFFICIAL_RECORD.value}'
                           WHEN src.reported THEN '{EvidenceLevel.REPORTED.value}' ELSE '{EvidenceLevel.TESTIMONY_ONLY.value}' END,
    'affected', json_build_object('count', i.affected_count, 'has_minor', i.affected_minor,
        'name', CASE WHEN i.affected_name_public AND i.affected_minor IS NOT TRUE THEN NULLIF(i.affected_name, '') END),
    'sources', coalesce(src.j, '[]'::json), 'outcomes', coalesce(outc.j, '[]'::json), 'claims', coalesce(clj.j, '[]'::json),
    'deployment', (SELECT dp.id FROM incidents_deployment dp WHERE dp.id = i.deployment_id AND dp.status = 'published'),
    'reported_by', CASE WHEN rp.id IS NULL THEN NULL ELSE json_build_object(
        'slug', rp.slug, 'name', coalesce(NULLIF(rp.credit_line, ''), rp.name), 'url', NULLIF(rp.website, '')) END,
    'published_at', {_timestamp("i.published_at")}, 'updated_at', {_timestamp("i.updated_at")}
)::text, coalesce(clj.attributions, '{{}}')
FROM incidents_incident i JOIN ids ON ids.id = i.id
LEFT JOIN sys ON sys.incident_id = i.id LEFT JOIN ops ON ops.incident_id = i.id
LEFT JOIN src ON src.incident_id = i.id LEFT JOIN outc ON outc.incident_id = i.id LEFT JOIN clj ON clj.incident_id = i.id
CROSS JOIN LATERAL (SELECT coalesce(clj.statuses, '{{}}') || coalesce(outc.statuses, '{{}}') AS statuses) AS st
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
