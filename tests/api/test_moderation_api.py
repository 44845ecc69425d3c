"""Moderators' endpoints: token auth, the queue, and every transition through incidents.moderation."""

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken
from incidents.models import Incident, ModerationEvent, System
from tests.factories import SystemFactory, UserFactory, payload, publish_new, submit

pytestmark = pytest.mark.django_db


def _url(submission, action=""):
    return f"/api/v1/moderation/submissions/{submission.pk}/" + (f"{action}/" if action else "")


ENDPOINTS = [
    ("get", "/api/v1/moderation/submissions/"),
    ("get", "/api/v1/moderation/submissions/{pk}/"),
    *[("post", f"/api/v1/moderation/submissions/{{pk}}/{a}/") for a in ("claim", "release", "request-changes", "publish", "reject")],
    *[("post", f"/api/v1/moderation/incidents/{{public_id}}/{a}/") for a in ("merge", "withdraw", "correct")],
]


@pytest.mark.parametrize("method,template", ENDPOINTS)
def test_moderation_needs_a_moderator_token(client, moderator, method, template):
    published = publish_new(moderator)
    _, submission, _ = submit()
    url = template.format(pk=submission.pk, public_id=published.public_id)
    anonymous = getattr(client, method)(url, {}, format="json")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["status"] == 401
    assert "Token" in anonymous["WWW-Authenticate"]

    outsider = APIClient()
    user = UserFactory()
    from incidents import mfa

    mfa.set_up(user)  # a signed-in account with a second factor, but no moderator
    outsider.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(user)[1]}")
    forbidden = getattr(outsider, method)(url, {}, format="json")
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "permission_denied"
    assert Incident.objects.get(pk=submission.incident_id).status == "submitted"


def test_queue_lists_open_submissions_oldest_first_with_contact(mod_client, moderator):
    first, s1, _ = submit(submitter={"role": "affected_person", "contact_email": "me@example.org"})
    _, s2, _ = submit()
    done = publish_new(moderator)
    body = mod_client.get("/api/v1/moderation/submissions/").json()
    assert [row["id"] for row in body] == [s1.pk, s2.pk]
    assert body[0]["contact_email"] == "me@example.org" and body[0]["status"] == "submitted"
    published = mod_client.get("/api/v1/moderation/submissions/?state=published").json()
    assert [row["public_id"] for row in published] == [done.public_id]
    bad = mod_client.get("/api/v1/moderation/submissions/?state=lost")
    assert bad.status_code == 400 and "state" in bad.json()["error"]["fields"]


def test_queue_detail_shows_payload_draft_history_and_allowed_actions(mod_client):
    _, submission, _ = submit(systems=["Brand New Scanner"])
    body = mod_client.get(_url(submission)).json()
    assert body["payload"]["systems"] == ["Brand New Scanner"]
    assert body["proposed"] == [{"kind": "system", "name": "Brand New Scanner"}]
    assert body["history"][0]["action"] == "submit"
    assert "claim" in body["allowed_actions"] and "publish" not in body["allowed_actions"]


def test_claim_then_publish_returns_the_new_public_id(mod_client):
    incident, submission, _ = submit()
    assert mod_client.post(_url(submission, "claim"), {}, format="json").json()["status"] == "in_review"
    result = mod_client.post(_url(submission, "publish"), {"note": "Checked both sources."}, format="json").json()
    assert result["status"] == "published" and result["public_id"].startswith("WIR-") and result["version"] == 1
    assert mod_client.get(f"/api/v1/incidents/{result['public_id']}/").status_code == 200


def test_publish_with_proposed_names_needs_a_decision_for_each(mod_client):
    existing = SystemFactory(name="Clearview AI", slug="clearview-ai")
    _, submission, _ = submit(systems=["Brand New Scanner", "ClearView Face Thing"], operators=["Springfield Police"])
    mod_client.post(_url(submission, "claim"), {}, format="json")
    refused = mod_client.post(_url(submission, "publish"), {"proposed": {"Brand New Scanner": "create"}}, format="json")
    assert refused.status_code == 400
    messages = " ".join(refused.json()["error"]["fields"]["proposed"])
    assert "ClearView Face Thing" in messages and "Springfield Police" in messages and "Brand New Scanner" not in messages
    assert Incident.objects.get(pk=submission.incident_id).status == "in_review"

    decisions = {"Brand New Scanner": "create", "ClearView Face Thing": existing.slug, "Springfield Police": "reject"}
    result = mod_client.post(_url(submission, "publish"), {"proposed": decisions}, format="json")
    assert result.status_code == 200, result.json()
    record = mod_client.get(f"/api/v1/incidents/{result.json()['public_id']}/").json()
    assert sorted(s["slug"] for s in record["systems"]) == ["brand-new-scanner", "clearview-ai"]
    assert record["operators"] == []
    assert System.objects.filter(name="Brand New Scanner").exists()


