"""Correction and removal requests: intake by form and API, the desk's decisions, and a
redaction that no public surface shows again."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from incidents.choices import RequestState
from incidents.domain import corrections, moderation, redaction
from incidents.models import CorrectionRequest, IncidentVersion, ModerationEvent
from tests.factories import publish_new

pytestmark = pytest.mark.django_db

NAME = "Zebulon Quayle-Marsh"
STREET = "Ostrich Lane"


@pytest.fixture
def named(moderator):
    """A published record whose narrative and affected name identify a person; corrected once, so
    an earlier version's diff carries the identifying text too."""
    incident = publish_new(moderator, title="Wrongful arrest after a casino match",
                           narrative=f"{NAME} of {STREET} was arrested after a face match at the casino.",
                           affected={"count": 1, "has_minor": False, "name": NAME})
    incident = moderation.correct(incident, moderator, {"affected_name_public": True, "city": "Reno"}, "Name is public in the court record.")
    incident = moderation.correct(incident, moderator, {"narrative": f"{NAME} of {STREET} was arrested after a face match at the Reno casino."}, "Place added.")
    return incident


def _ask(incident, **data):
    return APIClient().post(f"/api/v1/incidents/{incident.public_id}/corrections/", data, format="json")


def test_api_request_is_stored_private_and_validated(named, client):
    response = _ask(named, kind="removal", requester_role="affected_person", details="My name and street are in it.", contact_email="z@example.org")
    assert response.status_code == 201 and response.json()["status"] == "received"
    req = CorrectionRequest.objects.get()
    assert req.contact_email == "z@example.org" and req.state == RequestState.OPEN
    # Nothing of the request is public.
    for url in (f"/api/v1/incidents/{named.public_id}/", f"/incidents/{named.public_id}/", f"/api/v1/incidents/{named.public_id}/history/"):
        body = APIClient().get(url).content.decode()
        assert "z@example.org" not in body and "My name and street" not in body


@pytest.mark.parametrize("data,field", [
    ({}, "details"),
    ({"details": "x", "kind": "delete-everything"}, "kind"),
    ({"details": "x", "contact_email": "not an address"}, "contact_email"),
    ({"details": "x" * 5001}, "details"),
    ({"details": "x", "surprise": 1}, "surprise"),
])
def test_api_request_errors_name_the_field_and_store_nothing(named, data, field):
    response = _ask(named, **data)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not CorrectionRequest.objects.exists()


def test_requests_only_on_public_records(named, moderator):
    assert APIClient().post("/api/v1/incidents/WIR-1999-0001/corrections/", {"details": "x"}, format="json").status_code == 404
    moderation.withdraw(named, moderator, "Sources retracted.")
    assert _ask(named, details="x").status_code == 410


def test_page_form_errors_beside_fields_then_success(named, client):
    page = client.get(f"/incidents/{named.public_id}/")
    assert f'/incidents/{named.public_id}/correction/' in page.content.decode()
    bad = client.post(f"/incidents/{named.public_id}/correction/", {"kind": "correction", "details": "", "contact_email": "nope"})
    html = bad.content.decode()
    assert bad.status_code == 400 and 'id="details-error"' in html and 'id="contact_email-error"' in html
    assert not CorrectionRequest.objects.exists()
    ok = client.post(f"/incidents/{named.public_id}/correction/", {"kind": "correction", "requester_role": "lawyer", "details": "The city is wrong: it was Sparks."})
    assert ok.status_code == 201 and CorrectionRequest.objects.get().requester_role == "lawyer"


def test_accepting_a_correction_makes_a_version_with_its_note(named, moderator, django_capture_on_commit_callbacks):
    req = corrections.request_correction(named, {"details": "It was Sparks, not Reno.", "contact_email": "l@example.org"})
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes after commit
        incident = corrections.accept(req, moderator, {"city": "Sparks"}, "City corrected after a request from the defence lawyer.")
    req.refresh_from_db()
    assert req.state == "accepted" and req.resulting_version == incident.version == 4
    version = IncidentVersion.objects.get(incident=incident, number=4)
    assert version.changes["city"] == ["Reno", "Sparks"] and "defence lawyer" in version.note
    assert "accepted" in mail.outbox[-1].subject and mail.outbox[-1].to == ["l@example.org"]
    history = APIClient().get(f"/api/v1/incidents/{incident.public_id}/history/").json()["versions"]
    assert history[-1]["note"].startswith("City corrected") and history[-1]["changes"]["city"] == ["Reno", "Sparks"]


