"""The moderation services: the only code that changes an incident or writes its history.

The API, the desk, the admin, imports and the correction flow call the named wrappers
below (``claim``, ``request_changes``, ``answer``, ``edit_draft``, ``publish``,
``reject``, ``withdraw``, ``merge``, ``correct``; ``redaction.redact`` is one more). Each validates what it is
given (draft fields with the API's rules) and runs as one transaction (``transition``):
lock the row, check the move against ``TRANSITIONS``, change it, rebuild every public copy
(``public.store.refresh``, the read model's one writer, which also advances the public version), and append
the history row with ``record_event``, the one writer of history. A failure at any step
leaves nothing changed.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..choices import Action, ProposalKind, Status
from ..models import Incident, IncidentVersion, ModerationEvent, Notice, Organization, System
from ..public import search, store
from . import notices, records


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
    Action.TRANSLATE: Move((Status.PUBLISHED,), Status.PUBLISHED),
    Action.REMOVE_TRANSLATION: Move((Status.PUBLISHED,), Status.PUBLISHED),
    Action.EDIT: Move((Status.IN_REVIEW,), ""),  # a draft's content, not its status: only by the moderator who claimed it
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
    return [a for a, m in TRANSITIONS.items() if incident.status in m.sources and m.moderator_only and m.target]


def record_event(incident, action: str, actor=None, *, from_status: str = "", to_status: str = "", reason: str = "",
                 changes: dict | None = None) -> ModerationEvent:
    """Append one row to a record's history. The only code that writes history rows
    (``record_events`` is its bulk form, for imports)."""
    return ModerationEvent.objects.create(
        incident=incident, actor=_actor(actor), action=action, from_status=from_status,
        to_status=to_status or from_status, reason=reason, changes=changes or {},
    )


def record_events(rows: list[dict]) -> None:
    """Append many history rows at once: dicts of ``record_event``'s arguments."""
    ModerationEvent.objects.bulk_create([
        ModerationEvent(incident=r["incident"], actor=_actor(r.get("actor")), action=r["action"], from_status=r.get("from_status", ""),
                        to_status=r.get("to_status") or r.get("from_status", ""), reason=r.get("reason", ""), changes=r.get("changes") or {})
        for r in rows
    ])


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def transition(incident_id: int, action: str, actor=None, *, reason: str = "", expected_status: str | None = None, apply=None,
               after=None, new_version=None) -> Incident:
    """Move the incident by ``action`` and append the history row, all in one transaction.

    ``apply(incident)`` does the action's own work on the locked row and returns a
    dict of changes for the history (or None). ``after(incident, changes)`` runs once the
    row is saved (search vectors, scrubbing history). Then the read model is rebuilt
    (``store.refresh``, once); ``new_version(record, changes)``, if given, returns the
    (note, diff) of a new public version whose snapshot is the record just stored. The
    history row is written last, in the same transaction: if any step fails, nothing is
    changed. The database checks the row's constraints on save; a violation is a
    ValidationError naming the rule, as ``full_clean`` would raise, without a query each.
    ``expected_status`` is the status the caller saw; if another moderator moved the
    record since, raise ``Conflict``.
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
        incident.status = move.target or before
        if action == Action.CLAIM:
            incident.claimed_by = actor
        elif incident.status != Status.IN_REVIEW:
            incident.claimed_by = None
        incident.full_clean(exclude=["sources", "systems", "operators"], validate_constraints=False)
        try:
            incident.save()
        except IntegrityError as exc:
            raise constraint_error(exc) from exc
        if after is not None:
            after(incident, changes)
        if incident.status == Status.PUBLISHED or before == Status.PUBLISHED:
            store.refresh([incident.pk])  # every public copy, and the public version
        if new_version is not None:
            record = store.stored_record(incident.pk)
            note, diff = new_version(record, changes)
            IncidentVersion.objects.create(incident=incident, number=incident.version, note=note, changes=diff, snapshot=record)
        record_event(incident, action, actor, from_status=before, to_status=incident.status, reason=reason, changes=changes)
    return incident


def constraint_error(exc: IntegrityError) -> ValidationError:
    """The ValidationError of the incident constraint a save broke (or the database's own words)."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    constraint = next((c for c in Incident._meta.constraints if c.name == name), None)
    return ValidationError(constraint.get_violation_error_message() if constraint else str(exc))


def validated_changes(changes) -> dict:
    """Validate draft fields as sent (JSON values) with the rules of the API and the form."""
    if not changes:
        return {}
    if not isinstance(changes, dict):
        raise ValidationError({"changes": "Give the changes as an object of draft fields."})
    return records.validate_changes(changes)


def required_text(value: str, field: str) -> str:
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
    message = required_text(message, "message")
    return transition(incident.pk, Action.REQUEST_CHANGES, actor, reason=message, expected_status=expected_status,
                      after=lambda locked, changes: notices.queue(locked.pk, Notice.Kind.QUESTION, message))


def answer(incident: Incident, message: str, changes: dict | None = None) -> Incident:
    """Record the submitter's answer to a change request and return the record to the queue.

    ``changes`` are draft fields as sent; they are validated here with the submission's
    rules and replace the draft's values. A submitter cannot make a name public: that
    flag is a moderator's alone, and an answer turns it off.
    """
    message = required_text(message, "message")
    attrs = validated_changes(changes)

    def apply(locked):
        return records.update_draft(locked, attrs, trusted=False) if attrs else {}

    return transition(incident.pk, Action.ANSWER, None, reason=message, apply=apply)


def edit_draft(incident: Incident, actor, changes: dict, note: str = "", *, expected_status=None) -> Incident:
    """Change a draft's content before it is published (the desk, the API's PATCH, the admin).

    Only the moderator who claimed the record may: the record must be in review, so two
    moderators never edit one draft at once. ``changes`` are draft fields as sent,
    validated with the submission's rules and messages; the history row keeps each
    changed field's value before and after (a name as "[redacted]"). The submitter's
    original stays as sent, on the submission.
    """
    attrs = validated_changes(changes)
    if not attrs:
        raise ValidationError({"changes": "Nothing to change."})

    def apply(locked):
        return records.update_draft(locked, attrs, trusted=True)

    return transition(incident.pk, Action.EDIT, actor, reason=note, apply=apply, expected_status=expected_status)


def reject(incident: Incident, actor, reason: str, *, expected_status=None) -> Incident:
    """Refuse a submission; the reason shows on the submitter's status page only."""
    reason = required_text(reason, "reason")
    return transition(incident.pk, Action.REJECT, actor, reason=reason, expected_status=expected_status,
                      after=lambda locked, changes: notices.queue(locked.pk, Notice.Kind.REJECTED, reason))


def next_public_id(year: int) -> str:
    """Hand out the next public id of ``year``; the counter row lock makes it unique."""
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO incidents_publicidcounter (year, last) VALUES (%s, 1) ON CONFLICT (year) "
                       "DO UPDATE SET last = incidents_publicidcounter.last + 1 RETURNING last", [year])
        last = cursor.fetchone()[0]
    return f"{settings.REGISTRY_PUBLIC_ID_PREFIX}-{year}-{last:04d}"


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


