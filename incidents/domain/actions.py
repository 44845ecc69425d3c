"""The one table of moderation actions: name → service call. The API, the desk and the
admin each turn their input into one ``data`` dict and call ``perform``; none of them maps
names to services itself.

``data`` keys, all optional: message, reason, note, language, title, narrative, method, translator (a translation), proposed ({name: decision}), credit (keep a partner's credit), changes
(draft fields as sent), remove (texts), into (a public id), expected_status (the status
the caller saw; a conflict if the record moved since).
"""

from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import ValidationError

from ..models import Incident
from . import moderation, redaction, translations


class ModerationAction(NamedTuple):
    label: str
    on_published: bool  # an action on a published record (else on a submission)
    call: Callable[[Incident, object, dict], Incident]


def _merge(incident, actor, data):
    into = Incident.objects.filter(public_id=(data.get("into") or "").strip()).first()
    if into is None:
        raise ValidationError({"into": f"No incident {data.get('into')!r}."})
    return moderation.merge(incident, actor, into=into, reason=data.get("reason", ""), expected_status=data.get("expected_status"))


ACTIONS = {
    "claim": ModerationAction("Claim for review", False, lambda i, u, d: moderation.claim(i, u, expected_status=d.get("expected_status"))),
    "release": ModerationAction("Release back to the queue", False,
                                lambda i, u, d: moderation.release(i, u, expected_status=d.get("expected_status"))),
    "request_changes": ModerationAction("Request changes from the submitter", False, lambda i, u, d: moderation.request_changes(
        i, u, d.get("message", ""), expected_status=d.get("expected_status"))),
    "publish": ModerationAction("Publish", False, lambda i, u, d: moderation.publish(
        i, u, proposed=d.get("proposed"), note=d.get("note", ""), expected_status=d.get("expected_status"), credit=d.get("credit", True) is not False)),
    "reject": ModerationAction("Reject", False, lambda i, u, d: moderation.reject(i, u, d.get("reason", ""), expected_status=d.get("expected_status"))),
    "withdraw": ModerationAction("Withdraw from public view", True,
                                 lambda i, u, d: moderation.withdraw(i, u, d.get("reason", ""), expected_status=d.get("expected_status"))),
    "merge": ModerationAction("Merge into another incident", True, _merge),
    "correct": ModerationAction("Correct", True, lambda i, u, d: moderation.correct(i, u, d.get("changes") or {}, d.get("note", ""))),
    "redact": ModerationAction("Remove personal details", True, lambda i, u, d: redaction.redact(
        i, u, d.get("note", ""), remove=d.get("remove"), changes=d.get("changes"))),
    "translate": ModerationAction("Add or replace a translation", True, lambda i, u, d: translations.save(
        i, u, {k: d[k] for k in ("language", "title", "narrative", "method", "translator") if k in d})),
    "remove_translation": ModerationAction("Remove a translation", True, lambda i, u, d: translations.remove(i, u, d.get("language", ""))),
}


def perform(name: str, incident: Incident, actor, data: dict | None = None) -> Incident:
    """Run the moderation action ``name`` on ``incident`` as ``actor``; raise ValidationError for an unknown name."""
    action = ACTIONS.get(name)
    if action is None:
        raise ValidationError({"action": f"Unknown action {name!r}; use one of {', '.join(ACTIONS)}."})
    return action.call(incident, actor, data or {})
