"""The moderation state machine: the only code that changes an incident's status.

The admin, the API and the moderators' pages call the named wrappers below
(``claim``, ``request_changes``, ``answer``, ``publish``, ``reject``, ``withdraw``,
``merge``, ``correct``). Each runs in one transaction: lock the row, check the move
against ``TRANSITIONS``, change it, and append the history row.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import records
from .choices import Action, ProposalKind, Status
from .models import (
    Incident,
    IncidentVersion,
    ModerationEvent,
    Organization,
    PublicIdCounter,
    System,
)


class ModerationError(Exception):
    """Base class of the domain errors the API maps to HTTP 409."""


class InvalidTransition(ModerationError):
    """The action is not allowed from the record's current status."""


class Conflict(ModerationError):
    """Another moderator acted first; the caller's view of the record is stale."""


class NotAModerator(ModerationError, PermissionError):
    """The actor is not in the moderators group."""


MODERATORS_GROUP = "moderators"


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    moderator_only: bool = True


TRANSITIONS: dict[str, Move] = {
    Action.CLAIM: Move((Status.SUBMITTED,), Status.IN_REVIEW),
    Action.RELEASE: Move((Status.IN_REVIEW,), Status.SUBMITTED),
    Action.REQUEST_CHANGES: Move((Status.IN_REVIEW,), Status.CHANGES_REQUESTED),
    Action.ANSWER: Move((Status.CHANGES_REQUESTED,), Status.SUBMITTED, moderator_only=False),
    Action.PUBLISH: Move((Status.IN_REVIEW,), Status.PUBLISHED),
    Action.REJECT: Move((Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED), Status.REJECTED),
    Action.WITHDRAW: Move((Status.PUBLISHED,), Status.WITHDRAWN),
    Action.MERGE: Move((Status.PUBLISHED,), Status.MERGED),
    Action.CORRECT: Move((Status.PUBLISHED,), Status.PUBLISHED),
    Action.REDACT: Move((Status.PUBLISHED,), Status.PUBLISHED),
}


def is_moderator(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    groups = getattr(user, "_moderator_cache", None)
    if groups is None:
        groups = user._moderator_cache = user.groups.filter(name=MODERATORS_GROUP).exists()
    return groups


def allowed_actions(incident: Incident) -> list[str]:
    """Return the moderator actions possible from the incident's status, for menus."""
    return [a for a, m in TRANSITIONS.items() if incident.status in m.sources and m.moderator_only]


def transition(incident_id: int, action: str, actor=None, *, reason: str = "", expected_status: str | None = None, apply=None) -> Incident:
    """Move the incident by ``action`` and append the history row, atomically.

    ``apply(incident)`` does the action's own work on the locked row and returns a
    dict of changes for the history (or None). ``expected_status`` is the status the
    caller saw; if another moderator moved the record since, raise ``Conflict``.
    """
    move = TRANSITIONS[action]
    if move.moderator_only and not is_moderator(actor):
        raise NotAModerator("Only moderators can do this.")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        before = incident.status
        if expected_status is not None and before != expected_status:
            raise Conflict(f"Another moderator acted first: the record is now {incident.get_status_display().lower()}.")
        if before not in move.sources:
            raise InvalidTransition(
                f"Cannot {Action(action).label.lower()!s} a record that is {incident.get_status_display().lower()}"
                f" (allowed from: {', '.join(move.sources)})."
            )
        if before == Status.IN_REVIEW and move.moderator_only and incident.claimed_by_id and actor and incident.claimed_by_id != actor.pk and action != Action.RELEASE:
            raise Conflict(f"{incident.claimed_by} is reviewing this record; ask them or release it first.")
        changes = (apply(incident) if apply else None) or {}
        incident.status = move.target
        if action == Action.CLAIM:
            incident.claimed_by = actor
        elif move.target != Status.IN_REVIEW:
            incident.claimed_by = None
        incident.full_clean(exclude=["sources", "systems", "operators"])
        incident.save()
        if incident.status == Status.PUBLISHED or before == Status.PUBLISHED:
            from .record_sql import refresh_public_json

            refresh_public_json([incident.pk])  # the stored record the export streams
        ModerationEvent.objects.create(
            incident=incident,
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            from_status=before,
            to_status=incident.status,
            reason=reason,
            changes=changes,
        )
    return incident


def _require(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: "This field is required."})
    return value


