"""The submission form, the status page and the moderators' desk."""

import re

import pytest
from django.test import Client

from incidents.domain import moderation
from incidents.models import Incident, Submission
from tests.factories import SystemFactory, UserFactory, publish_new, submit, totp_code

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Woman stopped after a face scan at a station", "narrative": "Officers stopped her after a live camera alert.",
    "incident_date": "2025-02-03", "country": "GB", "region": "London", "city": "Croydon",
    "systems": ["Live FR Van", ""], "operators": ["Metropolitan Police", ""],
    "identification_mode": "live_search", "error_type": "false_match", "contributing_factors": ["no_corroboration"],
    "affected-count": "1", "affected-has_minor": "no",
    "sources-0-url": "https://example.org/story", "sources-0-title": "Stopped by a camera", "sources-0-source_type": "news",
    "sources-1-url": "https://example.org/court", "sources-1-title": "Court filing", "sources-1-source_type": "court_record",
    "outcomes-0-type": "stopped", "outcomes-0-sources": "1, 2", "outcomes-0-detail": "Held for 20 minutes.",
    "submitter-role": "affected_person", "submitter-contact_email": "me@example.org",
}


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def _post_with_csrf(client, url, data):
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_the_form_has_labels_privacy_note_and_suggestions(client, moderator):
    SystemFactory(name="Clearview AI", aliases=["Clearview"])
    publish_new(moderator, systems=["Clearview AI"])
    html = client.get("/submit/").content.decode()
    assert "What stays private" in html and "never recorded or published" in html
    assert '<datalist id="system-names">' in html and '<option value="Clearview">' in html
    for field_id in ("title", "narrative", "country", "sources-0-url", "outcomes-0-type", "submitter-contact_email"):
        assert f'<label for="{field_id}"' in html, field_id


def test_a_valid_submission_shows_the_status_link_once(csrf_client):
    response = _post_with_csrf(csrf_client, "/submit/", VALID)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/submit/thanks/"  # post/redirect/get: the link is never in an address
    response = csrf_client.get("/submit/thanks/")
    html = response.content.decode()
    link = re.search(r'id="status-link" href="([^"]+)"', html).group(1)
    assert "/submissions/status/" in link and "Keep this private link" in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    submission = Submission.objects.get()
    assert submission.contact_email == "me@example.org"
    incident = submission.incident
    assert incident.status == "submitted" and incident.source_links.count() == 2
    outcome = incident.outcomes.get()
    assert outcome.type == "stopped" and outcome.sources.count() == 2
    assert sorted(p.name for p in incident.proposed_names.all()) == ["Live FR Van", "Metropolitan Police"]
    status = csrf_client.get(link.replace("http://testserver", ""))
    assert status.status_code == 200 and "Waiting for a moderator" in status.content.decode()


def test_the_form_refuses_posts_without_csrf(csrf_client):
    assert csrf_client.post("/submit/", VALID).status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.parametrize("changes,field_id,message", [
    ({"title": ""}, "title", "This field may not be blank."),
    ({"sources-0-url": "ftp://example.org/x", "sources-1-url": ""}, "sources-0-url", "Only http and https"),
    ({"sources-0-url": "", "sources-1-url": "", "sources-0-title": "", "sources-1-title": "", "outcomes-0-type": "", "outcomes-0-detail": ""},
     "sources", "Give at least one source"),
    ({"incident_date": "2999-01-01"}, "incident_date", "future"),
    ({"outcomes-0-sources": "7"}, "outcomes-0-sources", ""),
    ({"affected-has_minor": "yes", "affected-name": "A Child"}, "affected-name", "A minor's name is never recorded"),
    ({"country": "XX"}, "country", "not an ISO 3166-1"),
])
def test_errors_are_shown_beside_the_field_with_the_api_message(client, changes, field_id, message):
    response = client.post("/submit/", {**VALID, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The report was not sent" in html
    assert field_id in response.context["errors"], response.context["errors"]
    assert message in " ".join(response.context["errors"][field_id])
    assert not Submission.objects.exists() and not Incident.objects.exists()
    # What was typed is kept.
    assert 'value="Croydon"' in html


def test_the_form_is_rate_limited(client, settings):
    from django.core.cache import cache

    cache.clear()
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], submissions="2/hour")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [client.post("/submit/", VALID).status_code for _ in range(3)]
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()
    assert codes == [302, 302, 429]
    assert Submission.objects.count() == 2


