"""Duplicate candidates: each kind of match, the score order, and what a submitter may see."""

import pytest
from rest_framework.test import APIClient

from incidents.domain import duplicates, moderation
from tests.factories import (
    OrganizationFactory,
    SystemFactory,
    payload,
    publish_new,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def names():
    return SystemFactory(name="Mobile Fortify", slug="mobile-fortify"), OrganizationFactory(name="ICE", slug="ice", kind="federal_agency")


def _reasons(found, incident):
    return next((c.reasons for c in found if c.incident.pk == incident.pk), [])


def test_same_source_url_after_normalisation(moderator):
    original = publish_new(moderator, sources=[{"url": "https://www.example.org/story/?utm_source=x", "title": "A", "source_type": "news"}],
                           outcomes=[{"type": "arrested", "sources": [0]}])
    new, _, _ = submit(title="Completely different words here", sources=[{"url": "http://example.org/story", "title": "B", "source_type": "news"}],
                       outcomes=[{"type": "arrested", "sources": [0]}])
    reasons = _reasons(duplicates.candidates(new), original)
    assert any("same source" in r for r in reasons)


def test_same_system_and_operator_close_in_time(moderator, names):
    near = publish_new(moderator, title="Alpha bravo charlie", systems=["mobile-fortify"], operators=["ice"], incident_date="2025-06-01")
    far = publish_new(moderator, title="Delta echo foxtrot", systems=["mobile-fortify"], operators=["ice"], incident_date="2024-01-01")
    new, _, _ = submit(title="Golf hotel india", systems=["mobile-fortify"], operators=["ice"], incident_date="2025-06-12")
    found = duplicates.candidates(new)
    assert "same system and operator, 11 days apart" in _reasons(found, near)
    assert not _reasons(found, far)


def test_similar_wording(moderator):
    similar = publish_new(moderator, title="Grandmother jailed after casino facial recognition mismatch")
    publish_new(moderator, title="Unrelated traffic camera fine")
    new, _, _ = submit(title="Casino facial recognition mismatch jailed a grandmother")
    found = duplicates.candidates(new)
    assert found and found[0].incident.pk == similar.pk and "similar wording" in found[0].reasons[0]


def test_same_named_person_is_for_moderators_only(moderator):
    named = publish_new(moderator, title="Xylophone quartz", affected={"count": 1, "name": "Porcia Woodruff"})
    new, _, _ = submit(title="Zebra umbrella", affected={"count": 1, "name": "porcia woodruff"})
    candidate = next(c for c in duplicates.candidates(new) if c.incident.pk == named.pk)
    assert candidate.reasons[0] == "names the same person" and "names the same person" not in candidate.public_reasons
    assert candidate.score > candidate.public_score


def test_pending_records_are_candidates_for_moderators_but_never_shown_to_submitters(moderator, names):
    pending, _, _ = submit(title="Pending grandmother casino mismatch", systems=["mobile-fortify"], operators=["ice"])
    response = APIClient().post("/api/v1/submissions/", payload(title="Grandmother casino mismatch again", systems=["mobile-fortify"],
                                                                 operators=["ice"]), format="json")
    assert response.status_code == 201
    assert response.json()["possible_duplicates"] == []
    from incidents.models import Submission

    newest = Submission.objects.latest("id").incident
    assert any(c.incident.pk == pending.pk for c in duplicates.candidates(newest))


def test_submitters_see_published_duplicates_with_public_ids(moderator):
    published = publish_new(moderator, title="Grandmother jailed after casino facial recognition mismatch")
    body = APIClient().post("/api/v1/submissions/", payload(title="Casino facial recognition mismatch jailed grandmother"), format="json").json()
    assert body["possible_duplicates"][0]["public_id"] == published.public_id


def test_moderation_detail_lists_duplicates(moderator, names):
    from api.models import ApiToken

    publish_new(moderator, title="Grandmother jailed after casino facial recognition mismatch")
    _, submission, _ = submit(title="Casino facial recognition mismatch jailed grandmother")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(moderator)[1]}")
    detail = api.get(f"/api/v1/moderation/submissions/{submission.pk}/").json()
    assert detail["possible_duplicates"] and detail["possible_duplicates"][0]["score"] > 0


def test_merge_loses_nothing(moderator):
    a = publish_new(moderator, sources=[{"url": "https://example.org/a1", "title": "A1", "source_type": "news"},
                                        {"url": "https://example.org/a2", "title": "A2", "source_type": "court_record"}],
                    outcomes=[{"type": "arrested", "sources": [0]}, {"type": "settlement", "sources": [1]}])
    b = publish_new(moderator, sources=[{"url": "https://example.org/b1", "title": "B1", "source_type": "news"}],
                    outcomes=[{"type": "detained", "sources": [0]}])
    moderation.merge(a, moderator, into=b, reason="Same case.")
    record = APIClient().get(f"/api/v1/incidents/{b.public_id}/").json()
    assert sorted(s["url"] for s in record["sources"]) == ["https://example.org/a1", "https://example.org/a2", "https://example.org/b1"]
    assert sorted(o["type"] for o in record["outcomes"]) == ["arrested", "detained", "settlement"]
    assert all(o["sources"] for o in record["outcomes"])
    # Both histories record it: the duplicate's merge, and a new version of the canonical record saying what it absorbed.
    assert a.events.filter(action="merge").exists()
    assert b.events.filter(action="correct", reason__contains=a.public_id).exists()
    assert b.versions.order_by("-number").first().changes.get("absorbed") == [None, a.public_id] or a.public_id in str(b.versions.order_by("-number").first().note)
