"""How good the duplicate candidates are (#18), measured on a labelled set.

The ten demo cases (real, documented) are loaded; for each, four reports are generated and
submitted, and the candidates of each report are compared with its label:

- reworded: the same case told in other words, from a new source;
- another source: the same case as a second outlet reports it (its own title and text);
- same article: a short report citing one of the case's sources by a variant of its URL;
- different case: another incident of the same system, operator and place, more than a year
  later, from another source (the ones a naive matcher confuses).

Forty labelled pairs (30 same, 10 different). A candidate counts as found when it is shown
(at or above the threshold). Precision = shown and the same case / all shown demo records;
recall = same-case pairs shown / same-case pairs. Both must be at least 0.9; the figures are
printed (``pytest -s``) and recorded in docs/performance.md.
"""

import datetime

import pytest

from incidents.choices import Status
from incidents.domain import duplicates
from incidents.domain import submissions as services
from incidents.interchange.importing import import_lines
from incidents.management.commands.loaddemo import DEMO
from incidents.models import Incident
from incidents.public.format import public_record

pytestmark = pytest.mark.django_db


def _draft(record: dict, **changes) -> dict:
    body = {
        "title": record["title"], "narrative": record["narrative"], "incident_date": record["incident_date"], "country": record["country"],
        "region": record["region"], "city": record["city"], "systems": [s["name"] for s in record["systems"]],
        "operators": [o["name"] for o in record["operators"]], "identification_mode": record["identification_mode"],
        "error_type": record["error_type"], "affected": {"count": record["affected"]["count"], "has_minor": record["affected"]["has_minor"],
                                                       "name": record["affected"]["name"] or ""},
        "sources": [{"url": "https://other-outlet.example.net/story", "title": "Report", "source_type": "news"}],
        "outcomes": [],
    }
    body.update(changes)
    return body


def _later(date: str | None, days: int) -> str | None:
    if not date:
        return None
    year, month, day = (date.split("-") + ["01", "01"])[:3]
    moved = datetime.date(int(year), int(month), int(day)) + datetime.timedelta(days=days)
    return min(moved, datetime.date.today() - datetime.timedelta(days=1)).isoformat()


def _reports(record: dict, n: int) -> list[tuple[str, dict]]:
    """Four labelled reports about (or near) one demo case."""
    title_words = record["title"].replace("(", "").replace(")", "").split()
    sentences = [s for s in record["narrative"].split(". ") if s]
    name = record["affected"]["name"] or "The person"
    place = record["city"] or record["region"] or record["country"]
    system = record["systems"][0]["name"] if record["systems"] else "a face-matching tool"
    return [
        ("same", _draft(record, title="Report: " + " ".join(title_words[len(title_words) // 2:] + title_words[:len(title_words) // 2]),
                        narrative=". ".join(reversed(sentences)),
                        sources=[{"url": f"https://reworded.example.net/{n}", "title": "A retelling", "source_type": "news"}])),
        ("same", _draft(record, title=f"{name}: what happened in {place} — {system}",
                        narrative=f"{name} says that in {place} {system} was used and it led to the wrong person. " + sentences[0] + ".",
                        sources=[{"url": f"https://second-outlet.example.com/{n}", "title": "Second outlet", "source_type": "news"}])),
        ("same", _draft(record, title="Short note on a news item", narrative="See the linked article.", systems=[], operators=[], city="", region="",
                        incident_date=None, affected={"count": None, "has_minor": None, "name": ""},
                        sources=[{"url": record["sources"][0]["url"].rstrip("/") + "/?utm_source=newsletter", "title": "Same article",
                                  "source_type": "news"}])),
        ("different", _draft(record, title=f"Separate shoplifting inquiry names a delivery driver near {place}",
                             narrative="A delivery driver was questioned about a shoplifting case at a pharmacy; his lawyer says the lead "
                                       "came from a database search. He was released without charge the same evening.",
                             incident_date=_later(record["incident_date"], 400), affected={"count": 1, "has_minor": False, "name": "Jordan Example"},
                             sources=[{"url": f"https://local-paper.example.org/{n}", "title": "Driver questioned", "source_type": "news"}])),
    ]


def test_duplicate_candidates_have_precision_and_recall_of_at_least_0_9():
    import_lines(DEMO.read_text(encoding="utf-8").splitlines())
    demo = {i.pk: public_record(i) for i in Incident.objects.filter(status=Status.PUBLISHED)}
    assert len(demo) == 10
    true_pos = false_pos = false_neg = pairs = 0
    misses = []
    for n, (pk, record) in enumerate(sorted(demo.items())):
        for label, body in _reports(record, n):
            submission, _ = services.submit(body)
            shown = {c.incident.pk for c in duplicates.candidates(submission.incident) if c.incident.pk in demo}
            pairs += 1
            if label == "same":
                true_pos += pk in shown
                false_neg += pk not in shown
                false_pos += len(shown - {pk})
            else:
                false_pos += len(shown)
            if (label == "same") != (pk in shown) or len(shown - {pk}):
                misses.append((label, record["title"][:50], body["title"][:50], shown))
            # Each report is judged against the demo cases alone: withdraw it from the pool.
            Incident.objects.filter(pk=submission.incident_id).update(status=Status.REJECTED)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    recall = true_pos / (true_pos + false_neg)
    print(f"\nduplicate candidates on {pairs} labelled pairs: precision {precision:.2f}, recall {recall:.2f} "
          f"(true {true_pos}, false {false_pos}, missed {false_neg}); threshold {duplicates.THRESHOLD}")
    assert pairs >= 30
    assert precision >= 0.9 and recall >= 0.9, misses
