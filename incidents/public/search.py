"""Each incident's full-text vector (``Incident.search_vector``): what the duplicate check
compares a submission with, and what the read model copies as a public record's search
document (``store.refresh``). Recomputed by the services that change the text it covers,
and by ``records.touch`` when a system's or organisation's name or aliases change.

It covers what people type: the title and narrative, the region and city, the names and
aliases of the systems, their vendors and the operators (so "Detroit Police Department"
finds every case the operator filter finds), the sources' titles and publishers, and the
preserved text of the sources.
"""

from django.db import connection

SEARCH_VECTOR_SQL = """
UPDATE incidents_incident AS i SET search_vector =
    setweight(to_tsvector('english', coalesce(i.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(i.narrative, '')), 'B')
    || setweight(to_tsvector('english', concat_ws(' ', i.region, i.city, (
        SELECT string_agg(concat_ws(' ', s.name, array_to_string(s.aliases, ' '), v.name, array_to_string(v.aliases, ' ')), ' ')
        FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id
        LEFT JOIN incidents_organization v ON v.id = s.vendor_id WHERE l.incident_id = i.id), (
        SELECT string_agg(concat_ws(' ', o.name, array_to_string(o.aliases, ' ')), ' ')
        FROM incidents_incident_operators l JOIN incidents_organization o ON o.id = l.organization_id WHERE l.incident_id = i.id))), 'B')
    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(l.title || ' ' || l.publisher, ' ')
        FROM incidents_incidentsource l WHERE l.incident_id = i.id), '')), 'C')
    || setweight(to_tsvector('english', left(coalesce((
        SELECT string_agg(c.text, ' ')
        FROM incidents_incidentsource l JOIN incidents_source s ON s.id = l.source_id
        JOIN incidents_sourcecapture c ON c.id = s.preserved_id
        WHERE l.incident_id = i.id AND i.redacted_at IS NULL), ''), 300000)), 'D')
WHERE i.id = ANY(%s)
"""


def refresh_search_vectors(incident_ids: list[int]) -> None:
    """Recompute the full-text vector over title, narrative, source titles and the preserved
    text of the sources (weight D, capped so the vector stays under PostgreSQL's 1 MB limit).
    A record with a redaction leaves the preserved text out: an article may name the person."""
    if incident_ids:
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_VECTOR_SQL, [list(incident_ids)])
