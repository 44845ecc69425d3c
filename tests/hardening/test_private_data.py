"""Data the registry should not keep or leak (#13): no status token or address in a log line
the project writes; contact addresses cleared after the retention period, recorded in the
history without the address."""

import io
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from incidents.domain import corrections, moderation, retention
from incidents.models import CorrectionRequest, ModerationEvent, Submission
from registry.logs import MaskSecrets, QuietConsoleBackend, mask
from tests.factories import publish_new, submit

pytestmark = pytest.mark.django_db


def test_status_tokens_and_addresses_are_masked_in_log_lines():
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', ("GET /submissions/status/s3cr3tT0ken_x/ HTTP/1.1", 200, "ada@private.example"), None)
    MaskSecrets().filter(record)
    line = record.getMessage()
    assert "s3cr3tT0ken_x" not in line and "ada@private.example" not in line
    assert "/submissions/status/[secret]/" in line and "[address]" in line
    assert mask("/api/v1/submissions/status/abc/?x=1") == "/api/v1/submissions/status/[secret]/?x=1"


def test_the_server_log_of_a_real_request_carries_no_token(client, caplog):
    _, _, token = submit()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskSecrets())
    logger = logging.getLogger("django.server")
    logger.addHandler(handler)
    try:
        logger.info('"%s" %s', f"GET /submissions/status/{token}/ HTTP/1.1", 200)
    finally:
        logger.removeHandler(handler)
    assert token not in stream.getvalue() and "[secret]" in stream.getvalue()


def test_the_development_mail_backend_prints_neither_address_nor_body(capsys, moderator):
    record = publish_new(moderator)
    request = corrections.request_correction(record, {"details": "Wrong city.", "contact_email": "requester@private.example"})
    with override_settings(EMAIL_BACKEND="registry.logs.QuietConsoleBackend"):
        QuietConsoleBackend().send_messages([mail.EmailMessage("Your request", "Decision: the city is right.", "r@x.org", ["requester@private.example"])])
    err = capsys.readouterr().err
    assert "requester@private.example" not in err and "Decision" not in err and "[mail] sent to 1 recipient(s)" in err
    assert request.contact_email == "requester@private.example"


def test_contacts_are_cleared_after_the_retention_period_with_a_moved_clock(moderator, settings):
    settings.CONTACT_RETENTION_DAYS = 90
    published = publish_new(moderator)
    rejected, _, _ = submit()
    moderation.reject(rejected, moderator, "Out of scope.")
    waiting, _, _ = submit()
    request = corrections.request_correction(published, {"details": "Wrong city.", "contact_email": "requester@private.example"})
    corrections.decline(request, moderator, "The court record says Detroit.")
    open_request = corrections.request_correction(published, {"details": "Another.", "contact_email": "other@private.example"})
    now = timezone.now()

    assert retention.clear_old_contacts(now=now + timedelta(days=89)) == 0
    assert Submission.objects.exclude(contact_email="").count() == 3

    assert retention.clear_old_contacts(now=now + timedelta(days=91)) == 3
    assert Submission.objects.get(incident=published).contact_email == ""
    assert Submission.objects.get(incident=rejected).contact_email == ""
    assert Submission.objects.get(incident=waiting).contact_email != ""  # still waiting for a decision
    assert CorrectionRequest.objects.get(pk=request.pk).contact_email == ""
    assert CorrectionRequest.objects.get(pk=open_request.pk).contact_email == "other@private.example"
    events = ModerationEvent.objects.filter(action="clear_contact")
    assert events.count() == 3 and all("private.example" not in f"{e.reason}{e.changes}" for e in events)
    assert retention.clear_old_contacts(now=now + timedelta(days=200)) == 0  # nothing left to clear


def test_gunicorns_access_log_masks_status_tokens():
    from types import SimpleNamespace

    from registry.logs import gunicorn_logger

    cfg = SimpleNamespace(access_log_format='%(h)s "%(r)s" %(s)s', errorlog="-", accesslog=None, loglevel="info",
                          syslog=False, capture_output=False, logconfig=None, logconfig_dict={}, logconfig_json=None,
                          disable_redirect_access_to_syslog=False, user=0, group=0, syslog_addr=None, syslog_facility="user",
                          syslog_prefix=None, dogstatsd_tags="", statsd_host=None, statsd_prefix="")
    logger = gunicorn_logger()(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/submissions/status/abc123secret/", "PATH_INFO": "/submissions/status/abc123secret/",
               "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    req = SimpleNamespace(headers=[], uri="/submissions/status/abc123secret/", method="GET", path="/submissions/status/abc123secret/",
                          query="", version=(1, 1))
    resp = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    atoms = logger.atoms(resp, req, environ, __import__("datetime").timedelta(seconds=0.01))
    line = '"%s"' % atoms["r"]
    assert "abc123secret" not in line and "/status/[secret]/" in line
