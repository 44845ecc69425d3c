"""The desk's edit form: a moderator who claimed a submission changes its draft before
publishing. The form is the submission form; the change goes through
``moderation.edit_draft``, as the API's PATCH does."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError

from ..choices import Status
from ..domain import moderation
from ..domain.drafts import flatten_errors
from ..models import Submission
from . import forms as submission_form
from .desk import _act, moderator_required
from .submission import suggestions


@moderator_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    submission = get_object_or_404(Submission.objects.select_related("incident__claimed_by"), pk=pk)
    incident = submission.incident
    if incident.status != Status.IN_REVIEW or incident.claimed_by_id != request.user.pk:
        messages.error(request, "Claim the submission for review before editing its draft.")
        return redirect("incidents:desk-review", pk=pk)
    systems, operators = suggestions()
    context = {"submission": submission, "incident": incident, "system_names": systems, "operator_names": operators, "desk": True}
    if request.method == "GET":
        post = submission_form.draft_post(incident)
        return render(request, "incidents/desk/edit.html", context | submission_form.form_context(post) | {
            "name_public": incident.affected_name_public})
    body, where = submission_form.to_payload(request.POST)
    body.pop("submitter")
    body["affected_name_public"] = request.POST.get("affected_name_public") == "on"
    note = request.POST.get("note", "").strip()
    try:
        done = _act(request, lambda: moderation.edit_draft(incident, request.user, body, note, expected_status=Status.IN_REVIEW), reraise=ValidationError)
    except ValidationError as exc:
        errors = submission_form.form_errors(flatten_errors(exc.detail), where)
        return render(request, "incidents/desk/edit.html", context | submission_form.form_context(request.POST, errors) | {
            "name_public": body["affected_name_public"], "note": note}, status=400)
    if done:
        changed = incident.events.order_by("-at", "-id").values_list("changes", flat=True).first() or {}
        messages.success(request, f"Draft saved: {', '.join(sorted(changed)) or 'nothing'} changed." if changed else "Draft saved: nothing changed.")
    return redirect("incidents:desk-review", pk=pk)
