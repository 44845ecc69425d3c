"""A moderator edits a draft before publishing it: in the desk (the submission form, filled
with the draft) and through PATCH /api/v1/moderation/submissions/{id}/, both through
``moderation.edit_draft``; each edit a history row with what changed; the submission as
sent kept beside the draft."""

import pytest

from incidents.choices import Action, Status
from incidents.domain import moderation
from incidents.models import Incident, ModerationEvent
from tests.factories import submit

pytestmark = pytest.mark.django_db


def _claimed(moderator, **overrides):
    incident, submission, token = submit(**overrides)
    moderation.claim(incident, moderator)
    return incident, submission


def test_patch_edits_the_draft_and_the_history_says_what_changed(mod_client, moderator):
    incident, submission = _claimed(moderator)
    sent_title = submission.payload["title"]
    response = mod_client.patch(f"/api/v1/moderation/submissions/{submission.pk}/", {
        "title": "Man wrongly arrested after a face search", "city": "Dearborn",
        "sources": [{"url": "https://example.org/court-file", "title": "Court file 24-123", "source_type": "court_record"}]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["draft"]["title"] == "Man wrongly arrested after a face search"
    assert body["draft"]["city"] == "Dearborn"
    assert [s["url"] for s in body["draft"]["sources"]] == ["https://example.org/court-file"]
    assert body["payload"]["title"] == sent_title  # the original, as sent
    edit = ModerationEvent.objects.filter(incident=incident, action=Action.EDIT).get()
    assert edit.actor == moderator
    assert edit.changes["title"] == [sent_title, "Man wrongly arrested after a face search"]
    assert edit.changes["sources"][1] == ["https://example.org/court-file — Court file 24-123"]
    assert "narrative" not in edit.changes  # unchanged fields are not listed
    assert body["history"][-1]["action"] == "edit"
    published = moderation.publish(Incident.objects.get(pk=incident.pk), moderator)
    assert published.title == "Man wrongly arrested after a face search"


def test_patch_refuses_bad_fields_with_the_submission_messages_and_changes_nothing(mod_client, moderator):
    incident, submission = _claimed(moderator)
    before = Incident.objects.values().get(pk=incident.pk)
    response = mod_client.patch(f"/api/v1/moderation/submissions/{submission.pk}/",
                                {"incident_date": "2999-01-01", "sources": [{"url": "ftp://x"}]}, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"] if "fields" in response.json() else response.json()
    text = str(fields)
    assert "incident_date" in text and "The date is in the future." in text and "sources" in text
    assert Incident.objects.values().get(pk=incident.pk) == before
    assert not ModerationEvent.objects.filter(incident=incident, action=Action.EDIT).exists()


def test_only_the_moderator_holding_the_claim_can_edit(mod_client, moderator, other_moderator):
    incident, submission, _ = submit()
    url = f"/api/v1/moderation/submissions/{submission.pk}/"
    assert mod_client.patch(url, {"city": "Flint"}, format="json").status_code == 409  # not claimed
    moderation.claim(incident, other_moderator)
    response = mod_client.patch(url, {"city": "Flint"}, format="json")
    assert response.status_code == 409
    assert "mod-grace is reviewing" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).city != "Flint"


def test_anonymous_and_submitters_cannot_edit(visitor, submitter):
    url = f"/api/v1/moderation/submissions/{submitter.submission.pk}/"
    assert visitor.patch(url, {"city": "Detroit"}, format="json").status_code in (401, 403)


def test_the_desk_edit_form_is_the_submission_form_filled_with_the_draft(client, moderator):
    incident, submission = _claimed(moderator, city="Detroit")
    client.force_login(moderator)
    page = client.get(f"/moderation/submissions/{submission.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{incident.title}"' in html and 'value="Detroit"' in html
    assert "rewrite first-person text" in html
    form = {key: value for key, value in page.context["v"].items()}
    post = {"title": incident.title, "narrative": incident.narrative + " The charges were dropped.", "country": incident.country,
            "city": "Dearborn", "incident_date": "2020-01", "identification_mode": incident.identification_mode,
            "error_type": incident.error_type, "affected-count": "1", "affected-has_minor": "no",
            "sources-0-url": "https://example.org/story", "sources-0-title": "Wrongly arrested", "sources-0-source_type": "news",
            "outcomes-0-type": "arrested", "outcomes-0-sources": "1", "note": "Typo and the date"}
    assert form["title"] == incident.title
    response = client.post(f"/moderation/submissions/{submission.pk}/edit/", post)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.city == "Dearborn" and incident.narrative.endswith("The charges were dropped.")
    edit = ModerationEvent.objects.filter(incident=incident, action=Action.EDIT).get()
    assert edit.reason == "Typo and the date" and "city" in edit.changes and "narrative" in edit.changes
    review = client.get(f"/moderation/submissions/{submission.pk}/").content.decode()
    assert "As submitted (the original, never changed)" in review and "city: Detroit → Dearborn" in review


def test_the_desk_edit_form_shows_errors_beside_fields_and_saves_nothing(client, moderator):
    incident, submission = _claimed(moderator)
    client.force_login(moderator)
    response = client.post(f"/moderation/submissions/{submission.pk}/edit/", {
        "title": "", "narrative": incident.narrative, "country": incident.country, "sources-0-url": "not a link"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="title-error"' in html and "Not saved." in html
    assert Incident.objects.get(pk=incident.pk).title == incident.title


def test_the_desk_edit_form_needs_the_claim(client, moderator):
    incident, submission, _ = submit()
    client.force_login(moderator)
    response = client.get(f"/moderation/submissions/{submission.pk}/edit/", follow=True)
    assert "Claim the submission for review before editing" in response.content.decode()


def test_the_queue_shows_answers_and_who_holds_each_claim(client, mod_client, moderator, submitter):
    moderation.claim(submitter.incident, moderator)
    moderation.request_changes(submitter.incident, moderator, "Which court?")
    moderation.answer(submitter.incident, "Wayne County Circuit Court.")
    other, _, _ = submit(title="Another case of a wrong match")
    moderation.claim(other, moderator)
    rows = {r["id"]: r for r in mod_client.get("/api/v1/moderation/submissions/").json()}
    assert rows[submitter.submission.pk]["answered"] is True
    assert rows[other.submission.pk]["answered"] is False and rows[other.submission.pk]["claimed_by"] == "mod-ada"
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert "Submitter answered" in html and "mod-ada" in html
    assert Incident.objects.get(pk=submitter.incident.pk).status == Status.SUBMITTED
