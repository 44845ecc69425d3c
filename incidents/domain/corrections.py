"""Requests to correct a published record or remove personal details from it.

Anyone may ask, from the incident page or the API; the person the record is about
most of all. A request is private to the moderators. Accepting one goes through
``incidents.moderation`` (``correct`` for a correction, ``redact`` for a removal),
so the public sees a new version with its note; declining records the reason and
tells the requester when they left an address.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from ..choices import Action, RequestKind, RequestState, SubmitterRole
from ..models import CorrectionRequest, Incident
from . import drafts, moderation, redaction


class CorrectionRequestIn(drafts.StrictSerializer):
    """What a requester sends. Only ``details`` is required; contact stays private."""

    kind = serializers.ChoiceField(choices=RequestKind.choices, default=RequestKind.CORRECTION,
                                   help_text="correction: something in the record is wrong; removal: remove a person's name or identifying details.")
    requester_role = serializers.ChoiceField(choices=SubmitterRole.choices, default=SubmitterRole.OTHER)
    details = serializers.CharField(max_length=5000, help_text="What is wrong, or which details identify a person.")
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                     help_text="Links or a description of documents that show it.")
    contact_email = serializers.EmailField(required=False, allow_blank=True, allow_null=True, default="", max_length=254,
                                           help_text="Private. Only to tell you the decision.")


def request_correction(incident: Incident, data: dict) -> CorrectionRequest:
    """Validate and store a request on a published record; raise DRF ValidationError naming the fields."""
    serializer = CorrectionRequestIn(data=data)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    values["contact_email"] = values.get("contact_email") or ""
    return CorrectionRequest.objects.create(incident=incident, **values)


def _decide(request_id: int, actor, state: str, decision: str, version=None) -> CorrectionRequest:
    """Close an open request; a second moderator acting on it gets a Conflict."""
    locked = CorrectionRequest.objects.select_for_update().get(pk=request_id)
    if locked.state != RequestState.OPEN:
        raise moderation.Conflict(f"Another moderator already {locked.get_state_display().lower()} this request.")
    locked.state, locked.decided_by, locked.decided_at, locked.decision = state, actor, timezone.now(), decision
    locked.resulting_version = version
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision", "resulting_version"])
    return locked


def _tell(req: CorrectionRequest, subject: str, body: str) -> None:
    """E-mail the requester if they left an address; a mail failure never undoes a decision."""
    if not req.contact_email:
        return
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [req.contact_email], fail_silently=True), robust=True)


def accept(req: CorrectionRequest, actor, changes: dict, note: str, *, remove=None) -> Incident:
    """Apply the change as a new public version: a redaction for a removal request (``remove``
    lists the texts to take out everywhere, ``changes`` optional fields to set), else a
    correction (``changes`` as sent; validated by the moderation service)."""
    if not moderation.is_moderator(actor):
        raise moderation.NotAModerator("Only moderators can do this.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Write the public correction note: what changed and why."})
    with transaction.atomic():
        current = CorrectionRequest.objects.select_for_update().get(pk=req.pk)
        if current.state != RequestState.OPEN:
            raise moderation.Conflict(f"Another moderator already {current.get_state_display().lower()} this request.")
        if req.kind == RequestKind.REMOVAL:
            incident = redaction.redact(req.incident, actor, note, remove=remove, changes=changes)
        else:
            if not changes:
                raise ValidationError({"changes": "Say what to change; to refuse the request, decline it with a reason."})
            incident = moderation.correct(req.incident, actor, changes, note)
        decided = _decide(req.pk, actor, RequestState.ACCEPTED, note, incident.version)
        _tell(decided, f"Your request about {incident.public_id} was accepted",
              f"Thank you. The record {incident.public_id} now reads differently (version {incident.version}).\n\n"
              f"Note published with the change: {note}\n")
    return incident


def decline(req: CorrectionRequest, actor, reason: str) -> CorrectionRequest:
    """Refuse a request with a reason, kept in the moderation history and sent to the requester."""
    if not moderation.is_moderator(actor):
        raise moderation.NotAModerator("Only moderators can do this.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason; the requester receives it if they left an address."})
    with transaction.atomic():
        decided = _decide(req.pk, actor, RequestState.DECLINED, reason)
        moderation.record_event(req.incident, Action.DECLINE_REQUEST, actor, from_status=req.incident.status, reason=reason,
                                changes={"request": req.pk})
        _tell(decided, f"Your request about {req.incident.public_id}",
              f"We looked at your request and did not change the record {req.incident.public_id}.\n\nReason: {reason}\n")
    return decided


def open_requests():
    return CorrectionRequest.objects.filter(state=RequestState.OPEN).select_related("incident").order_by("created_at", "id")
