"""The moderation queue: one query, read by the desk and the API alike."""

from django.db.models import OuterRef, Subquery

from ..choices import OPEN_STATES
from ..models import ModerationEvent, Submission


def with_last_action(submissions):
    """Annotate each submission with its record's latest history action (``last_action``), so
    the queue can say "the submitter answered" rather than only "submitted"."""
    latest = ModerationEvent.objects.filter(incident_id=OuterRef("incident_id")).order_by("-at", "-id").values("action")[:1]
    return submissions.annotate(last_action=Subquery(latest))


def moderation_queue(states=None, partner: str | None = None):
    """Return the submissions in these states (every open state by default), oldest first,
    with the incident, its reviewer, its proposed names, its partner and its latest action
    loaded for the queue's rows; only those a partner sent when ``partner`` (a slug) is given."""
    rows = Submission.objects.filter(incident__status__in=list(states or OPEN_STATES))
    if partner:
        rows = rows.filter(partner__slug=partner)
    return with_last_action(rows.select_related("incident__claimed_by", "partner").prefetch_related("incident__proposed_names")
                            .order_by("created_at", "id"))
