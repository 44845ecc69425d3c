"""The public facts table (``PublicFacts``): kept equal to the public records, and counted.

``refresh`` rewrites the rows of some incidents from their current state in one set-based
statement per chunk; it runs wherever the stored public record is rebuilt
(``record_sql.refresh_public_json``), so the two never disagree. ``tests/incidents/
test_facts.py`` holds the table equal to ``Incident.objects.public()`` after every kind of
change.

``grouped_counts`` answers several groupings of any filtered set in one statement (one
round trip). ``kept_counts`` reads the same answers, ready-made, for the whole registry and
for one system, operator or vendor: ``PublicCount``, kept by triggers on this table.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction

from .evidence import OFFICIAL, REPORTED, EvidenceLevel

REFRESH_SQL = f"""
INSERT INTO incidents_publicfacts (
    incident_id, published_at, incident_date, year, country, region, identification_mode, error_type,
    affected_minor, evidence, contributing_factors, system_ids, operator_ids, vendor_ids, technologies, outcome_types,
    document, headline)
SELECT i.id, i.published_at, i.incident_date, extract(year FROM i.incident_date)::smallint, i.country, i.region,
    i.identification_mode, i.error_type, i.affected_minor,
    CASE WHEN EXISTS (SELECT 1 FROM incidents_incidentsource l
                      WHERE l.incident_id = i.id AND l.source_type = ANY(%(official)s)) THEN '{EvidenceLevel.OFFICIAL_RECORD.value}'
         WHEN EXISTS (SELECT 1 FROM incidents_incidentsource l
                      WHERE l.incident_id = i.id AND l.source_type = ANY(%(reported)s)) THEN '{EvidenceLevel.REPORTED.value}'
         ELSE '{EvidenceLevel.TESTIMONY_ONLY.value}' END,
    i.contributing_factors,
    ARRAY(SELECT DISTINCT l.system_id FROM incidents_incident_systems l WHERE l.incident_id = i.id ORDER BY 1),
    ARRAY(SELECT DISTINCT l.organization_id FROM incidents_incident_operators l WHERE l.incident_id = i.id ORDER BY 1),
    ARRAY(SELECT DISTINCT s.vendor_id FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id
          WHERE l.incident_id = i.id AND s.vendor_id IS NOT NULL ORDER BY 1),
    ARRAY(SELECT DISTINCT s.technology FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id
          WHERE l.incident_id = i.id ORDER BY 1),
    ARRAY(SELECT DISTINCT o.type FROM incidents_outcome o WHERE o.incident_id = i.id ORDER BY 1),
    i.search_vector, setweight(to_tsvector('english', i.title), 'A')
FROM incidents_incident i
WHERE i.id = ANY(%(ids)s) AND i.status = 'published'
"""


# The tag of each filterable value of a facts row (``PublicFacts.tags``): prefix, column,
# and whether the column is an array. The database trigger below sets the tags from the
# row's columns; IncidentFilter filters on them (``tag``).
TAG_PREFIXES = {
    "system": ("s", "system_ids", True), "operator": ("op", "operator_ids", True), "vendor": ("v", "vendor_ids", True),
    "technology": ("t", "technologies", True), "outcome": ("o", "outcome_types", True),
    "contributing_factor": ("f", "contributing_factors", True), "country": ("c", "country", False),
    "identification_mode": ("m", "identification_mode", False), "error_type": ("e", "error_type", False),
    "evidence": ("ev", "evidence", False), "year": ("y", "year", False), "has_minor": ("minor", "affected_minor", False),
}


def tag(kind: str, value) -> str:
    """The tag of one value, as the trigger writes it (booleans as true/false)."""
    if isinstance(value, bool):
        value = str(value).lower()
    return f"{TAG_PREFIXES[kind][0]}:{value}"


def tags_trigger_sql() -> str:
    """A BEFORE INSERT OR UPDATE trigger setting NEW.tags from the row's own columns."""
    scalars = ", ".join(f"'{prefix}:' || NEW.{column}::text" for prefix, column, many in TAG_PREFIXES.values() if not many)
    arrays = " || ".join(f"ARRAY(SELECT '{prefix}:' || x::text FROM unnest(NEW.{column}) AS x)"
                         for prefix, column, many in TAG_PREFIXES.values() if many)
    return f"""
CREATE OR REPLACE FUNCTION incidents_publicfacts_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tags := array_remove(ARRAY[{scalars}], NULL) || {arrays};
    RETURN NEW;
END $$;
CREATE TRIGGER incidents_publicfacts_tags BEFORE INSERT OR UPDATE ON incidents_publicfacts
FOR EACH ROW EXECUTE FUNCTION incidents_publicfacts_tags();
"""