def claim(incident: Incident, actor, *, expected_status=None) -> Incident:
    """Take a submitted record into review; other moderators then get a conflict."""
    return transition(incident.pk, Action.CLAIM, actor, expected_status=expected_status)


def release(incident: Incident, actor, *, expected_status=None) -> Incident:
    """Put a record in review back in the queue."""
    return transition(incident.pk, Action.RELEASE, actor, expected_status=expected_status)


def request_changes(incident: Incident, actor, message: str, *, expected_status=None) -> Incident:
    """Ask the submitter for changes; the message shows on their status page."""
    return transition(incident.pk, Action.REQUEST_CHANGES, actor, reason=_require(message, "message"), expected_status=expected_status)


def answer(incident: Incident, message: str, changes: dict | None = None) -> Incident:
    """Record the submitter's answer to a change request and return the record to the queue.

    ``changes`` are validated draft fields (see ``records.validate_draft``) that
    replace the draft's values.
    """

    def apply(locked):
        if changes:
            return records.update_draft(locked, changes)
        return {}

    return transition(incident.pk, Action.ANSWER, None, reason=_require(message, "message"), apply=apply)


def reject(incident: Incident, actor, reason: str, *, expected_status=None) -> Incident:
    """Refuse a submission; the reason shows on the submitter's status page only."""
    return transition(incident.pk, Action.REJECT, actor, reason=_require(reason, "reason"), expected_status=expected_status)


def next_public_id(year: int) -> str:
    """Hand out the next public id of ``year``; the counter row lock makes it unique."""
    from django.conf import settings

    counter, _ = PublicIdCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{settings.REGISTRY_PUBLIC_ID_PREFIX}-{year}-{counter.last:04d}"


def undecided_proposals(incident: Incident, decisions: dict | None) -> list[str]:
    decisions = decisions or {}
    return [p.name for p in incident.proposed_names.all() if p.name not in decisions]


def _apply_proposals(incident: Incident, decisions: dict) -> dict:
    """Create, map or drop each proposed system/operator as the moderator decided."""
    applied = {}
    for proposal in list(incident.proposed_names.all()):
        decision = (decisions.get(proposal.name) or "").strip()
        model = System if proposal.kind == ProposalKind.SYSTEM else Organization
        relation = incident.systems if proposal.kind == ProposalKind.SYSTEM else incident.operators
        if decision == "create":
            target = model.objects.matching(proposal.name).first() or model.objects.create(name=proposal.name)
        elif decision == "reject":
            target = None
        else:
            target = model.objects.filter(slug=decision).first()
            if target is None:
                raise ValidationError({"proposed": f"{proposal.name!r}: no {proposal.kind} with the slug {decision!r}; use \"create\", \"reject\" or an existing slug."})
        if target is not None:
            relation.add(target)
        applied[proposal.name] = target.slug if target else "rejected"
        proposal.delete()
    return applied


def publish(incident: Incident, actor, *, proposed: dict | None = None, note: str = "", expected_status=None) -> Incident:
    """Publish a record under review: give it a public id, version 1 and a public snapshot.

    Every proposed system or operator needs a decision in ``proposed``; at least one
    source is required, and every outcome must rest on one of the incident's sources.
    """
    undecided = undecided_proposals(incident, proposed)
    if undecided:
        raise ValidationError({"proposed": [f"Decide on {name!r}: \"create\", \"reject\" or an existing slug." for name in undecided]})

    def apply(locked: Incident):
        applied = _apply_proposals(locked, proposed or {})
        records.check_publishable(locked)
        now = timezone.now()
        locked.published_at = now
        locked.public_id = next_public_id(now.year)
        locked.version = 1
        return {"public_id": locked.public_id, "proposed": applied} if applied else {"public_id": locked.public_id}

    incident = transition(incident.pk, Action.PUBLISH, actor, reason=note, apply=apply, expected_status=expected_status)
    with transaction.atomic():
        records.refresh_search_vectors([incident.pk])
        IncidentVersion.objects.create(incident=incident, number=1, note=note or "First published.", snapshot=records.snapshot(incident))
    return incident


