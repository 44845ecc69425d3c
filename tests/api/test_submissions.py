"""POST /api/v1/submissions/ and the secret status link."""

import json

import pytest
from django.core.cache import cache

from incidents.domain import moderation
from incidents.models import Incident, ModerationEvent, ProposedName, Source, Submission
from tests.factories import SystemFactory, payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/submissions/"


def counts():
    return (Incident.objects.count(), Source.objects.count(), Submission.objects.count(), ModerationEvent.objects.count())


def post(client, body, **extra):
    return client.post(URL, data=json.dumps(body) if not isinstance(body, (str, bytes)) else body, content_type="application/json", **extra)


def test_a_valid_submission_is_stored_and_answers_201_with_a_secret_link(client):
    response = post(client, payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and "/api/v1/submissions/status/" in body["status_url"]
    assert len(body["token"]) >= 43  # 256 bits, url-safe base64
    submission = Submission.objects.get(pk=body["id"])
    assert submission.token_hash != body["token"]
    assert submission.contact_email.startswith("reporter")
    assert submission.incident.outcomes.count() == 2 and submission.incident.sources.count() == 2


def test_systems_and_operators_match_by_slug_name_or_alias_ignoring_case_and_accents(client):
    system = SystemFactory(name="Sistema de Reconocimiento Facial de Prófugos", aliases=["SRFP"])
    response = post(client, payload(systems=["sistema de reconocimiento facial de profugos"], operators=["Policía Nueva"]))
    incident = Submission.objects.get(pk=response.json()["id"]).incident
    assert list(incident.systems.all()) == [system]
    assert list(ProposedName.objects.filter(incident=incident).values_list("name", flat=True)) == ["Policía Nueva"]
    response = post(client, payload(systems=["srfp"]))
    assert list(Submission.objects.get(pk=response.json()["id"]).incident.systems.all()) == [system]


BAD = [
    ("no source", {"sources": []}, "sources"),
    ("source not http", {"sources": [{"url": "ftp://example.org/x"}]}, "sources.0.url"),
    ("javascript url", {"sources": [{"url": "javascript:alert(1)"}]}, "sources.0.url"),
    ("future date", {"incident_date": "2999-01-01"}, "incident_date"),
    ("impossible date", {"incident_date": "2023-02-30"}, "incident_date"),
    ("garbled date", {"incident_date": "last tuesday"}, "incident_date"),
    ("unknown enum", {"error_type": "bad_luck"}, "error_type"),
    ("unknown factor", {"contributing_factors": ["mercury retrograde"]}, "contributing_factors.0"),
    ("unknown outcome", {"outcomes": [{"type": "abducted", "sources": [0]}]}, "outcomes.0.type"),
    ("outcome with no source", {"outcomes": [{"type": "arrested", "sources": []}]}, "outcomes.0.sources"),
    ("outcome pointing nowhere", {"outcomes": [{"type": "arrested", "sources": [7]}]}, "outcomes.0.sources"),
    ("unknown top-level field", {"favourite_colour": "blue"}, "favourite_colour"),
    ("unknown nested field", {"affected": {"count": 1, "shoe_size": 9}}, "affected.shoe_size"),
    ("over-long title", {"title": "x" * 301}, "title"),
    ("over-long narrative", {"narrative": "x" * 20001}, "narrative"),
    ("bad country", {"country": "XX"}, "country"),
    ("a minor's name", {"affected": {"has_minor": True, "name": "Child Name"}}, "affected.name"),
    ("amount without currency", {"outcomes": [{"type": "settlement", "amount": 1000, "sources": [0]}]}, "outcomes.0.currency"),
    ("bad role", {"submitter": {"role": "spy"}}, "submitter.role"),
    ("bad email", {"submitter": {"contact_email": "not-an-email"}}, "submitter.contact_email"),
]


@pytest.mark.parametrize("case,overrides,field", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_400_naming_the_field_and_stores_nothing(client, case, overrides, field):
    before = counts()
    response = post(client, payload(**overrides))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert all(isinstance(m, str) and m for m in error["fields"][field])
    assert counts() == before


def test_every_failing_field_is_named_at_once(client):
    response = post(client, payload(title="", country="XX", error_type="nope", bogus=1))
    assert {"title", "country", "error_type", "bogus"} <= set(response.json()["error"]["fields"])


def test_malformed_json_is_a_400_and_stores_nothing(client):
    before = counts()
    response = post(client, '{"title": ')
    assert response.status_code == 400 and response.json()["error"]["code"] == "parse_error"
    assert counts() == before


def test_a_json_list_is_refused(client):
    assert post(client, "[1, 2]").status_code == 400


def test_a_body_over_the_limit_is_413(client, settings):
    settings.SUBMISSION_MAX_BODY_BYTES = 10_000
    before = counts()
    response = post(client, payload(narrative="x" * 12_000))
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert counts() == before


def test_submissions_are_rate_limited_per_client(client, rate_limits):
    rate_limits(submissions="2/hour")
    cache.clear()
    try:
        assert post(client, payload()).status_code == 201
        assert post(client, payload()).status_code == 201
        third = post(client, payload())
        assert third.status_code == 429 and third.json()["error"]["code"] == "throttled"
        assert post(client, payload(), REMOTE_ADDR="10.9.8.7").status_code == 201
    finally:
        cache.clear()


def test_the_status_link_shows_status_and_change_request_only_with_the_token(client, moderator):
    created = post(client, payload()).json()
    status_url = f"/api/v1/submissions/status/{created['token']}/"
    assert client.get(status_url).json()["status"] == "submitted"
    incident = Submission.objects.get(pk=created["id"]).incident
    moderation.claim(incident, moderator)
    moderation.request_changes(incident, moderator, "Please add the court docket.")
    body = client.get(status_url).json()
    assert body["status"] == "changes_requested" and body["change_request"] == "Please add the court docket."
    assert "contact_email" not in json.dumps(body)
    assert client.get(status_url).headers["Cache-Control"] == "no-store"
    for wrong in ("x" * 43, created["token"][:-1] + ("A" if created["token"][-1] != "A" else "B"), str(created["id"])):
        response = client.get(f"/api/v1/submissions/status/{wrong}/")
        assert response.status_code == 404
        assert "court docket" not in response.content.decode()


def test_patch_answers_a_change_request(client, moderator):
    created = post(client, payload()).json()
    status_url = f"/api/v1/submissions/status/{created['token']}/"
    assert client.patch(status_url, {"message": "Too early"}, format="json").status_code == 409
    incident = Submission.objects.get(pk=created["id"]).incident
    moderation.claim(incident, moderator)
    moderation.request_changes(incident, moderator, "Which city?")
    bad = client.patch(status_url, {"message": "Dearborn", "changes": {"country": "XX"}}, format="json")
    assert bad.status_code == 400 and "country" in bad.json()["error"]["fields"]
    response = client.patch(status_url, {"message": "It was Dearborn.", "changes": {"city": "Dearborn"}}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    incident.refresh_from_db()
    assert incident.city == "Dearborn"


def test_the_rejection_reason_reaches_the_submitter(client, moderator):
    created = post(client, payload()).json()
    incident = Submission.objects.get(pk=created["id"]).incident
    moderation.reject(incident, moderator, "We could not verify the source.")
    body = client.get(f"/api/v1/submissions/status/{created['token']}/").json()
    assert body["status"] == "rejected" and body["rejection_reason"] == "We could not verify the source."
