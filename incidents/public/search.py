"""Each incident's full-text vector (``Incident.search_vector``): what the duplicate check
compares a submission with, and what the read model copies as a public record's search
document (``store.refresh``). Recomputed by the services that change the text it covers.
"""

from django.db import connection

SEARCH_VECTOR_SQL = """
UPDATE incidents_incident AS i SET search_vector =
    setweight(to_tsvector('english', coalesce(i.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(i.narrative, '')), 'B')
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
