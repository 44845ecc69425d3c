"""What people send: submissions (with their status tokens) and correction requests."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

from .. import choices


def new_token() -> str:
    """Return a secret of 256 bits from the operating system's CSPRNG."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Submission(models.Model):
    """What a person sent in, kept as sent, with their private contact and status secret.

    Only a hash of the token is stored, so a database leak does not open status pages.
    """

    incident = models.OneToOneField("Incident", on_delete=models.PROTECT, related_name="submission")
    payload = models.JSONField("as submitted")
    submitter_role = models.CharField("submitter role", max_length=20, choices=choices.SubmitterRole.choices, default=choices.SubmitterRole.OTHER)
    contact_email = models.EmailField("contact e-mail (private)", blank=True)
    language = models.CharField(max_length=8, default="en", help_text="The language the submitter used (mails to them are written in it).")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    partner = models.ForeignKey("Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="submissions",
                                help_text="The partner a contributor sent it for (private).")
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self):
        return f"Submission #{self.pk}"

    @classmethod
    def by_token(cls, token: str):
        """The submission this secret link opens: the link shown after submitting, or one sent by mail (``StatusLink``)."""
        digest = hash_token(token or "")
        found = cls.objects.select_related("incident").filter(token_hash=digest).first()
        return found or cls.objects.select_related("incident").filter(status_links__token_hash=digest).first()


class CorrectionRequest(models.Model):
    """Someone, often the person the record is about, says a published record is wrong or
    names them. Private to the moderators: the public sees only the correction it leads to.
    """

    incident = models.ForeignKey("Incident", on_delete=models.PROTECT, related_name="correction_requests")
    kind = models.CharField("request", max_length=20, choices=choices.RequestKind.choices, default=choices.RequestKind.CORRECTION)
    requester_role = models.CharField("you are", max_length=20, choices=choices.SubmitterRole.choices, default=choices.SubmitterRole.OTHER)
    details = models.TextField("what is wrong", max_length=5000)
    evidence = models.TextField("evidence", max_length=5000, blank=True)
    contact_email = models.EmailField("contact e-mail (private)", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=20, choices=choices.RequestState.choices, default=choices.RequestState.OPEN, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision = models.TextField("decision note", blank=True, editable=False)
    resulting_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"], name="correction_request_queue")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} on {self.incident.public_id}"