def publish(incident: Incident, actor, *, proposed: dict | None = None, note: str = "", expected_status=None, credit: bool = True) -> Incident:
    """Publish a record under review: give it a public id, version 1 and a public snapshot.

    ``credit`` False drops the partner's public credit ("Reported by …") from this record.

    Every proposed system or operator needs a decision in ``proposed``; at least one
    source is required, and every outcome must rest on one of the incident's sources.
    One transaction: the status, the id, the version, the search document and every
    public copy are written together or not at all.
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
        changes = {"public_id": locked.public_id}
        if not credit and locked.reported_by_id:
            locked.reported_by = None
            changes["credit"] = "dropped by the moderator"
        return changes | {"proposed": applied} if applied else changes

    def after(locked: Incident, changes):
        search.refresh_search_vectors([locked.pk])
        notices.queue(locked.pk, Notice.Kind.PUBLISHED)

    return transition(incident.pk, Action.PUBLISH, actor, reason=note, apply=apply, after=after, expected_status=expected_status,
                      new_version=lambda record, changes: (note or "First published.", {}))


def withdraw(incident: Incident, actor, reason: str, *, expected_status=None) -> Incident:
    """Take a published record out of public view for good, keeping its id and a public reason."""
    reason = required_text(reason, "reason")

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
    # Both records' public copies and history rows were written in this one transaction.
    return duplicate


def correct(incident: Incident, actor, changes: dict, note: str, *, _extra: dict | None = None) -> Incident:
    """Apply corrections to a published record as a new version with a public note.

    ``changes`` are draft fields as sent, validated here; the old version stays readable
    in the record's history.
    """
    note = required_text(note, "note")
    attrs = validated_changes(changes)

    def apply(locked: Incident):
        diff = records.update_draft(locked, attrs, trusted=True) if attrs else {}
        records.check_publishable(locked)
        locked.version += 1
        diff.update(_extra or {})
        if {"title", "narrative", "language"} & set(diff):
            dropped = records.drop_translations(locked)
            if dropped:
                diff["translations_removed"] = [None, dropped]
        return diff

    def after(locked: Incident, diff):
        search.refresh_search_vectors([locked.pk])

    return transition(incident.pk, Action.CORRECT, actor, reason=note, apply=apply, after=after,
                      new_version=lambda record, diff: (note, diff))