def test_declining_records_the_reason_and_tells_the_requester(named, moderator, other_moderator, django_capture_on_commit_callbacks):
    req = corrections.request_correction(named, {"details": "Please delete the whole record.", "contact_email": "x@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        corrections.decline(req, moderator, "The record rests on a court judgment; we correct errors but keep sourced facts.")
    req.refresh_from_db()
    assert req.state == "declined" and req.decided_by == moderator
    assert "court judgment" in mail.outbox[-1].body
    event = ModerationEvent.objects.filter(incident=named, action="decline_request").get()
    assert "court judgment" in event.reason
    with pytest.raises(moderation.Conflict):
        corrections.decline(req, other_moderator, "Again.")
    named.refresh_from_db()
    assert named.version == 3  # declining changes nothing public


def test_only_moderators_decide(named):
    from tests.factories import UserFactory

    req = corrections.request_correction(named, {"details": "x"})
    with pytest.raises(moderation.NotAModerator):
        corrections.accept(req, UserFactory(), {"city": "Sparks"}, "note")


def _public_surfaces(client, incident):
    """Every public place the record's text can appear."""
    pid = incident.public_id
    urls = [f"/incidents/{pid}/", f"/incidents/{pid}/history/", "/incidents/", f"/incidents/?q={STREET.split()[0]}", "/feed.atom", "/",
            f"/api/v1/incidents/{pid}/", f"/api/v1/incidents/{pid}/history/", "/api/v1/incidents/", "/api/v1/incidents/export.csv",
            "/api/v1/incidents/export.jsonl", f"/api/v1/incidents/?q={NAME.split()[0]}", "/stats/"]
    for system in incident.systems.all():
        urls += [f"/systems/{system.slug}/", f"/systems/{system.slug}/feed.atom", f"/api/v1/systems/{system.slug}/incidents/"]
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        yield url, response.status_code, body.decode()


def test_a_redaction_leaves_no_trace_on_any_public_surface(named, moderator, client):
    # Before: the name and the street are public (the test would be empty otherwise).
    before = {url: body for url, _, body in _public_surfaces(client, named)}
    assert NAME in before[f"/incidents/{named.public_id}/"] and STREET in before[f"/api/v1/incidents/{named.public_id}/history/"]

    req = corrections.request_correction(named, {"kind": "removal", "requester_role": "affected_person",
                                                 "details": "My name and my street are in the record.", "contact_email": "z@example.org"})
    incident = corrections.accept(req, moderator, {"narrative": "A man was arrested after a face match at the Reno casino.", "affected": {"name": ""}},
                                  "Personal details removed at the request of the person concerned.")
    assert incident.version == 4 and incident.redacted_at is not None
    for url, status, body in _public_surfaces(client, incident):
        assert status == 200, url
        for secret in (NAME, STREET, "Zebulon", "Quayle"):
            assert secret not in body, f"{secret!r} still on {url}"
    # The public history says what happened and why, without the text.
    history = client.get(f"/api/v1/incidents/{incident.public_id}/history/").json()["versions"]
    assert history[-1]["note"].startswith("Personal details removed")
    assert set(history[-1]["changes"]) == {"narrative", "affected_name"}
    assert history[-1]["changes"]["narrative"][0] == redaction.REMOVED
    assert history[2]["changes"]["narrative"][0].startswith("[hidden")  # the earlier correction's diff is hidden too
    # The moderation history keeps who and why, and only the field names.
    event = ModerationEvent.objects.filter(incident=incident, action="redact").get()
    assert event.actor == moderator and "request of the person concerned" in event.reason
    assert event.changes == {"fields": ["affected_name", "narrative"], "version": 4, "scrubbed": False}
    # Search by the removed words finds nothing.
    assert APIClient().get("/api/v1/incidents/", {"q": "Quayle"}).json()["results"] == []


def test_redaction_through_the_desk(named, moderator, client):
    req = corrections.request_correction(named, {"kind": "removal", "details": "My name is in it."})
    client.force_login(moderator)
    queue = client.get("/moderation/requests/").content.decode()
    assert f"/moderation/requests/{req.pk}/" in queue
    page = client.get(f"/moderation/requests/{req.pk}/").content.decode()
    assert 'name="remove_name"' in page and "redaction" in page
    response = client.post(f"/moderation/requests/{req.pk}/", {
        "action": "accept", "title": named.title, "narrative": "A man was arrested after a face match.", "region": named.region, "city": named.city,
        "remove_name": "1", "note": "Personal details removed at the request of the person concerned."}, follow=True)
    assert "Accepted" in response.content.decode()
    named.refresh_from_db()
    assert named.affected_name == "" and NAME not in named.narrative and named.version == 4


def test_desk_decline_needs_a_reason(named, moderator, client):
    req = corrections.request_correction(named, {"details": "x"})
    client.force_login(moderator)
    response = client.post(f"/moderation/requests/{req.pk}/", {"action": "decline", "reason": ""}, follow=True)
    assert "reason" in response.content.decode()
    req.refresh_from_db()
    assert req.state == "open"


def test_moderation_api_for_requests(named, moderator):
    from tests.factories import UserFactory

    req = corrections.request_correction(named, {"kind": "removal", "details": "Name.", "contact_email": "a@example.org"})
    anon = APIClient()
    assert anon.get("/api/v1/moderation/corrections/").status_code == 401
    api = APIClient()
    api.force_authenticate(UserFactory())
    assert api.get("/api/v1/moderation/corrections/").status_code == 403
    api.force_authenticate(moderator)
    rows = api.get("/api/v1/moderation/corrections/").json()
    assert rows[0]["id"] == req.pk and rows[0]["contact_email"] == "a@example.org"
    bad = api.post(f"/api/v1/moderation/corrections/{req.pk}/accept/", {"changes": {"affected": {"name": ""}}}, format="json")
    assert bad.status_code == 400 and "note" in bad.json()["error"]["fields"]
    ok = api.post(f"/api/v1/moderation/corrections/{req.pk}/accept/", {"changes": {"affected": {"name": ""}}, "note": "Name removed on request."}, format="json")
    assert ok.status_code == 200 and ok.json() == {"id": req.pk, "state": "accepted", "public_id": named.public_id, "version": 4}
    again = api.post(f"/api/v1/moderation/corrections/{req.pk}/decline/", {"reason": "x"}, format="json")
    assert again.status_code == 409
