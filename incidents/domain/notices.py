"""Telling submitters what happened to their report, by mail, through an outbox.

``queue`` is called inside a moderator's transaction (a question, a publication, a
rejection): one statement writes a notice for the submitter when they left an address, so
a rolled-back action leaves none. After the commit the worker is woken (the
``notice_queued`` signal; ``tasks.send_notices``) and ``send_due`` mails every notice that
is due; a failure is kept on the notice and retried later with a growing wait, and never
reaches the moderator. A mail with a status link carries a new link (``StatusLink``): the
first one was shown once and only its hash was kept.

``ask_for_links`` answers "I lost my status link" the same way whether or not the address
is known: the difference is only whether a mail is queued.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import OPEN_STATES
from ..models import Notice, StatusLink, Submission, hash_token, new_token

notice_queued = Signal()

RETRY_MINUTES = (1, 5, 30, 120, 360, 720)  # then it is given up (state failed)

SUBJECTS = {
    Notice.Kind.QUESTION: gettext_lazy("A moderator has a question about your report"),
    Notice.Kind.PUBLISHED: gettext_lazy("Your report is now public"),
    Notice.Kind.REJECTED: gettext_lazy("Your report was not published"),
    Notice.Kind.STATUS_LINK: gettext_lazy("Your status link"),
}


def queue(incident_id: int, kind: str, message: str = "") -> None:
    """Queue a notice for the submitter of this incident, if they left an address (in the caller's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO incidents_notice (submission_id, kind, message, state, attempts, next_attempt_at, last_error, created_at) "
            "SELECT id, %s, %s, 'pending', 0, now(), '', now() FROM incidents_submission WHERE incident_id = %s AND contact_email <> ''",
            [kind, message, incident_id])
        queued = cursor.rowcount
    if queued:
        transaction.on_commit(lambda: notice_queued.send(sender=Notice), robust=True)


def ask_for_links(email: str) -> None:
    """Queue a mail with a new status link for each report sent from ``email`` that is still
    open or was decided in the retention period (after which the address is gone anyway)."""
    email = (email or "").strip()
    if not email:
        return
    submissions = list(Submission.objects.filter(contact_email__iexact=email).values_list("pk", flat=True)[:20])
    if not submissions:
        return
    with transaction.atomic():
        Notice.objects.bulk_create([Notice(submission_id=pk, kind=Notice.Kind.STATUS_LINK) for pk in submissions])
        transaction.on_commit(lambda: notice_queued.send(sender=Notice), robust=True)


def _status_link(submission: Submission) -> str:
    token = new_token()
    StatusLink.objects.create(submission=submission, token_hash=hash_token(token))
    return f"{settings.SITE_URL}/submissions/status/{token}/"


def _body(notice: Notice) -> str:
    """The mail's text, in the language the submitter wrote their report in."""
    submission, incident = notice.submission, notice.submission.incident
    title = incident.title
    if notice.kind == Notice.Kind.QUESTION:
        return _("Thank you for your report “{title}”.\n\nA moderator asks:\n\n{message}\n\n"
                 "You can answer on your private status page:\n{link}\n\n"
                 "Nothing is published until a moderator has checked it. Do not forward this mail: the link opens your report.").format(
            title=title, message=notice.message, link=_status_link(submission))
    if notice.kind == Notice.Kind.PUBLISHED:
        return _("Your report “{title}” has been checked and is now public:\n{link}\n\n"
                 "Your e-mail address and your role stay private. If anything in the public record is wrong or names someone "
                 "who should not be named, use “Ask for a correction” on that page.").format(
            title=title, link=f"{settings.SITE_URL}/incidents/{incident.public_id}/")
    if notice.kind == Notice.Kind.REJECTED:
        return _("Your report “{title}” was not published.\n\nThe moderator's reason:\n\n{message}\n\n"
                 "Your private status page:\n{link}").format(title=title, message=notice.message, link=_status_link(submission))
    states = _("still being checked") if incident.status in OPEN_STATES else str(incident.get_status_display()).lower()
    return _("You asked for the link to your report “{title}” (now {state}):\n{link}\n\n"
             "If you did not ask for this, you can ignore this mail; the link only shows where the report stands.").format(
        title=title, state=states, link=_status_link(submission))


def send_due(now=None, limit: int = 200) -> int:
    """Send the notices that are due; return how many were sent. A failed send is retried later."""
    now = now or timezone.now()
    due = list(Notice.objects.filter(state=Notice.State.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at", "id")
               .values_list("pk", flat=True)[:limit])
    sent = 0
    for notice_id in due:
        error = None
        with transaction.atomic():
            notice = Notice.objects.select_for_update(skip_locked=True, of=("self",)).select_related("submission__incident").filter(
                pk=notice_id, state=Notice.State.PENDING).first()
            if notice is None:
                continue  # another worker has it
            if not notice.submission.contact_email:
                notice.state, notice.message = Notice.State.DROPPED, ""
                notice.save(update_fields=["state", "message"])
                continue
            try:
                with translation.override(notice.submission.language or settings.LANGUAGE_CODE):
                    subject, body = str(SUBJECTS[notice.kind]), _body(notice)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.submission.contact_email], fail_silently=False)
            except Exception as exc:  # any transport error: kept and retried, never raised to the worker
                error = exc
                transaction.set_rollback(True)  # the status link made for this mail is not kept
            else:
                notice.state, notice.sent_at, notice.message, notice.attempts = Notice.State.SENT, timezone.now(), "", notice.attempts + 1
                notice.save(update_fields=["state", "sent_at", "message", "attempts"])
                sent += 1
        if error is not None:
            _failed(notice_id, error, now)
    return sent


def _failed(notice_id: int, exc: Exception, now) -> None:
    notice = Notice.objects.get(pk=notice_id)
    notice.attempts += 1
    notice.last_error = f"{type(exc).__name__}: {exc}"[:300]
    if notice.attempts > len(RETRY_MINUTES):
        notice.state, notice.message = Notice.State.FAILED, ""
    else:
        notice.next_attempt_at = now + timedelta(minutes=RETRY_MINUTES[notice.attempts - 1])
    notice.save(update_fields=["attempts", "last_error", "state", "message", "next_attempt_at"])


def next_due():
    """When the next pending notice is due, or None."""
    return Notice.objects.filter(state=Notice.State.PENDING).order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()


