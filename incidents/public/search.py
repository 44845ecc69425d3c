"""Each incident's full-text vector (``Incident.search_vector``): what the duplicate check
compares a submission with, and what the read model copies as a public record's search
document (``store.refresh``). Recomputed by the services that change the text it covers,
and by ``records.touch`` when a system's or organisation's name or aliases change.

Words are accent-folded and stemmed in the record's own language (``Incident.language``) and
kept as written too, so "Policia" finds "Policía" and a Spanish reader finds an English record's
words (``reader_query``). It covers what people type: the title and narrative, the region and city, the names and
aliases of the systems, their vendors and the operators (so "Detroit Police Department"
finds every case the operator filter finds), the sources' titles and publishers, and the
preserved text of the sources.
"""

from django.db import connection


def weighted(expression: str, weight: str, *, unstemmed: bool = True) -> str:
    """SQL for one part of a record's document: its words with accents folded, stemmed in the
    record's own language and, unless ``unstemmed`` is off, also as written (so a reader who
    searches in another language still finds the words themselves)."""
    if unstemmed:
        return f"wir_document(i.language, {expression}, '{weight}')"
    return f"setweight(to_tsvector(wir_ts_config(i.language), wir_fold({expression})), '{weight}')"


NAMES_AND_PLACES = """concat_ws(' ', i.region, i.city, (
        SELECT string_agg(concat_ws(' ', s.name, array_to_string(s.aliases, ' '), v.name, array_to_string(v.aliases, ' ')), ' ')
        FROM incidents_incident_systems l JOIN incidents_system s ON s.id = l.system_id
        LEFT JOIN incidents_organization v ON v.id = s.vendor_id WHERE l.incident_id = i.id), (
        SELECT string_agg(concat_ws(' ', o.name, array_to_string(o.aliases, ' ')), ' ')
        FROM incidents_incident_operators l JOIN incidents_organization o ON o.id = l.organization_id WHERE l.incident_id = i.id))"""
SOURCE_TITLES = """coalesce((
        SELECT string_agg(l.title || ' ' || l.publisher, ' ')
        FROM incidents_incidentsource l WHERE l.incident_id = i.id), '')"""
PRESERVED_TEXT = """left(coalesce((
        SELECT string_agg(c.text, ' ')
        FROM incidents_incidentsource l JOIN incidents_source s ON s.id = l.source_id
        JOIN incidents_sourcecapture c ON c.id = s.preserved_id
        WHERE l.incident_id = i.id AND i.redacted_at IS NULL), ''), 300000)"""

SEARCH_VECTOR_SQL = f"""
UPDATE incidents_incident AS i SET search_vector =
    {weighted("coalesce(i.title, '')", "A")}
    || {weighted("coalesce(i.narrative, '')", "B")}
    || {weighted(NAMES_AND_PLACES, "B")}
    || {weighted(SOURCE_TITLES, "C")}
    || {weighted(PRESERVED_TEXT, "D", unstemmed=False)}
WHERE i.id = ANY(%s)
"""

# The text-search configuration of the reader's language (LocaleMiddleware's choice).
READER_CONFIG = {"en": "english", "es": "spanish", "pt-br": "portuguese"}


def reader_query(text: str):
    """``q`` as a web-search query ("exact phrase", or, -exclude) that finds what people type:
    accents folded like the documents, words stemmed in the reader's language or taken as
    written (a record in another language keeps its words unstemmed beside its own stems)."""
    from django.contrib.postgres.search import SearchQuery
    from django.db.models import Func, Value
    from django.utils.translation import get_language

    folded = Func(Value(text), function="wir_fold")
    config = READER_CONFIG.get(get_language() or "en", "english")
    stemmed = SearchQuery(folded, search_type="websearch", config=config)
    query = stemmed | SearchQuery(folded, search_type="websearch", config="simple")
    # Ranking uses the stemmed query alone: ts_rank weighs how close the words are for an AND
    # query, which an OR of the two forms would lose ("turnstile camera" above "a camera by a turnstile").
    query.for_rank = stemmed
    return query


def refresh_search_vectors(incident_ids: list[int]) -> None:
    """Recompute the full-text vector over title, narrative, source titles and the preserved
    text of the sources (weight D, capped so the vector stays under PostgreSQL's 1 MB limit).
    A record with a redaction leaves the preserved text out: an article may name the person."""
    if incident_ids:
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_VECTOR_SQL, [list(incident_ids)])
