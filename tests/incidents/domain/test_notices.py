"""Submitters kept informed (#18): mails for a question, a publication and a rejection, sent
by the worker after the commit (an outbox), never on a rollback, retried after a failure
without holding up the moderator; a lost status link asked for again by mail; the
thank-you page after post/redirect/get."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from incidents import tasks
from incidents.domain import moderation, notices
from incidents.models import Incident, Notice, Submission
from tests.factories import submit

pytestmark = pytest.mark.django_db

ADDRESS = "reporter@example.org"


def _with_address(**overrides):
    incident, submission, token = submit(submitter={"role": "affected_person", "contact_email": ADDRESS}, **overrides)
    return incident, submission


def _link_in(body: str) -> str:
    return re.search(r"http://[^\s]+/submissions/status/[^\s/]+/", body).group(0)


def test_a_question_is_mailed_by_the_worker_after_the_commit_with_a_working_status_link(moderator, django_capture_on_commit_callbacks, client, settings):
    settings.SITE_URL = "http://testserver"
    incident, submission = _with_address()
    moderation.claim(incident, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.request_changes(incident, moderator, "Which court handled the case?")
    assert mail.outbox == []  # not sent by the moderator's request
    assert DBTaskResult.objects.filter(task_path=tasks.send_notices.module_path, status="READY").exists()  # the worker is woken
    assert notices.send_due() == 1
    message = mail.outbox[0]
    assert message.to == [ADDRESS] and "Which court handled the case?" in message.body
    status = client.get(_link_in(message.body).replace("http://testserver", ""))
    assert status.status_code == 200 and "Which court handled the case?" in status.content.decode()
    notice = Notice.objects.get()
    assert notice.state == "sent" and notice.message == ""  # the text is not kept after sending
    assert notices.send_due() == 0  # sent once


def test_publication_and_rejection_are_mailed(moderator, settings):
    settings.SITE_URL = "https://registry.example.org"
    published, _ = _with_address()
    rejected, _ = _with_address(title="Another report")
    moderation.claim(published, moderator)
    published = moderation.publish(published, moderator)
    moderation.claim(rejected, moderator)
    moderation.reject(rejected, moderator, "Not a biometric identification.")
    assert notices.send_due() == 2
    bodies = {m.subject: m.body for m in mail.outbox}
    assert f"https://registry.example.org/incidents/{published.public_id}/" in bodies["Your report is now public"]
    assert "Not a biometric identification." in bodies["Your report was not published"]


def test_no_address_no_notice_and_a_rolled_back_action_sends_nothing(moderator):
    incident, _, _ = submit(submitter={"role": "journalist"})  # no address
    moderation.claim(incident, moderator)
    moderation.request_changes(incident, moderator, "Which court?")
    assert not Notice.objects.exists()
    other, _ = _with_address()
    moderation.claim(other, moderator)
    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.request_changes(other, moderator, "Which court?")
        raise RuntimeError("a later step failed")
    assert not Notice.objects.exists() and notices.send_due() == 0 and mail.outbox == []
    assert Incident.objects.get(pk=other.pk).status == "in_review"


def test_a_failed_mail_never_blocks_the_moderator_and_is_retried(moderator, monkeypatch):
    incident, _ = _with_address()
    moderation.claim(incident, moderator)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notices, "send_mail", broken)
    moderation.request_changes(incident, moderator, "Which court?")
    assert Incident.objects.get(pk=incident.pk).status == "changes_requested"
    assert notices.send_due() == 0
    notice = Notice.objects.get()
    assert notice.state == "pending" and notice.attempts == 1 and "mail server down" in notice.last_error
    assert notice.next_attempt_at > timezone.now() and not incident.submission.status_links.exists()  # no link kept for an unsent mail
    assert notices.send_due() == 0  # not due yet
    monkeypatch.undo()
    assert notices.send_due(now=notice.next_attempt_at) == 1 and len(mail.outbox) == 1


def test_a_cleared_address_drops_the_notice(moderator):
    incident, submission = _with_address()
    moderation.claim(incident, moderator)
    moderation.request_changes(incident, moderator, "Which court?")
    Submission.objects.filter(pk=submission.pk).update(contact_email="")
    assert notices.send_due() == 0 and Notice.objects.get().state == "dropped" and mail.outbox == []


def test_a_lost_link_is_sent_again_with_the_same_answer_for_known_and_unknown_addresses(client, settings):
    settings.SITE_URL = "http://testserver"
    _with_address()
    api = APIClient()
    known = api.post("/api/v1/submissions/lost-link/", {"email": ADDRESS.upper()}, format="json")
    unknown = api.post("/api/v1/submissions/lost-link/", {"email": "nobody@example.org"}, format="json")
    assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()
    page_known = client.post("/submissions/lost-link/", {"email": ADDRESS}).content.decode()
    page_unknown = client.post("/submissions/lost-link/", {"email": "nobody@example.org"}).content.decode()
    assert page_known.replace(ADDRESS, "") == page_unknown.replace("nobody@example.org", "")
    assert notices.send_due() == 2 and all(m.to == [ADDRESS] for m in mail.outbox)
    assert client.get(_link_in(mail.outbox[0].body).replace("http://testserver", "")).status_code == 200
    assert api.post("/api/v1/submissions/lost-link/", {"email": "not an address"}, format="json").status_code == 400


def test_asking_for_a_lost_link_is_rate_limited(rate_limits):
    rate_limits(lost_link="2/hour")
    api = APIClient()
    assert [api.post("/api/v1/submissions/lost-link/", {"email": ADDRESS}, format="json").status_code for _ in range(3)] == [202, 202, 429]


def test_reloading_the_thank_you_page_or_sending_the_form_twice_sends_one_report(client):
    from tests.incidents.views.test_forms_and_desk import VALID

    page = client.get("/submit/").content.decode()
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
    first = client.post("/submit/", {**VALID, "nonce": nonce})
    second = client.post("/submit/", {**VALID, "nonce": nonce})  # a double click
    assert first.status_code == second.status_code == 302 and Submission.objects.count() == 1
    thanks = client.get("/submit/thanks/").content.decode()
    assert 'id="status-link"' in thanks
    again = client.get("/submit/thanks/").content.decode()  # a reload
    assert 'id="status-link"' not in again and "it was not sent again" in again and Submission.objects.count() == 1


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_page(client):
    from tests.incidents.views.test_forms_and_desk import VALID

    nonce = re.search(r'name="nonce" value="([^"]+)"', client.get("/submit/").content.decode()).group(1)
    assert client.post("/submit/", {**VALID, "title": "", "nonce": nonce}).status_code == 400
    assert client.post("/submit/", {**VALID, "nonce": nonce}).status_code == 302 and Submission.objects.count() == 1
