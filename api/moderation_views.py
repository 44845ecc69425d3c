"""Moderators' endpoints: three ViewSets whose @actions run the one table of moderation
actions (``incidents.domain.actions``), the same calls the desk and the admin make. Nothing
here writes a status."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from incidents.choices import OPEN_STATES, Action, RequestState, Status
from incidents.domain import actions, corrections, drafts, duplicates, moderation, translations
from incidents.domain.queue import moderation_queue, with_last_action
from incidents.models import CorrectionRequest, Incident, Submission
from incidents.public.format import public_record

from . import serializers as s
from .permissions import IsModerator

MOD_ERRORS = {
    400: OpenApiResponse(s.Error), 401: OpenApiResponse(s.Error), 403: OpenApiResponse(s.Error), 404: OpenApiResponse(s.Error),
    409: OpenApiResponse(s.Error, description="Not allowed from the record's status, or another moderator acted first."),
}


MAX_OFFSET = 10_000_000


def queue_item(submission: Submission) -> dict:
    incident = submission.incident
    return {
        "id": submission.pk, "incident_id": incident.pk, "status": incident.status, "public_id": incident.public_id,
        "title": incident.title, "submitted_at": submission.created_at,
        "claimed_by": incident.claimed_by.get_username() if incident.claimed_by else None,
        "answered": getattr(submission, "last_action", None) == Action.ANSWER,
        "submitter_role": submission.submitter_role, "contact_email": submission.contact_email,
        "partner": submission.partner.slug if submission.partner_id else None,
        "proposed": [{"kind": p.kind, "name": p.name} for p in incident.proposed_names.all()],
    }


def detail_item(submission: Submission) -> dict:
    incident = submission.incident
    return queue_item(submission) | {
        "payload": submission.payload,
        "draft": public_record(incident),
        "history": [
            {"at": e.at, "actor": e.actor.get_username() if e.actor else None, "action": e.action, "from_status": e.from_status,
             "to_status": e.to_status, "reason": e.reason, "changes": e.changes}
            for e in incident.events.select_related("actor").order_by("at", "id")
        ],
        "allowed_actions": moderation.allowed_actions(incident),
        "possible_duplicates": [
            {"incident_id": c.incident.pk, "public_id": c.incident.public_id, "status": c.incident.status, "title": c.incident.title,
             "score": round(c.score, 2), "reasons": c.reasons}
            for c in duplicates.candidates(incident)
        ],
    }


class ModeratorViewSet(viewsets.GenericViewSet):
    permission_classes = [IsModerator]
    pagination_class = None


def _result(incident):
    result = {"status": incident.status, "public_id": incident.public_id, "version": incident.version}
    if hasattr(incident, "redacted_fields"):
        result["changed_fields"] = incident.redacted_fields
    return result


def valid_input(serializer_class, request):
    """The validated body of a moderation action (a 400 naming each bad field otherwise)."""
    serializer = serializer_class(data=request.data if isinstance(request.data, dict) else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# Each API action's input (validated here); the action itself is the one of the same name in
# incidents.domain.actions.ACTIONS.
SUBMISSION_ACTIONS = {"claim": s.EmptyInput, "release": s.EmptyInput, "request_changes": s.MessageInput, "publish": s.PublishInput,
                      "reject": s.ReasonInput}
INCIDENT_ACTIONS = {"redact": s.RedactInput, "merge": s.MergeInput, "withdraw": s.ReasonInput, "correct": s.CorrectInput,
                    "translate": translations.TranslationDraft, "remove_translation": s.LanguageInput}


def _moderation_action(name, input_class, summary, operation_id, target):
    """An @action running ``actions.perform(name, …)`` on the incident ``target(obj)``."""

    def run(self, request, **kwargs):
        return Response(_result(actions.perform(name, target(self.get_object()), request.user, valid_input(input_class, request))))

    run.__name__ = name  # before @action, which records the method's name
    run = action(detail=True, methods=["post"], url_path=name.replace("_", "-"), url_name=name.replace("_", "-"))(run)
    return extend_schema(tags=["moderation"], request=input_class, responses={200: s.ActionResult, **MOD_ERRORS}, summary=summary,
                         operation_id=operation_id)(run)


class SubmissionViewSet(ModeratorViewSet):
    """The moderation queue, one submission, and the actions on a submission."""

    queryset = with_last_action(Submission.objects.select_related("incident__claimed_by", "partner"))
    serializer_class = s.ModerationItem
    lookup_value_regex = r"\d+"

    @extend_schema(tags=["moderation"], summary="The moderation queue, oldest first",
                   parameters=[OpenApiParameter("state", str, many=True, enum=[x.value for x in Status], description="Default: every open state."),
                               OpenApiParameter("partner", str, description="Only what this partner (slug) sent: review a partner's batch."),
                               OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 500}, description="Default 100."),
                               OpenApiParameter("offset", {"type": "integer", "minimum": 0, "maximum": 10_000_000})],
                   responses={200: s.ModerationItem(many=True), **MOD_ERRORS}, operation_id="moderation_submissions_list")
    def list(self, request):
        states = [v for x in request.query_params.getlist("state") for v in x.split(",") if v] or list(OPEN_STATES)
        bad = [x for x in states if x not in Status.values]
        if bad:
            raise ValidationError({"state": [f"Unknown state {b!r}." for b in bad]})
        try:
            limit = int(request.query_params.get("limit", 100))
            if not 1 <= limit <= 500:
                raise ValueError
        except ValueError:
            raise ValidationError({"limit": ["Use a whole number from 1 to 500."]}) from None
        try:
            offset = int(request.query_params.get("offset", 0))
            if not 0 <= offset <= MAX_OFFSET:
                raise ValueError
        except ValueError:
            raise ValidationError({"offset": [f"Use a whole number from 0 to {MAX_OFFSET}."]}) from None
        partner = request.query_params.get("partner") or None
        if partner is not None and "\x00" in partner:
            raise ValidationError({"partner": ["Null characters are not allowed."]})
        rows = moderation_queue(states, partner=partner)[offset:offset + limit]
        return Response([queue_item(x) for x in rows])

    @extend_schema(tags=["moderation"], summary="One submission: as sent, what would be published, and its history",
                   responses={200: s.ModerationDetail, **MOD_ERRORS}, operation_id="moderation_submissions_retrieve")
    def retrieve(self, request, pk=None):
        return Response(detail_item(self.get_object()))

    @extend_schema(tags=["moderation"], request=drafts.CorrectionDraft, responses={200: s.ModerationDetail, **MOD_ERRORS},
                   summary="Edit the draft before publishing it (the moderator who claimed it)",
                   description="Any field of a submission, with the same rules and messages; fields not sent are kept. "
                               "Sources and outcomes are replaced as a whole when `sources` is sent. Each edit is a history row "
                               "with each changed field before and after; the submission as sent stays as it was.",
                   operation_id="moderation_submissions_partial_update")
    def partial_update(self, request, pk=None):
        submission = self.get_object()
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send one JSON object of draft fields."]})
        moderation.edit_draft(submission.incident, request.user, request.data)
        submission.incident.refresh_from_db()
        return Response(detail_item(self.get_queryset().get(pk=submission.pk)))


for _name, _input in SUBMISSION_ACTIONS.items():
    setattr(SubmissionViewSet, _name, _moderation_action(
        _name, _input, f"{_name.replace('_', ' ').capitalize()} a submission", f"moderation_submission_{_name}", lambda sub: sub.incident))


class IncidentActionViewSet(ModeratorViewSet):
    """The actions on a published (or once published) incident, by its public id."""

    queryset = Incident.objects.filter(~Q(public_id=None))
    serializer_class = s.ActionResult
    lookup_field = "public_id"
    lookup_value_regex = r"[A-Za-z]{2,5}-\d{4}-\d{4,}"


for _name, _input in INCIDENT_ACTIONS.items():
    setattr(IncidentActionViewSet, _name, _moderation_action(
        _name, _input, f"{_name.capitalize()} a published incident", f"moderation_incident_{_name}", lambda incident: incident))


def request_item(req: CorrectionRequest) -> dict:
    return {"id": req.pk, "public_id": req.incident.public_id, "kind": req.kind, "requester_role": req.requester_role,
            "details": req.details, "evidence": req.evidence, "contact_email": req.contact_email, "created_at": req.created_at,
            "state": req.state, "decision": req.decision, "resulting_version": req.resulting_version}


def _decided(req, incident_version):
    req.refresh_from_db()
    return {"id": req.pk, "state": req.state, "public_id": req.incident.public_id, "version": incident_version}


class CorrectionRequestViewSet(ModeratorViewSet):
    """Correction and removal requests from the public, and the moderator's decision on each."""

    queryset = CorrectionRequest.objects.select_related("incident")
    serializer_class = s.CorrectionRequestOut
    lookup_value_regex = r"\d+"

    @extend_schema(tags=["moderation"], summary="Correction and removal requests, oldest first",
                   parameters=[OpenApiParameter("state", str, enum=[x.value for x in RequestState], description="Default: open.")],
                   responses={200: s.CorrectionRequestOut(many=True), **MOD_ERRORS}, operation_id="moderation_corrections_list")
    def list(self, request):
        state = request.query_params.get("state") or RequestState.OPEN
        if state not in RequestState.values:
            raise ValidationError({"state": [f"Unknown state {state!r}; use one of {', '.join(RequestState.values)}."]})
        rows = self.get_queryset().filter(state=state).order_by("created_at", "id")[:500]
        return Response([request_item(r) for r in rows])

    @extend_schema(tags=["moderation"], request=s.AcceptInput, responses={200: s.RequestDecision, **MOD_ERRORS},
                   summary="Accept a request: a new public version (a redaction for a removal request) with its note",
                   operation_id="moderation_corrections_accept_create")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        req = self.get_object()
        data = valid_input(s.AcceptInput, request)
        incident = corrections.accept(req, request.user, data.get("changes") or {}, data["note"], remove=data.get("remove"))
        return Response(_decided(req, incident.version))

    @extend_schema(tags=["moderation"], request=s.ReasonInput, responses={200: s.RequestDecision, **MOD_ERRORS},
                   summary="Decline a request with a reason (sent to the requester when they gave an address)",
                   operation_id="moderation_corrections_decline_create")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        req = self.get_object()
        corrections.decline(req, request.user, valid_input(s.ReasonInput, request)["reason"])
        return Response(_decided(req, req.incident.version))
