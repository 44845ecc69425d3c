"""Writes that are not moderation transitions: taking in a submission.

Each function validates fully before writing, and writes in one transaction, so a
rejected request stores nothing.
"""

import copy

from django.conf import settings
from django.db import transaction
from django.utils import translation
from rest_framework import serializers

from ..choices import Action, Status, SubmitterRole
from ..models import Submission, hash_token, new_token
from . import drafts, duplicates, moderation, records


class SubmitterSerializer(drafts.StrictSerializer):
    role = serializers.ChoiceField(choices=SubmitterRole.choices, default=SubmitterRole.OTHER)
    contact_email = serializers.EmailField(required=False, allow_blank=True, allow_null=True, default="", max_length=254,
                                           help_text="Private. Used only by moderators to ask about the submission.")


class SubmissionSerializer(drafts.IncidentDraft):
    """A submission: an incident draft plus who sent it."""

    submitter = SubmitterSerializer(required=False)


def _private_copy(payload: dict) -> dict:
    """Return the payload as sent, without a minor's name (never stored anywhere)."""
    kept = copy.deepcopy(payload)
    affected = kept.get("affected")
    if isinstance(affected, dict) and affected.get("has_minor") and affected.get("name"):
        affected["name"] = "[withheld: minor]"
    return kept


def _reader_language() -> str:
    """The language the request speaks (LocaleMiddleware's choice), which the submitter read the form in."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def submit(payload: dict, partner=None, contributor=None) -> tuple[Submission, str]:
    """Validate and store a submission; return it with its secret status token.

    The token is returned once and only its hash is stored. ``partner`` (and the
    ``contributor`` account) when a partner sent it: kept private on the submission, and the
    partner's public credit set on the draft when the partner asks for it (the moderator may
    drop it when publishing).
    """
    serializer = SubmissionSerializer(data=payload)
    serializer.is_valid(raise_exception=True)
    attrs = drafts.flatten_dates(dict(serializer.validated_data))
    submitter = attrs.pop("submitter", None) or {}
    token = new_token()
    with transaction.atomic():
        incident = records.create_draft(attrs, reported_by=partner if partner is not None and partner.public_credit else None)
        submission = Submission.objects.create(
            incident=incident, payload=_private_copy(payload), token_hash=hash_token(token),
            submitter_role=submitter.get("role") or SubmitterRole.OTHER, contact_email=submitter.get("contact_email") or "",
            partner=partner, contributor=contributor, language=_reader_language(),
        )
        moderation.record_event(incident, Action.SUBMIT, to_status=Status.SUBMITTED)
    return submission, token


def submission_status(submission: Submission) -> dict:
    """Return what the submitter may read about their submission: state, messages, public id."""
    incident = submission.incident
    events = list(incident.events.filter(action__in=[Action.REQUEST_CHANGES, Action.REJECT, Action.ANSWER, Action.PUBLISH]).order_by("at", "id"))
    change_request = next((e for e in reversed(events) if e.action == Action.REQUEST_CHANGES), None)
    rejection = next((e for e in reversed(events) if e.action == Action.REJECT), None)
    shown_status = incident.status
    return {
        "id": submission.pk,
        "status": shown_status,
        "submitted_at": submission.created_at,
        "change_request": change_request.reason if change_request and incident.status == Status.CHANGES_REQUESTED else None,
        "rejection_reason": rejection.reason if rejection and incident.status == Status.REJECTED else None,
        "public_id": incident.public_id if incident.public_id else None,
        "messages": [{"at": e.at, "kind": e.action, "text": e.reason} for e in events if e.reason and e.action != Action.PUBLISH],
    }


def answer_change_request(submission: Submission, message: str, changes: dict | None = None):
    """Let the submitter answer a change request, optionally replacing draft fields
    (validated, and never able to make a name public: ``moderation.answer``)."""
    return moderation.answer(submission.incident, message, changes)


def public_duplicates(incident, request=None) -> list[dict]:
    """Likely duplicates a submitter may see: published records only, and only public reasons."""
    rows = []
    for c in duplicates.candidates(incident, published_only=True, limit=5):
        path = f"/incidents/{c.incident.public_id}/"
        rows.append({"public_id": c.incident.public_id, "title": c.incident.title, "score": round(c.public_score, 2), "reasons": c.public_reasons,
                     "url": request.build_absolute_uri(path) if request else path})
    return rows
