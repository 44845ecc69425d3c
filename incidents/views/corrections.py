"""The public correction/removal request form, and the desk screens that decide requests."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError
from rest_framework.throttling import ScopedRateThrottle

from ..choices import RequestKind, RequestState, SubmitterRole
from ..domain import corrections
from ..domain.drafts import flatten_errors
from ..models import CorrectionRequest
from ..public import selectors
from .desk import _act, moderator_required
from .public import _not_public

FIELDS = ("kind", "requester_role", "details", "evidence", "contact_email")


class _Scope:
    """Shares the API's per-client rate for requests (DEFAULT_THROTTLE_RATES["corrections"])."""

    throttle_scope = "corrections"


def _form(post=None, errors=None):
    values = {f: (post.get(f, "") if post else "") for f in FIELDS}
    errors = errors or {}
    labels = {"kind": _("What you are asking"), "details": _("What is wrong"), "evidence": _("Evidence"),
              "requester_role": _("You are"), "contact_email": _("Your e-mail")}
    summary = [("" if name == "non_field_errors" else name, str(labels.get(name, name)), message)
               for name, messages in errors.items() for message in messages]
    return {"values": values, "errors": errors, "summary": summary, "kinds": RequestKind.choices, "roles": SubmitterRole.choices}


@never_cache
@require_http_methods(["GET", "POST"])
def request_form(request, public_id):
    incident = selectors.public_incidents().filter(public_id=public_id).only("id", "public_id", "title").first()
    if incident is None:
        return _not_public(request, public_id)
    context = {"incident": incident}
    if request.method == "GET":
        kind = request.GET.get("kind") if request.GET.get("kind") in RequestKind.values else RequestKind.CORRECTION
        return render(request, "incidents/correction_request.html", context | _form({"kind": kind}))
    if not ScopedRateThrottle().allow_request(request, _Scope()):
        errors = {"non_field_errors": [_("Too many requests from this connection; please try again in an hour.")]}
        return render(request, "incidents/correction_request.html", context | _form(request.POST, errors), status=429)
    data = {f: request.POST.get(f, "") for f in FIELDS}
    try:
        corrections.request_correction(incident, data)
    except ValidationError as exc:
        return render(request, "incidents/correction_request.html", context | _form(request.POST, flatten_errors(exc.detail)), status=400)
    return render(request, "incidents/correction_received.html", context, status=201)


@moderator_required
@require_http_methods(["GET"])
def request_queue(request):
    state = request.GET.get("state") if request.GET.get("state") in RequestState.values else RequestState.OPEN
    rows = CorrectionRequest.objects.filter(state=state).select_related("incident").order_by("created_at", "id")[:200]
    return render(request, "incidents/desk/requests.html", {"rows": rows, "state": state, "states": RequestState.choices})


@moderator_required
@require_http_methods(["GET", "POST"])
def request_review(request, pk):
    req = get_object_or_404(CorrectionRequest.objects.select_related("incident", "decided_by"), pk=pk)
    incident = req.incident
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "accept":
            changes = {f: request.POST[f] for f in ("title", "narrative", "region", "city") if f in request.POST and request.POST[f] != getattr(incident, f)}
            if request.POST.get("remove_name") and incident.affected_name:
                changes["affected"] = {"name": ""}
            remove = [line.strip() for line in request.POST.get("remove", "").splitlines() if line.strip()] or None
            if _act(request, lambda: corrections.accept(req, request.user, changes, request.POST.get("note", ""), remove=remove)):
                messages.success(request, "Accepted: the record has a new public version.")
        elif action == "decline":
            if _act(request, lambda: corrections.decline(req, request.user, request.POST.get("reason", ""))):
                messages.success(request, "Declined." + (" The requester will receive the reason." if req.contact_email else ""))
        else:
            messages.error(request, f"Unknown action {action!r}.")
        return redirect("incidents:desk-request", pk=pk)
    return render(request, "incidents/desk/request.html", {"req": req, "incident": incident, "is_removal": req.kind == RequestKind.REMOVAL})