TAGS_TRIGGER_UNDO = ("DROP TRIGGER IF EXISTS incidents_publicfacts_tags ON incidents_publicfacts; "
                     "DROP FUNCTION IF EXISTS incidents_publicfacts_tags();")


def refresh(incident_ids) -> None:
    """Rewrite the facts of these incidents (one chunk of ids): a row for each public one, none for the rest.

    Delete and insert run in one transaction, so no other reader sees a row missing."""
    ids = list(incident_ids)
    if ids:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM incidents_publicfacts WHERE incident_id = ANY(%s)", [ids])
            cursor.execute(REFRESH_SQL, {"ids": ids, "official": sorted(OFFICIAL), "reported": sorted(REPORTED)})


def refresh_documents(incident_ids) -> None:
    """Copy the incidents' search vectors into their facts (after ``records.refresh_search_vectors``)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_publicfacts f SET document = i.search_vector FROM incidents_incident i "
                       "WHERE f.incident_id = i.id AND i.id = ANY(%s) AND f.document IS DISTINCT FROM i.search_vector", [list(incident_ids)])


# How each grouping reads a facts row: (SQL giving the key, is it an array to unnest).
GROUP_KEYS = {
    "system": ("system_ids", True),
    "operator": ("operator_ids", True),
    "vendor": ("vendor_ids", True),
    "outcome": ("outcome_types", True),
    "country": ("country", False),
    "error_type": ("error_type", False),
    "identification_mode": ("identification_mode", False),
    "evidence": ("evidence", False),
    "year": ("year", False),
    "has_minor": ("affected_minor", False),
}


def grouped_counts(facts, groups, *, costly_filter: bool = False) -> tuple[int, dict[str, dict]]:
    """Return (total, {group: {key: count}}) over the facts queryset ``facts``, in one query.

    An incident counts once per value it has: once for each of its systems, once for each
    outcome type (the arrays hold distinct values). ``costly_filter`` (a full-text search)
    reads the filtered set once into a materialized CTE rather than once per grouping."""
    groups = list(dict.fromkeys(groups))
    try:
        inner, params = facts.order_by().values(*{GROUP_KEYS[g][0] for g in groups} or {"pk"}).query.sql_with_params()
    except EmptyResultSet:
        return 0, {g: {} for g in groups}
    parts = ["SELECT '' AS g, NULL::text AS k, count(*) AS n FROM ({inner}) f"]
    for group in groups:
        column, is_array = GROUP_KEYS[group]
        if is_array:
            parts.append(f"SELECT '{group}', k::text, count(*) FROM ({{inner}}) f, unnest(f.{column}) AS k GROUP BY k")
        else:
            parts.append(f"SELECT '{group}', f.{column}::text, count(*) FROM ({{inner}}) f GROUP BY f.{column}")
    # Each grouping reads the filtered set itself (an index scan for a narrow filter): a shared
    # materialized set spilled to disk at 100,000 rows and was twice as slow. A search is
    # the exception: matching is the costly part, so it is done once.
    if costly_filter:
        sql = f"WITH m AS MATERIALIZED ({inner}) " + " UNION ALL ".join(part.format(inner="SELECT * FROM m") for part in parts)
    else:
        sql = " UNION ALL ".join(part.format(inner=inner) for part in parts)
        params = tuple(params) * len(parts)
    counts = {g: {} for g in groups}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for group, key, n in cursor.fetchall():
            if group == "":
                total = n
            else:
                counts[group][key] = n
    return total, counts


def kept_counts(scope: tuple[str, str], groups) -> tuple[int, dict[str, dict]]:
    """Return (total, {group: {key: count}}) for a scope kept in ``PublicCount``: ("", "") for
    every public incident, ("system", "<id>") for those of one system, and so on. Same keys as
    ``grouped_counts``; one indexed read instead of counting."""
    from .models import PublicCount

    groups = list(dict.fromkeys(groups))
    rows = PublicCount.objects.filter(scope=scope[0], scope_key=scope[1], dimension__in=["total", *groups], n__gt=0)
    counts, total = {g: {} for g in groups}, 0
    for dimension, key, n in rows.values_list("dimension", "key", "n"):
        if dimension == "total":
            total = n
        else:
            counts[dimension][key if key != "" or dimension not in ("year", "has_minor") else None] = n
    return total, counts
