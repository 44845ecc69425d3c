"""The submission form and the submitter's private status page."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError
from rest_framework.throttling import ScopedRateThrottle

from ..choices import Status
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


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    systems, operators = suggestions()
    context = {"system_names": systems, "operator_names": operators}
    if request.method == "GET":
        return render(request, "incidents/submit.html", context | submission_form.form_context())
    if _throttled(request):
        errors = {"non_field_errors": ["Too many submissions from this connection; please try again in an hour."]}
        return render(request, "incidents/submit.html", context | submission_form.form_context(request.POST, errors), status=429)
    body, where = submission_form.to_payload(request.POST)
    try:
        submission, token = services.submit(body)
    except ValidationError as exc:
        errors = submission_form.form_errors(flatten_errors(exc.detail), where)
        return render(request, "incidents/submit.html", context | submission_form.form_context(request.POST, errors), status=400)
    status_url = request.build_absolute_uri(reverse("incidents:submission-status", args=[token]))
    # Shown once, never stored in clear: the page is not cached and the link is not put in a redirect.
    return render(request, "incidents/submitted.html", {"status_url": status_url, "submission": submission,
                                                        "duplicates": services.public_duplicates(submission.incident)}, status=201)


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
            errors["message"] = ["There is no open request for changes on this submission."]
        elif not message:
            errors["message"] = ["Write your answer to the moderator's question."]
        else:
            services.answer_change_request(submission, message)
            return render(request, "incidents/status.html", {"s": services.submission_status(Submission.by_token(token)), "answered": True})
    return render(request, "incidents/status.html", {"s": services.submission_status(submission), "errors": errors,
                                                     "message": request.POST.get("message", "")}, status=400 if errors else 200)
