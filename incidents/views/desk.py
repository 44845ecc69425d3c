"""The moderators' desk. Every action calls incidents.moderation, like the API and the admin."""

import json
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import ValidationError as DRFValidationError

from ..choices import OPEN_STATES, Status
from ..domain import actions, drafts, duplicates, moderation
from ..domain.queue import moderation_queue
from ..evidence import ClaimStatus
from ..interchange.derived import stated_claims
from ..models import Incident, Partner, Submission, System
from ..public.format import public_record
from . import claim_rows

QUEUE_LIMIT = 200


def moderator_required(view):
    """Logged in and in the moderators group; anyone else is sent to log in or refused."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not moderation.is_moderator(request.user):
            raise PermissionDenied("Only moderators can use the desk.")
        if not request.user.is_verified():  # a second factor, every session (incidents/mfa.py)
            return redirect(f"{reverse('incidents:desk-mfa')}?next={quote(request.get_full_path())}")
        return never_cache(view)(request, *args, **kwargs)

    return wrapper


@moderator_required
@require_http_methods(["GET"])
def queue(request):
    states = [s for s in request.GET.getlist("state") if s in Status.values] or list(OPEN_STATES)
    partner = request.GET.get("partner") or ""
    rows = moderation_queue(states, partner=partner)[:QUEUE_LIMIT]
    return render(request, "incidents/desk/queue.html", {"rows": rows, "states": states, "all_states": Status.choices,
                                                         "partners": Partner.objects.only("slug", "name"), "partner": partner})


def _errors_of(exc) -> list[str]:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return [f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs]
        return list(exc.messages)
    if isinstance(exc, DRFValidationError):
        return [f"{field}: {m}" for field, msgs in drafts.flatten_errors(exc.detail).items() for m in msgs]
    return [str(exc)]


def _act(request, call, reraise=()):
    """Run a moderation call; turn its refusals into messages the moderator can act on
    (except the ``reraise`` ones, which a form shows beside its fields)."""
    try:
        call()
    except reraise:
        raise
    except moderation.Conflict as exc:
        messages.error(request, f"Not done: {exc} The page now shows the record as it stands.")
    except moderation.ModerationError as exc:
        messages.error(request, f"Not done: {exc}")
    except (DjangoValidationError, DRFValidationError) as exc:
        for line in _errors_of(exc):
            messages.error(request, f"Not done: {line}")
    else:
        return True
    return False


def _action_data(post) -> dict:
    """The moderation action's data (``actions.perform``) from a desk form."""
    data = {key: post.get(key, "") for key in ("message", "reason", "note", "into", "language", "title", "narrative", "method", "translator")
            if key in post}
    data["expected_status"] = post.get("expected_status") or None
    proposed = {key[len("proposed:"):]: value for key, value in post.items() if key.startswith("proposed:") and value}
    if proposed:
        data["proposed"] = proposed
    if post.get("action") == "publish" and "credit-shown" in post:
        data["credit"] = post.get("credit") == "on"
    if "remove" in post:
        data["remove"] = [line.strip() for line in post.get("remove", "").splitlines() if line.strip()]
    if "changes" in post:
        data["changes"] = drafts.parse_json_object(post.get("changes"), "changes")
    if "claim-count" in post:
        data["changes"] = {"claims": _claims_from(post)}
    return data


def _claims_from(post) -> list[dict]:
    """The claims form of the desk's incident page as draft claims: only those that say more than
    the record's own sources (a status set, sources chosen, a contradiction), as an import reads them."""
    claims = []
    for i in range(min(int(post.get("claim-count") or 0), drafts.MAX_CLAIMS)):
        def positions(key):
            return sorted({int(v) for v in post.getlist(f"claim-{i}-{key}") if v.isdigit()})
        value = post.get(f"claim-{i}-value", "")
        claims.append({"about": post.get(f"claim-{i}-about", ""), "value": {"true": True, "false": False}.get(value, value),
                       "status": post.get(f"claim-{i}-status", ""), "stated": bool(post.get(f"claim-{i}-status")),
                       "sources": positions("supports"), "contradicted_by": positions("contradicts")})
    own = [{"source_type": t} for t in post.getlist("source-type")]
    return stated_claims(claims, own)


SUBMISSION_ACTIONS = {name for name, action in actions.ACTIONS.items() if not action.on_published}
INCIDENT_ACTIONS = {name for name, action in actions.ACTIONS.items() if action.on_published}


@moderator_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    submission = get_object_or_404(Submission.objects.select_related("incident__claimed_by"), pk=pk)
    incident = submission.incident
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in SUBMISSION_ACTIONS:
            messages.error(request, f"Unknown action {action!r}.")
        elif _act(request, lambda: actions.perform(action, incident, request.user, _action_data(request.POST))):
            incident.refresh_from_db()
            done = {"publish": f"Published as {incident.public_id}.", "claim": "You are reviewing this record."}.get(action, "Done.")
            messages.success(request, done)
        return redirect("incidents:desk-review", pk=pk)
    incident.refresh_from_db()
    events = incident.events.select_related("actor").order_by("at", "id")
    return render(request, "incidents/desk/review.html", {
        "submission": submission, "incident": incident, "draft": public_record(incident),
        "payload": json.dumps(submission.payload, indent=2, ensure_ascii=False), "events": events,
        "allowed": moderation.allowed_actions(incident), "proposals": incident.proposed_names.all(),
        "systems": System.objects.order_by("name").only("slug", "name"),
        "mine": incident.claimed_by_id == request.user.pk,
        "duplicates": duplicates.candidates(incident),
    })


@moderator_required
@require_http_methods(["GET"])
def incident_desk(request, public_id):
    incident = get_object_or_404(Incident, public_id=public_id)
    events = incident.events.select_related("actor").order_by("at", "id")
    record = public_record(incident) if incident.status == Status.PUBLISHED else None
    return render(request, "incidents/desk/incident.html", {
        "incident": incident, "events": events, "allowed": moderation.allowed_actions(incident),
        "submission": Submission.objects.filter(incident=incident).first(), "translations": incident.translations.all(),
        "claims": claim_rows.claim_rows(record) if record else [], "record_sources": record["sources"] if record else [],
        "statuses": ClaimStatus.choices,
    })


@moderator_required
@require_POST
def incident_action(request, public_id):
    incident = get_object_or_404(Incident, public_id=public_id)
    action = request.POST.get("action", "")
    if action not in INCIDENT_ACTIONS:
        messages.error(request, f"Unknown action {action!r}.")
    elif _act(request, lambda: actions.perform(action, incident, request.user, _action_data(request.POST))) and action == "redact":
        messages.success(request, "Removed from the record, its citations and its history.")
    return redirect("incidents:desk-incident", public_id=public_id)