def withdraw(incident: Incident, actor, reason: str, *, expected_status=None) -> Incident:
    """Take a published record out of public view for good, keeping its id and a public reason."""
    reason = _require(reason, "reason")

    def apply(locked):
        locked.withdrawn_reason = reason
        return {}

    return transition(incident.pk, Action.WITHDRAW, actor, reason=reason, apply=apply, expected_status=expected_status)


def merge(duplicate: Incident, actor, into: Incident, reason: str = "", *, expected_status=None) -> Incident:
    """Merge a published duplicate into ``into``: move its sources and outcomes, keep both histories.

    The duplicate's public id then redirects to the canonical one.
    """
    if duplicate.pk == into.pk:
        raise ValidationError({"into": "An incident cannot be merged into itself."})
    if into.status != Status.PUBLISHED:
        raise ValidationError({"into": f"{into.public_id or into.pk} is not published; merge into a published incident."})
    reason = reason or f"Duplicate of {into.public_id}."

    with transaction.atomic():
        # Lock both rows in id order so two merges cannot deadlock.
        for pk in sorted([duplicate.pk, into.pk]):
            Incident.objects.select_for_update().get(pk=pk)

        def apply(locked):
            moved = records.move_evidence(locked, into)
            locked.merged_into = into
            return {"merged_into": into.public_id, **moved}

        duplicate = transition(duplicate.pk, Action.MERGE, actor, reason=reason, apply=apply, expected_status=expected_status)
        moved = {"absorbed": duplicate.public_id}
        correct(into, actor, {}, note=f"Merged {duplicate.public_id} into this record. {reason}".strip(), _extra=moved)
    return duplicate


def correct(incident: Incident, actor, changes: dict, note: str, *, _extra: dict | None = None) -> Incident:
    """Apply corrections to a published record as a new version with a public note.

    ``changes`` are draft fields (see ``records.validate_draft``); the old version
    stays readable in the record's history.
    """
    note = _require(note, "note")

    def apply(locked: Incident):
        diff = records.update_draft(locked, changes) if changes else {}
        records.check_publishable(locked)
        locked.version += 1
        diff.update(_extra or {})
        return diff

    with transaction.atomic():
        incident = transition(incident.pk, Action.CORRECT, actor, reason=note, apply=apply)
        diff = ModerationEvent.objects.filter(incident=incident).latest("id").changes
        records.refresh_search_vectors([incident.pk])
        IncidentVersion.objects.create(incident=incident, number=incident.version, note=note, changes=diff, snapshot=records.snapshot(incident))
    return incident


REMOVED = "[removed at the request of the person concerned]"


def redact(incident: Incident, actor, changes: dict, note: str) -> Incident:
    """Remove a person's name or identifying details from a published record, at once.

    Like ``correct`` it makes a new public version with a note, but nothing of the
    removed text is written anywhere new: the version's diff shows the old value as
    removed, the moderation event records only which fields, by whom and why, and
    the public history hides those fields in every earlier version
    (``selectors.history_public``). The preserved source texts leave the record's
    search index too, since an article may name the person.
    """
    note = _require(note, "note")
    if not changes:
        raise ValidationError({"changes": "Say which fields to change: the text without the personal details."})

    def apply(locked: Incident):
        diff = records.update_draft(locked, changes)
        if not diff:
            raise ValidationError({"changes": "These changes leave the record as it is; nothing would be removed."})
        records.check_publishable(locked)
        locked.version += 1
        locked.redacted_at = timezone.now()
        return {"fields": sorted(diff), "version": locked.version}

    with transaction.atomic():
        incident = transition(incident.pk, Action.REDACT, actor, reason=note, apply=apply)
        fields = ModerationEvent.objects.filter(incident=incident).latest("id").changes["fields"]
        records.refresh_search_vectors([incident.pk])
        snapshot = records.snapshot(incident)
        diff = {field: [REMOVED, _public_value(snapshot, field)] for field in fields}
        IncidentVersion.objects.create(incident=incident, number=incident.version, note=note, changes=diff, snapshot=snapshot)
    return incident


def _public_value(record: dict, field: str):
    """The field's value as the public record now shows it (a name shows only where allowed)."""
    if field.startswith("affected_"):
        return record["affected"].get({"affected_name": "name", "affected_count": "count", "affected_minor": "has_minor"}.get(field, ""), None)
    return record.get(field, "[changed]")