def test_an_unknown_slug_as_decision_is_a_400(mod_client):
    _, submission, _ = submit(systems=["Brand New Scanner"])
    mod_client.post(_url(submission, "claim"), {}, format="json")
    response = mod_client.post(_url(submission, "publish"), {"proposed": {"Brand New Scanner": "no-such-system"}}, format="json")
    assert response.status_code == 400 and "no-such-system" in response.json()["error"]["fields"]["proposed"][0]


def test_request_changes_and_reject_need_their_text(mod_client):
    _, submission, _ = submit()
    mod_client.post(_url(submission, "claim"), {}, format="json")
    assert mod_client.post(_url(submission, "request-changes"), {}, format="json").json()["error"]["fields"] == {"message": ["This field is required."]}
    assert mod_client.post(_url(submission, "request-changes"), {"message": "Which city?"}, format="json").json()["status"] == "changes_requested"
    _, other, _ = submit()
    mod_client.post(_url(other, "claim"), {}, format="json")
    assert "reason" in mod_client.post(_url(other, "reject"), {}, format="json").json()["error"]["fields"]
    assert mod_client.post(_url(other, "reject"), {"reason": "Out of scope."}, format="json").json()["status"] == "rejected"


def test_a_stale_expected_status_or_anothers_claim_is_a_409(mod_client, other_moderator):
    incident, submission, _ = submit()
    stale = mod_client.post(_url(submission, "claim"), {"expected_status": "changes_requested"}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    from incidents.domain import moderation

    moderation.claim(incident, other_moderator)
    taken = mod_client.post(_url(submission, "publish"), {}, format="json")
    assert taken.status_code == 409 and "mod-grace" in taken.json()["error"]["message"]
    assert Incident.objects.get(pk=incident.pk).status == "in_review"


def test_an_action_not_allowed_from_the_status_is_a_409(mod_client):
    _, submission, _ = submit()
    response = mod_client.post(_url(submission, "publish"), {}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"


def test_merge_withdraw_and_correct_a_published_incident(client, mod_client, moderator):
    a, b, c = publish_new(moderator), publish_new(moderator), publish_new(moderator)
    merged = mod_client.post(f"/api/v1/moderation/incidents/{a.public_id}/merge/", {"into": b.public_id, "reason": "Same arrest."}, format="json")
    assert merged.json()["status"] == "merged"
    assert client.get(f"/api/v1/incidents/{a.public_id}/").status_code == 301

    assert "reason" in mod_client.post(f"/api/v1/moderation/incidents/{c.public_id}/withdraw/", {}, format="json").json()["error"]["fields"]
    withdrawn = mod_client.post(f"/api/v1/moderation/incidents/{c.public_id}/withdraw/", {"reason": "Source retracted."}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/incidents/{c.public_id}/").status_code == 410

    corrected = mod_client.post(f"/api/v1/moderation/incidents/{b.public_id}/correct/",
                                {"changes": {"city": "Farmington Hills"}, "note": "The arrest was in Farmington Hills."}, format="json")
    # Version 2 came from the merge (a's sources moved into b); the correction makes version 3.
    assert corrected.json() == {"status": "published", "public_id": b.public_id, "version": 3}
    history = client.get(f"/api/v1/incidents/{b.public_id}/history/").json()
    assert any("Farmington Hills" in str(v) for v in history["versions"])


def test_correct_validates_changes_like_a_submission(mod_client, moderator):
    b = publish_new(moderator)
    bad = mod_client.post(f"/api/v1/moderation/incidents/{b.public_id}/correct/",
                          {"changes": {"error_type": "oops"}, "note": "x"}, format="json")
    assert bad.status_code == 400 and "error_type" in str(bad.json()["error"]["fields"])
    assert Incident.objects.get(pk=b.pk).version == 1


def test_merge_into_an_unknown_or_itself_is_a_400(mod_client, moderator):
    a = publish_new(moderator)
    assert "into" in mod_client.post(f"/api/v1/moderation/incidents/{a.public_id}/merge/", {"into": "WIR-1999-0001"}, format="json").json()["error"]["fields"]
    assert "into" in mod_client.post(f"/api/v1/moderation/incidents/{a.public_id}/merge/", {"into": a.public_id}, format="json").json()["error"]["fields"]


def test_every_api_action_is_recorded_with_its_actor(mod_client, moderator):
    incident, submission, _ = submit()
    mod_client.post(_url(submission, "claim"), {}, format="json")
    mod_client.post(_url(submission, "release"), {}, format="json")
    actions = list(ModerationEvent.objects.filter(incident=incident).order_by("id").values_list("action", "actor__username"))
    assert actions[1:] == [("claim", "mod-ada"), ("release", "mod-ada")]


def test_the_payload_helper_is_valid(mod_client):
    # Guards the fixtures above: the default body is accepted as is.
    assert APIClient().post("/api/v1/submissions/", payload(), format="json").status_code == 201
