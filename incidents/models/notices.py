"""Mail to submitters, kept as an outbox: a notice is written in the same transaction as the
moderator's action that causes it, so a rolled-back action sends nothing, and the worker
sends it after the commit, retrying a failed send without ever holding up the moderator."""

from django.db import models

from .intake import Submission


class Notice(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", "A moderator asks a question"
        PUBLISHED = "published", "The report is published"
        REJECTED = "rejected", "The report is not published"
        STATUS_LINK = "status_link", "A new status link, asked for"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up after repeated failures"
        DROPPED = "dropped", "No address left to send to"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The moderator's question or reason, as it was when the notice was made; emptied once sent.
    message = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(auto_now_add=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at"], name="notice_due", condition=models.Q(state="pending"))]

    def __str__(self):
        return f"{self.get_kind_display()} for submission {self.submission_id} ({self.state})"


class StatusLink(models.Model):
    """A further secret link to a submission's status page, made for a mail (the one shown
    after submitting is ``Submission.token_hash``). Only its hash is stored."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="status_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
