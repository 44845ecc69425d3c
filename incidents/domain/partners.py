"""Partners and their contributors: accounts, and the public credit of what they sent.

A contributor account only submits (more often, and in bulk) and reads its partner's
submissions; it never moderates, so an account is a contributor or a moderator, never both
(checked here and in ``createmoderator``). Withdrawing a partner's credit takes it off every
record at once, in one transaction, with a history row on each.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from ..choices import Action, Status
from ..models import Contributor, Incident, Partner, Submission
from ..public import store
from . import moderation, submissions


def partner_of(user) -> Partner | None:
    """The partner ``user`` submits for, or None (anonymous, a moderator, anyone else); cached on the user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_partner_cache"):
        link = Contributor.objects.select_related("partner").filter(user=user).first()
        user._partner_cache = link.partner if link else None
    return user._partner_cache


def save_partner(name: str, *, website: str = "", credit_line: str | None = None, public_credit: bool | None = None,
                 actor=None) -> tuple[Partner, bool]:
    """Create the partner called ``name`` or update it; return (partner, created). Turning its
    public credit off or on goes through ``set_credit`` (every record follows)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"organization": "Give the organisation's name."})
    partner = Partner.objects.filter(name__iexact=name).first()
    created = partner is None
    if created:
        base = slugify(name)[:90] or "partner"
        slug, n = base, 1
        while Partner.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        partner = Partner(name=name, slug=slug)
    if website:
        partner.website = website
    if credit_line is not None:
        partner.credit_line = credit_line.strip()
    partner.full_clean()
    partner.save()
    if public_credit is not None and public_credit != partner.public_credit:
        set_credit(partner, public_credit, actor)
    return partner, created


def add_contributor(user, partner: Partner) -> Contributor:
    """Make ``user`` a contributor for ``partner`` (or move it there); refuse a moderator."""
    if moderation.is_moderator(user):
        raise ValidationError({"username": f"{user.get_username()} is a moderator; a contributor account cannot moderate. Use another account."})
    link, _ = Contributor.objects.update_or_create(user=user, defaults={"partner": partner})
    return link


def contributor_account(username: str, partner: Partner, *, email: str = "") -> tuple[object, bool]:
    """Return (user, created) for a contributor account of ``partner`` named ``username``."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_unusable_password()
        user.save()
    add_contributor(user, partner)
    return user, created


def set_credit(partner: Partner, public_credit: bool, actor=None, reason: str = "") -> int:
    """Turn a partner's public credit on or off; every published record it is credited on
    follows at once (its read-model row is rebuilt) and gets a history row. Return how many
    records changed."""
    action = Action.RESTORE_CREDIT if public_credit else Action.WITHDRAW_CREDIT
    with transaction.atomic():
        Partner.objects.filter(pk=partner.pk).update(public_credit=public_credit)
        partner.public_credit = public_credit
        published = list(Incident.objects.filter(reported_by=partner, status=Status.PUBLISHED).select_for_update())
        store.refresh([i.pk for i in published])
        moderation.record_events([{"incident": i, "action": action, "actor": actor, "from_status": i.status,
                                   "reason": reason or f"{partner.name} {'asked for' if public_credit else 'withdrew'} public credit.",
                                   "changes": {"reported_by": [None, partner.slug] if public_credit else [partner.slug, None]}}
                                  for i in published])
    return len(published)


def partner_submissions(partner):
    """A partner's submissions, newest first."""
    return Submission.objects.filter(partner=partner).select_related("incident", "partner").order_by("-created_at", "-id")


def submission_row(submission: Submission) -> dict:
    """What a partner may read about a submission it sent: where it stands and the moderator's
    messages to it; no contact address, no moderator's name."""
    incident = submission.incident
    status = submissions.submission_status(submission)
    published = incident.status == Status.PUBLISHED and incident.public_id
    return {"id": submission.pk, "title": incident.title, "status": incident.status, "submitted_at": submission.created_at,
            "public_id": status["public_id"], "public_url": f"/incidents/{incident.public_id}/" if published else None,
            "change_request": status["change_request"], "rejection_reason": status["rejection_reason"],
            "credited": bool(incident.reported_by_id and submission.partner and submission.partner.public_credit)}
