"""Keep people's contact details no longer than needed.

A submitter's or a correction requester's e-mail address serves only to ask them
something or tell them a decision. ``clear_old_contacts`` empties it
``CONTACT_RETENTION_DAYS`` after the final decision (a published, rejected, withdrawn or
merged record; a decided request) and records that it did so in the record's history,
without the address. The worker runs it daily (``tasks.clear_contacts``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ..choices import OPEN_STATES, Action, RequestState
from ..models import CorrectionRequest, Submission
from . import moderation

FINAL = (Action.PUBLISH, Action.REJECT)


def clear_old_contacts(now=None) -> int:
    """Clear the contact addresses whose retention has run out; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CONTACT_RETENTION_DAYS)
    reason = f"Contact details cleared {settings.CONTACT_RETENTION_DAYS} days after the final decision."
    submissions = (Submission.objects.exclude(contact_email="").exclude(incident__status__in=OPEN_STATES)
                   .annotate(decided=Max("incident__events__at", filter=Q(incident__events__action__in=FINAL)))
                   .filter(decided__lte=cutoff))
    requests = CorrectionRequest.objects.exclude(contact_email="").exclude(state=RequestState.OPEN).filter(decided_at__lte=cutoff)
    cleared = 0
    with transaction.atomic():
        for rows, key in ((submissions, "submission"), (requests, "request")):
            for row in rows.select_related("incident"):
                type(row).objects.filter(pk=row.pk).update(contact_email="")
                moderation.record_event(row.incident, Action.CLEAR_CONTACT, from_status=row.incident.status, reason=reason,
                                        changes={key: row.pk})
                cleared += 1
    return cleared
