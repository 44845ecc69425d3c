"""The submission form and the submitter's private status page."""

import secrets

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError
from rest_framework.throttling import ScopedRateThrottle

from ..choices import Status
from ..domain import notices
from ..domain import submissions as services
from ..domain.drafts import flatten_errors
from ..models import Submission
from ..public import selectors
from . import forms as submission_form


class _SubmissionScope:
    """The form shares the API's per-client submission rate (settings: DEFAULT_THROTTLE_RATES["submissions"])."""

    throttle_scope = "submissions"


def _throttled(request) -> bool:
    return not ScopedRateThrottle().allow_request(request, _SubmissionScope())


def suggestions():
    """Names and aliases the system and operator fields suggest as the person types (a datalist: no script needed)."""
    systems = sorted({n for name, aliases in selectors.public_systems().values_list("name", "aliases") for n in [name, *aliases]})
    operators = sorted({n for name, aliases in selectors.public_organizations().values_list("name", "aliases") for n in [name, *aliases]})
    return systems, operators


FORM_NONCE_SECONDS = 24 * 3600


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


def _first_use(nonce: str) -> bool:
    """True the first time a form's one-time value is sent: a double click or a resent form sends one report.
    ``cache.add`` is one insert on the shared cache's primary key, so two requests racing cannot both win.
    A post without one (a script, not the page's form) is not deduplicated."""
    if not nonce:
        return True
    return len(nonce) <= 64 and cache.add(f"form-nonce:{nonce}", 1, FORM_NONCE_SECONDS)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    systems, operators = suggestions()
    context = {"system_names": systems, "operator_names": operators, "nonce": _new_nonce()}
    if request.method == "GET":
        return render(request, "incidents/submit.html", context | submission_form.form_context())
    if _throttled(request):
        errors = {"non_field_errors": [_("Too many submissions from this connection; please try again in an hour.")]}
        return render(request, "incidents/submit.html", context | submission_form.form_context(request.POST, errors), status=429)
    body, where = submission_form.to_payload(request.POST)
    nonce = request.POST.get("nonce", "")
    if not _first_use(nonce):
        return redirect("incidents:submitted")  # already sent (a second click, or the form sent again)
    try:
        submission, token = services.submit(body)
    except ValidationError as exc:
        if nonce:
            cache.delete(f"form-nonce:{nonce}")  # nothing was sent: the corrected form may use it
        errors = submission_form.form_errors(flatten_errors(exc.detail), where)
        return render(request, "incidents/submit.html", context | submission_form.form_context(request.POST, errors), status=400)
    # Post/redirect/get: the thank-you page is a GET, so reloading it sends nothing. The link is
    # handed to it through the session once and removed when shown; it is never in an address.
    request.session["submitted"] = {"token": token, "id": submission.pk}
    return redirect("incidents:submitted")


@never_cache
@require_http_methods(["GET"])
def submitted(request):
    sent = request.session.pop("submitted", None)
    submission = Submission.objects.select_related("incident").filter(pk=sent["id"]).first() if sent else None
    if submission is None:
        return render(request, "incidents/submitted.html", {"shown_before": True})
    status_url = request.build_absolute_uri(reverse("incidents:submission-status", args=[sent["token"]]))
    return render(request, "incidents/submitted.html", {"status_url": status_url, "submission": submission,
                                                        "duplicates": services.public_duplicates(submission.incident)})


class _LostLinkScope:
    """Asking for status links by mail: per client address (settings: DEFAULT_THROTTLE_RATES["lost_link"])."""

    throttle_scope = "lost_link"


LOST_LINK_ANSWER = gettext_lazy("If a report was sent from this address, a mail with a new link to each report is on its way. "
                                "It can take a few minutes; look in your spam folder too.")


@never_cache
@require_http_methods(["GET", "POST"])
def lost_link(request):
    if request.method == "GET":
        return render(request, "incidents/lost_link.html", {})
    email = request.POST.get("email", "").strip()
    if not ScopedRateThrottle().allow_request(request, _LostLinkScope()):
        return render(request, "incidents/lost_link.html", {"email": email, "error": _("Too many requests from this connection; please try again in an hour.")}, status=429)
    try:
        validate_email(email)
    except DjangoValidationError:
        return render(request, "incidents/lost_link.html", {"email": email, "error": _("Enter the e-mail address you gave with your report, e.g. name@example.org.")}, status=400)
    notices.ask_for_links(email)
    return render(request, "incidents/lost_link.html", {"done": LOST_LINK_ANSWER})


@never_cache
@require_http_methods(["GET", "POST"])
def submission_status(request, token):
    submission = Submission.by_token(token)
    if submission is None:
        raise Http404("No submission has this link.")
    errors = {}
    if request.method == "POST":
        message = request.POST.get("message", "").strip()
        if submission.incident.status != Status.CHANGES_REQUESTED:
            errors["message"] = [_("There is no open request for changes on this submission.")]
        elif not message:
            errors["message"] = [_("Write your answer to the moderator's question.")]
        else:
            services.answer_change_request(submission, message)
            return render(request, "incidents/status.html", {"s": services.submission_status(Submission.by_token(token)), "answered": True})
    return render(request, "incidents/status.html", {"s": services.submission_status(submission), "errors": errors,
                                                     "message": request.POST.get("message", "")}, status=400 if errors else 200)