def test_status_page_answers_a_change_request(client, moderator):
    incident, submission, token = submit()
    moderation.claim(incident, moderator)
    moderation.request_changes(incident, moderator, "Which station was it?")
    page = client.get(f"/submissions/status/{token}/").content.decode()
    assert "Which station was it?" in page and 'name="message"' in page
    assert client.post(f"/submissions/status/{token}/", {"message": ""}).status_code == 400
    done = client.post(f"/submissions/status/{token}/", {"message": "East Croydon."})
    assert done.status_code == 200 and "Your answer was sent" in done.content.decode()
    incident.refresh_from_db()
    assert incident.status == "submitted"  # back in the queue for a moderator
    assert client.get("/submissions/status/not-a-token/").status_code == 404


def test_desk_needs_a_moderator(client):
    assert client.get("/moderation/")["Location"].startswith("/moderation/login/")
    client.force_login(UserFactory())
    assert client.get("/moderation/").status_code == 403
    _, submission, _ = submit()
    assert client.post(f"/moderation/submissions/{submission.pk}/", {"action": "claim"}).status_code == 403
    assert Incident.objects.get().status == "submitted"


def test_moderator_logs_in_and_works_the_queue(client, moderator):
    moderator.set_password("correct horse")
    moderator.save()
    response = client.post("/moderation/login/", {"username": "mod-ada", "password": "correct horse"})
    assert response.status_code == 302 and response["Location"] == "/moderation/"
    # Then the second factor (tests/hardening/test_moderator_accounts.py tests it in full).
    assert client.get("/moderation/")["Location"].startswith("/moderation/second-factor/")
    assert client.post("/moderation/second-factor/", {"code": totp_code(moderator)}).status_code == 302
    incident, submission, _ = submit(title="Queue item one", systems=["Brand New Scanner"],
                                     submitter={"role": "lawyer", "contact_email": "lawyer@example.org"})
    queue = client.get("/moderation/").content.decode()
    assert "Queue item one" in queue and "Brand New Scanner" in queue
    review = client.get(f"/moderation/submissions/{submission.pk}/").content.decode()
    assert "lawyer@example.org" in review and "What would be published" in review and "Claim for review" in review

    client.post(f"/moderation/submissions/{submission.pk}/", {"action": "claim", "expected_status": "submitted"})
    client.post(f"/moderation/submissions/{submission.pk}/", {"action": "request_changes", "message": "Which city?", "expected_status": "in_review"})
    assert Incident.objects.get(pk=incident.pk).status == "changes_requested"
    moderation.answer(incident, "Detroit.")
    client.post(f"/moderation/submissions/{submission.pk}/", {"action": "claim", "expected_status": "submitted"})
    undecided = client.post(f"/moderation/submissions/{submission.pk}/", {"action": "publish", "expected_status": "in_review"}, follow=True)
    assert "Brand New Scanner" in undecided.content.decode() and "Not done" in undecided.content.decode()
    published = client.post(f"/moderation/submissions/{submission.pk}/",
                            {"action": "publish", "expected_status": "in_review", "proposed:Brand New Scanner": "create"}, follow=True)
    incident.refresh_from_db()
    assert incident.status == "published" and f"Published as {incident.public_id}" in published.content.decode()


def test_desk_says_when_another_moderator_acted_first(client, moderator, other_moderator):
    client.force_login(moderator)
    incident, submission, _ = submit()
    moderation.claim(incident, other_moderator)
    page = client.post(f"/moderation/submissions/{submission.pk}/", {"action": "claim", "expected_status": "submitted"}, follow=True)
    assert "Another moderator acted first" in page.content.decode()
    assert Incident.objects.get(pk=incident.pk).claimed_by == other_moderator


def test_desk_corrects_merges_and_withdraws(client, moderator):
    client.force_login(moderator)
    a, b, c = publish_new(moderator), publish_new(moderator), publish_new(moderator)
    url = f"/moderation/incidents/{a.public_id}/action/"
    client.post(url, {"action": "correct", "changes": '{"city": "Dearborn"}', "note": "Court record gives Dearborn."})
    a.refresh_from_db()
    assert a.city == "Dearborn" and a.version == 2
    bad = client.post(url, {"action": "correct", "changes": "not json", "note": "x"}, follow=True)
    assert "must be a JSON object" in bad.content.decode()
    client.post(f"/moderation/incidents/{b.public_id}/action/", {"action": "merge", "into": a.public_id, "reason": "Same case."})
    client.post(f"/moderation/incidents/{c.public_id}/action/", {"action": "withdraw", "reason": "Retracted.", "expected_status": "published"})
    assert Incident.objects.get(pk=b.pk).status == "merged" and Incident.objects.get(pk=c.pk).status == "withdrawn"
    no_reason = client.post(f"/moderation/incidents/{a.public_id}/action/", {"action": "withdraw", "reason": ""}, follow=True)
    assert "Not done" in no_reason.content.decode() and Incident.objects.get(pk=a.pk).status == "published"
