"""Likely duplicates of a record, scored so that the strong signals dominate, for the
moderators (the desk and the API) and, limited to published records and public reasons, for
the person submitting.

Signals, strongest first, each with a weight (the chance, roughly, that it alone means the
same case):

- the same source: sources are stored once per normalised URL, so the same article cited
  twice is the same row (0.9);
- the same named person (0.7; a moderator's reason only: a name may be private);
- the same system and the same operator with incident dates close together (0.6), or one of
  the two with close dates (0.35); "close" is full weight within a week, less within a month;
- the same place: the same country and a city name in common (0.2);
- similar wording: the share of distinctive words two titles (or narratives) have in common,
  words every report here uses ("facial", "recognition", "arrested") left out (up to 0.55).

They combine as independent evidence (1 − Π(1 − w)), so two middling signals outrank one,
and a candidate is shown only from ``THRESHOLD`` up, its reasons strongest first. Candidates
are found by four indexed queries (shared source, named person, system or operator near the
date, full-text match of the title's words); their features are then read in one query and
scored here. ``tests/incidents/domain/test_duplicate_quality.py`` measures precision and
recall on a labelled set of pairs.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Q

from ..choices import OPEN_STATES, PUBLIC_STATE
from ..models import Incident
from ..text import fold

THRESHOLD = 0.5
WEIGHTS = {"source": 0.9, "person": 0.7, "system_operator_date": 0.6, "system_or_operator_date": 0.35, "place": 0.2, "wording": 0.55}
NEAR_DAYS, CLOSE_DAYS = 7, 31
RETRIEVE = 50
# Words nearly every report in this registry uses: they say nothing about which case it is.
STOPWORDS = {
    "after", "with", "from", "that", "this", "were", "when", "into", "over", "their", "which", "about", "said", "says", "have", "been",
    "they", "them", "then", "than", "also", "because", "while", "where", "there", "would", "could", "being", "what", "whose",
    "facial", "face", "recognition", "system", "systems", "technology", "software", "match", "matched", "matching", "mismatch",
    "wrongly", "wrong", "wrongful", "falsely", "false", "arrested", "arrest", "detained", "police", "officers", "identified",
    "identification", "misidentified", "case", "report", "reported", "person", "people",
}
PLACE_NOISE = {"station", "city", "county", "the", "and", "near", "district"}


@dataclass
class Candidate:
    incident: Incident
    signals: list[tuple[float, str, bool]] = field(default_factory=list)  # (weight, reason, public)

    def add(self, weight: float, reason: str, public: bool = True):
        if weight > 0:
            self.signals.append((weight, reason, public))

    @staticmethod
    def _combined(weights) -> float:
        remaining = 1.0
        for w in weights:
            remaining *= 1 - w
        return round(1 - remaining, 4)

    @property
    def score(self) -> float:
        return self._combined(w for w, _, _ in self.signals)

    @property
    def public_score(self) -> float:
        return self._combined(w for w, _, public in self.signals if public)

    @property
    def reasons(self) -> list[str]:
        return [r for _, r, _ in sorted(self.signals, key=lambda s: -s[0])]

    @property
    def public_reasons(self) -> list[str]:
        return [r for _, r, public in sorted(self.signals, key=lambda s: -s[0]) if public]


def words(text: str) -> set[str]:
    """The distinctive words of a text: folded, four letters or more, not a stopword."""
    return {w for w in re.findall(r"[^\W\d_]{4,}", fold(text or "").lower()) if w not in STOPWORDS}


def similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _place_words(city: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", fold(city or "").lower()) if w not in PLACE_NOISE}


def _closeness(a, b) -> tuple[float, int] | None:
    if a is None or b is None:
        return None
    gap = abs((a - b).days)
    return (1.0, gap) if gap <= NEAR_DAYS else (0.75, gap) if gap <= CLOSE_DAYS else None


def _features(ids):
    return (Incident.objects.filter(pk__in=ids)
            .annotate(system_ids=ArrayAgg("systems", distinct=True, default=[]), operator_ids=ArrayAgg("operators", distinct=True, default=[]),
                      source_ids=ArrayAgg("source_links__source_id", distinct=True, default=[]))
            .only("id", "public_id", "title", "narrative", "status", "incident_date", "country", "city", "affected_name"))


def _retrieve(incident, pool, mine) -> set[int]:
    ids: set[int] = set()
    if mine.source_ids:
        ids |= set(pool.filter(source_links__source_id__in=mine.source_ids).values_list("id", flat=True).distinct()[:RETRIEVE])
    if incident.affected_name:
        ids |= set(pool.filter(affected_name__iexact=incident.affected_name).values_list("id", flat=True)[:RETRIEVE])
    linked = Q(systems__in=mine.system_ids) | Q(operators__in=mine.operator_ids)
    if incident.incident_date and (mine.system_ids or mine.operator_ids):
        window = (incident.incident_date - datetime.timedelta(days=CLOSE_DAYS), incident.incident_date + datetime.timedelta(days=CLOSE_DAYS))
        ids |= set(pool.filter(linked, incident_date__range=window).values_list("id", flat=True).distinct()[:RETRIEVE])
    title_words = sorted(words(incident.title))[:12]
    if title_words:
        query = SearchQuery(" | ".join(title_words), search_type="raw", config="english")
        ids |= set(pool.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
                   .order_by("-rank").values_list("id", flat=True)[:20])
    return ids


def candidates(incident: Incident, *, published_only: bool = False, limit: int = 10) -> list[Candidate]:
    """The records that may be the same case as ``incident``, best first, none below THRESHOLD.
    ``published_only`` is the submitter's view: published records, scored on public reasons only."""
    states = [PUBLIC_STATE] if published_only else [PUBLIC_STATE, *OPEN_STATES]
    mine = _features([incident.pk]).get()
    pool = Incident.objects.filter(status__in=states).exclude(pk=incident.pk)
    found = []
    my_title, my_text, my_place = words(incident.title), words(incident.narrative[:3000]), _place_words(incident.city)
    for other in _features(_retrieve(incident, pool, mine)):
        c = Candidate(other)
        shared = set(mine.source_ids) & set(other.source_ids)
        if shared:
            c.add(WEIGHTS["source"], "cites the same source")
        if incident.affected_name and other.affected_name and incident.affected_name.strip().lower() == other.affected_name.strip().lower():
            c.add(WEIGHTS["person"], "names the same person", public=False)
        near = _closeness(incident.incident_date, other.incident_date)
        same_system = bool(set(mine.system_ids) & set(other.system_ids) - {None})
        same_operator = bool(set(mine.operator_ids) & set(other.operator_ids) - {None})
        if near and (same_system or same_operator):
            factor, gap = near
            apart = f"{gap} day{'s' if gap != 1 else ''} apart"
            if same_system and same_operator:
                c.add(WEIGHTS["system_operator_date"] * factor, f"same system and operator, {apart}")
            else:
                c.add(WEIGHTS["system_or_operator_date"] * factor, f"same {'system' if same_system else 'operator'}, {apart}")
        if incident.country == other.country and my_place & _place_words(other.city):
            c.add(WEIGHTS["place"], f"same place ({other.city}, {other.country})")
        wording = max(similarity(my_title, words(other.title)), 0.8 * similarity(my_text, words(other.narrative[:3000])))
        if wording >= 0.15:
            c.add(WEIGHTS["wording"] * wording, f"similar wording ({round(wording * 100)} % of distinctive words shared)")
        found.append(c)
    key = (lambda c: c.public_score) if published_only else (lambda c: c.score)
    ranked = sorted((c for c in found if key(c) >= THRESHOLD), key=lambda c: (-key(c), c.incident.pk))
    return ranked[:limit]
