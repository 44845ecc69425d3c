"""Likely duplicates of a record, with a score and the reasons, for the moderators (and,
limited to published records and public reasons, for the person submitting).

Four signals, each a single query: a shared source (sources are stored once per
normalised URL, so the same article cited twice is the same row); the same system and
operator with incident dates close together; similar wording (PostgreSQL full-text
ranking of the title's words against the other records); the same named person.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Q

from ..choices import OPEN_STATES, PUBLIC_STATE
from ..models import Incident

DATE_WINDOW_DAYS = 31
WEIGHTS = {"source": 0.6, "person": 0.5, "system_operator_date": 0.35, "wording": 0.3}
STOPWORDS = {"after", "with", "from", "that", "this", "were", "when", "into", "over", "their", "which", "about"}


@dataclass
class Candidate:
    incident: Incident
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    public_reasons: list[str] = field(default_factory=list)

    def add(self, kind: str, reason: str, weight: float | None = None, public: bool = True):
        self.score = min(1.0, self.score + (WEIGHTS[kind] if weight is None else weight))
        self.reasons.append(reason)
        if public:
            self.public_reasons.append(reason)


def candidates(incident: Incident, *, published_only: bool = False, limit: int = 10) -> list[Candidate]:
    states = [PUBLIC_STATE] if published_only else [PUBLIC_STATE, *OPEN_STATES]
    pool = Incident.objects.filter(status__in=states).exclude(pk=incident.pk).only("id", "public_id", "title", "status", "incident_date")
    found: dict[int, Candidate] = {}

    def hit(other) -> Candidate:
        return found.setdefault(other.pk, Candidate(other))

    source_ids = list(incident.source_links.values_list("source_id", flat=True))
    if source_ids:
        for other in pool.filter(source_links__source_id__in=source_ids).distinct():
            urls = other.source_links.filter(source_id__in=source_ids).values_list("source__url", flat=True)[:1]
            hit(other).add("source", f"cites the same source ({next(iter(urls), '')})")

    if incident.affected_name:
        for other in pool.filter(affected_name__iexact=incident.affected_name):
            # A name may be private: the reason is for moderators only.
            hit(other).add("person", "names the same person", public=False)

    system_ids = list(incident.systems.values_list("id", flat=True))
    operator_ids = list(incident.operators.values_list("id", flat=True))
    if system_ids and operator_ids and incident.incident_date:
        near = pool.filter(systems__in=system_ids, operators__in=operator_ids, incident_date__range=(
            incident.incident_date - _days(DATE_WINDOW_DAYS), incident.incident_date + _days(DATE_WINDOW_DAYS))).distinct()
        for other in near:
            gap = abs((other.incident_date - incident.incident_date).days)
            hit(other).add("system_operator_date", f"same system and operator, {gap} day{'s' if gap != 1 else ''} apart")

    words = [w for w in re.findall(r"[^\W\d_]{4,}", incident.title.lower()) if w not in STOPWORDS][:12]
    if words:
        query = SearchQuery(" | ".join(words), search_type="raw", config="english")
        similar = (pool.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
                   .filter(Q(rank__gte=0.05)).order_by("-rank")[:limit])
        for other in similar:
            hit(other).add("wording", f"similar wording (rank {other.rank:.2f})", weight=min(WEIGHTS["wording"], other.rank * 3))

    ranked = sorted(found.values(), key=lambda c: (-c.score, c.incident.pk))
    return [c for c in ranked if c.score >= 0.15][:limit]


def _days(n):
    import datetime

    return datetime.timedelta(days=n)
