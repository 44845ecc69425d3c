"""The moderation queue: one query, read by the desk and the API alike."""

from ..choices import OPEN_STATES
from ..models import Submission


def moderation_queue(states=None):
    """Return the submissions in these states (every open state by default), oldest first,
    with the incident, its reviewer and its proposed names loaded for the queue's rows."""
    return (Submission.objects.filter(incident__status__in=list(states or OPEN_STATES)).select_related("incident__claimed_by")
            .prefetch_related("incident__proposed_names").order_by("created_at", "id"))
