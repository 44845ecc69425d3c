"""Evidence levels come from the sources, in Python and in SQL alike."""

import pytest
from rest_framework.test import APIClient

from incidents.domain import moderation
from incidents.evidence import level_of
from tests.factories import publish_new

pytestmark = pytest.mark.django_db


def _src(kind, n):
    return {"url": f"https://example.org/{kind}/{n}", "title": f"{kind} {n}", "source_type": kind}


@pytest.mark.parametrize("types,level", [
    (["news", "court_record"], "official_record"), (["regulator_action"], "official_record"), (["government_document"], "official_record"),
    (["news", "personal_testimony"], "reported"), (["ngo_report"], "reported"), (["official_response"], "reported"),
    (["personal_testimony"], "testimony_only"), ([], "testimony_only"),
])
def test_level_rule(types, level):
    assert level_of(types) == level


@pytest.fixture
def cases(moderator):
    return {
        "court": publish_new(moderator, title="Court case", sources=[_src("news", 1), _src("court_record", 2)],
                             outcomes=[{"type": "arrested", "sources": [0, 1]}, {"type": "settlement", "sources": [1]}]),
        "news": publish_new(moderator, title="News case", sources=[_src("news", 3)], outcomes=[{"type": "arrested", "sources": [0]}]),
        "testimony": publish_new(moderator, title="Testimony case", sources=[_src("personal_testimony", 4)],
                                 outcomes=[{"type": "questioned", "sources": [0]}]),
    }


def test_records_show_their_level_and_single_source_outcomes(cases):
    client = APIClient()
    record = client.get(f"/api/v1/incidents/{cases['court'].public_id}/").json()
    assert record["evidence_level"] == "official_record"
    assert [o["single_source"] for o in record["outcomes"]] == [False, True]
    rows = {r["title"]: r["evidence_level"] for r in client.get("/api/v1/incidents/").json()["results"]}
    assert rows == {"Court case": "official_record", "News case": "reported", "Testimony case": "testimony_only"}


def test_filter_and_counts_use_the_same_rule(cases):
    client = APIClient()
    titles = lambda q: sorted(r["title"] for r in client.get(f"/api/v1/incidents/?{q}").json()["results"])  # noqa: E731
    assert titles("evidence=official_record") == ["Court case"]
    assert titles("evidence=reported,testimony_only") == ["News case", "Testimony case"]
    groups = client.get("/api/v1/stats/?group_by=evidence").json()["groups"]["evidence"]
    assert [(g["key"], g["count"]) for g in groups] == [("official_record", 1), ("reported", 1), ("testimony_only", 1)]
    assert client.get("/api/v1/incidents/?evidence=rumour").status_code == 400


def test_a_new_official_source_raises_the_level(moderator, cases):
    moderation.correct(cases["news"], moderator, {"sources": [_src("news", 3), _src("court_record", 9)]}, "Added the court filing.")
    assert APIClient().get(f"/api/v1/incidents/{cases['news'].public_id}/").json()["evidence_level"] == "official_record"


def test_pages_show_and_filter_by_evidence(client, cases):
    page = client.get(f"/incidents/{cases['testimony'].public_id}/").content.decode()
    assert "Personal testimony only" in page and "/about/methods/" in page
    listing = client.get("/incidents/?evidence=official_record").content.decode()
    assert "Court case" in listing and "News case" not in listing
    assert "Evidence" in client.get("/incidents/").content.decode()
    methods = client.get("/about/methods/").content.decode()
    assert "Official record" in methods and "court" in methods.lower()
