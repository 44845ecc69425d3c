"""The CSV export's columns, and each public record's CSV line built in SQL for the read model.

The line is stored with the record (``PublicRecord.csv_line``, without its first two fields:
the public id and the page address, which depends on the site's address), so an export
streams stored text instead of joining five tables per row.
"""

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
    ("reported_by", "Slug of the partner organisation credited with reporting it, where it asked for credit."),
    ("deployment", "Id of the published deployment it arose from (/api/v1/deployments/{id}/), where known."),
    ("system_names", "Names of the systems, in the order of `systems`, separated by '; '."),
    ("vendor_names", "Names of the vendors, in the order of `vendors`, separated by '; '."),
    ("operator_names", "Names of the operators, in the order of `operators`, separated by '; '."),
    ("technology_status", "Each technology with the status of the claim that it was involved: 'face: confirmed'; separated by '; '."),
    ("system_status", "Each system with the status of its attribution (confirmed, reported, alleged, disputed, denied), separated by '; '."),
    ("vendor_status", "Each vendor with the status of its attribution, separated by '; '."),
    ("operator_status", "Each operator with the status of its attribution, separated by '; '."),
    ("sole_basis_status", "The status of the claim in `sole_basis`, where the record makes it."),
    ("human_review_status", "The status of the claim in `human_review`, where the record makes it."),
    ("outcome_status", "Each outcome type with its status, in the order of `outcomes`, separated by '; '."),
]
CSV_HEADER = [name for name, _ in CSV_COLUMNS]


def _field(expression: str) -> str:
    """One CSV field of a text expression, quoted as the csv module and COPY would: empty
    for NULL; in double quotes (doubled inside) when empty or holding a comma, quote or
    line break. A text a spreadsheet would run as a formula (starting with =, +, -, @, a
    tab or a carriage return) gets a leading apostrophe, as OWASP's CSV-injection advice says."""
    safe = f"CASE WHEN ({expression}) ~ '^[-=+@\\t\\r]' THEN '''' || ({expression}) ELSE ({expression}) END"
    return (f"CASE WHEN ({expression}) IS NULL THEN '' WHEN ({expression}) = '' OR ({expression}) ~ '[\",\\r\\n]' "
            f"THEN '\"' || replace(({safe}), '\"', '\"\"') || '\"' ELSE ({safe}) END")


# Every column after public_id and url, as SQL over an incident ``i`` and the aggregates below.
_COLUMNS = [
    "i.title",
    "CASE WHEN i.incident_date IS NULL THEN NULL WHEN i.date_precision = 'year' THEN to_char(i.incident_date, 'YYYY') "
    "WHEN i.date_precision = 'month' THEN to_char(i.incident_date, 'YYYY-MM') ELSE to_char(i.incident_date, 'YYYY-MM-DD') END",
    "i.country", "NULLIF(i.region, '')", "NULLIF(i.city, '')", "sy.slugs", "sy.vendors", "op.slugs",
    "i.identification_mode", "i.error_type", "NULLIF(array_to_string(i.contributing_factors, '; '), '')", "NULLIF(i.reference_database, '')",
    "i.human_review::text", "i.sole_basis::text", "i.affected_count::text", "i.affected_minor::text", "oc.types", "oc.days::text",
    "so.n::text", "so.urls", "i.version::text",
    "to_char(i.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
    "rp.slug",
    "dp.id::text", "sy.names", "sy.vendor_names", "op.names",
]

# The stored CSV line of each public incident of %s (a list of ids), without its first two
# fields (public id and page address, which depends on the site's address): one statement,
# run by the read model's writer (store.refresh).
LINES_SQL = f"""
SELECT i.id, {" || ',' || ".join(_field(c) for c in _COLUMNS)}
FROM incidents_incident i
LEFT JOIN LATERAL (
    SELECT string_agg(s.slug, '; ' ORDER BY s.slug) AS slugs, string_agg(DISTINCT v.slug, '; ') AS vendors,
           string_agg(s.name, '; ' ORDER BY s.slug) AS names,
           (SELECT string_agg(x.name, '; ' ORDER BY x.slug) FROM (SELECT DISTINCT v2.slug, v2.name FROM incidents_incident_systems l2
                JOIN incidents_system s2 ON s2.id = l2.system_id JOIN incidents_organization v2 ON v2.id = s2.vendor_id
                WHERE l2.incident_id = i.id) AS x) AS vendor_names
    FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id
    LEFT JOIN incidents_organization v ON v.id = s.vendor_id WHERE l.incident_id = i.id) AS sy ON true
LEFT JOIN LATERAL (
    SELECT string_agg(o.slug, '; ' ORDER BY o.slug) AS slugs, string_agg(o.name, '; ' ORDER BY o.slug) AS names
    FROM incidents_incident_operators l JOIN incidents_organization o ON o.id = l.organization_id WHERE l.incident_id = i.id) AS op ON true
LEFT JOIN LATERAL (
    SELECT string_agg(o.type, '; ' ORDER BY o.position, o.id) AS types, sum(o.days) AS days
    FROM incidents_outcome o WHERE o.incident_id = i.id) AS oc ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n, string_agg(NULLIF(s.url, ''), ' | ' ORDER BY l.position, l.id) AS urls
    FROM incidents_incidentsource l JOIN incidents_source s ON s.id = l.source_id WHERE l.incident_id = i.id) AS so ON true
LEFT JOIN incidents_partner rp ON rp.id = i.reported_by_id AND rp.public_credit
LEFT JOIN incidents_deployment dp ON dp.id = i.deployment_id AND dp.status = 'published'
WHERE i.id = ANY(%s) AND i.status = 'published'
"""


def _statuses(about: str, label: str = "(c->>'value') || ': ' || ") -> str:
    return (f"(SELECT string_agg({label}(c->>'status'), '; ' ORDER BY n) FROM jsonb_array_elements(parsed.r->'claims') "
            f"WITH ORDINALITY AS e(c, n) WHERE c->>'about' = '{about}')")


# The claim columns at the end of each line, from the built record ``parsed.r`` (jsonb): the
# read model's writer (store.BUILD_SQL) appends them to LINES_SQL's line.
CLAIM_COLUMNS_SQL = " || ',' || ".join(_field(c) for c in [
    _statuses("technology"), _statuses("system"), _statuses("vendor"), _statuses("operator"),
    _statuses("sole_basis", ""), _statuses("human_review", ""),
    "(SELECT string_agg((o->>'type') || ': ' || (o->>'status'), '; ' ORDER BY n) "
    "FROM jsonb_array_elements(parsed.r->'outcomes') WITH ORDINALITY AS e(o, n))",
])
