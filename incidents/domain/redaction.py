"""Redaction: removing a person's name or identifying details from a published record,
everywhere at once, as one moderation transition (``moderation.transition``)."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..choices import Action
from ..models import Incident
from ..public import search
from . import records
from .moderation import required_text, transition, validated_changes

REMOVED = "[removed at the request of the person concerned]"
REMOVED_TEXT = "[removed]"
MAX_REMOVALS = 20


def _removals(remove) -> list[str]:
    """Validate the texts a redaction removes: distinct, non-blank, at least two characters."""
    if remove is None:
        return []
    if isinstance(remove, str) or not isinstance(remove, (list, tuple)):
        raise ValidationError({"remove": "Give a list of texts to remove, e.g. [\"Jane Doe\"]."})
    texts = []
    for item in remove:
        text = item.strip() if isinstance(item, str) else ""
        if len(text) < 2:
            raise ValidationError({"remove": "Each text to remove needs at least two characters."})
        if len(text) > 500:
            raise ValidationError({"remove": "Each text to remove is at most 500 characters."})
        texts.append(text)
    if len(texts) > MAX_REMOVALS:
        raise ValidationError({"remove": f"At most {MAX_REMOVALS} texts in one redaction."})
    # Longest first, so a full name goes before a part of it.
    return sorted(dict.fromkeys(texts), key=len, reverse=True)


def redact(incident: Incident, actor, note: str, *, remove=None, changes: dict | None = None) -> Incident:
    """Remove a person's name or identifying details from a published record, everywhere, at once.

    ``remove`` lists texts (a name, an address) to take out of every public field of the
    record wherever they occur, ignoring case: title, narrative, region, city, outcome
    details, its citations' titles and publishers, the person's name, and the notes, diffs
    and snapshots of every earlier version (``records.scrub_history``). ``changes`` are
    optional draft fields to set as well. A new public version says a redaction was made;
    the history records which fields, by whom, when and why, never the removed text. The
    preserved source texts leave the record's search document, since an article may name
    the person. Returns the record with ``redacted_fields`` set.
    """
    note = required_text(note, "note")
    texts = _removals(remove)
    attrs = validated_changes(changes)
    if not texts and not attrs:
        raise ValidationError({"remove": "Say what to remove: the name or details, as they appear in the record."})
    lowered = note.lower()
    if any(t.lower() in lowered for t in texts):
        raise ValidationError({"note": "The public note must not repeat the text being removed."})

    def apply(locked: Incident):
        diff = records.update_draft(locked, attrs, trusted=True) if attrs else {}
        fields = sorted(set(diff) | set(records.remove_texts(locked, texts, REMOVED_TEXT)))
        if not fields:
            raise ValidationError({"remove": "None of these texts is in the record; nothing would be removed."})
        records.check_publishable(locked)
        locked.version += 1
        locked.redacted_at = timezone.now()
        locked.redacted_fields = fields
        records.drop_translations(locked)  # a translation may carry the removed detail in any form
        # Texts removed are scrubbed from the earlier versions too; fields merely set to a
        # new value still have their old value there, so the public history hides them.
        return {"fields": fields, "version": locked.version, "scrubbed": not attrs}

    def after(locked: Incident, changes):
        records.scrub_history(locked, texts, REMOVED_TEXT)
        search.refresh_search_vectors([locked.pk])

    def new_version(record, changes):
        return note, {field: [REMOVED, _public_value(record, field)] for field in changes["fields"]}

    return transition(incident.pk, Action.REDACT, actor, reason=note, apply=apply, after=after, new_version=new_version)


def _public_value(record: dict, field: str):
    """The field's value as the public record now shows it (a name shows only where allowed)."""
    if field.startswith("affected"):
        key = field.split(".")[-1] if "." in field else {"affected_name": "name", "affected_count": "count", "affected_minor": "has_minor"}.get(field, "")
        return record["affected"].get(key)
    parts = field.split(".")
    value = record
    for part in parts:
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return "[changed]"
    return value
