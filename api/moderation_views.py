"""Moderators' endpoints. Every action calls incidents.moderation; nothing here writes a status."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents import corrections, duplicates, moderation
from incidents.choices import OPEN_STATES, Status
from incidents.public.format import public_record
from incidents.choices import RequestState
from incidents.models import CorrectionRequest, Incident, Submission

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
        "submitter_role": submission.submitter_role, "contact_email": submission.contact_email,
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


class ModeratorView(APIView):
    permission_classes = [IsModerator]


@extend_schema(tags=["moderation"], summary="The moderation queue, oldest first",
               parameters=[OpenApiParameter("state", str, many=True, enum=[x.value for x in Status], description="Default: every open state."),
                           OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 500}, description="Default 100."),
                           OpenApiParameter("offset", {"type": "integer", "minimum": 0, "maximum": 10_000_000})],
               responses={200: s.ModerationItem(many=True), **MOD_ERRORS})
class Queue(ModeratorView):
    def get(self, request):
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
        rows = (Submission.objects.filter(incident__status__in=states).select_related("incident__claimed_by")
                .prefetch_related("incident__proposed_names").order_by("created_at", "id")[offset:offset + limit])
        return Response([queue_item(x) for x in rows])


@extend_schema(tags=["moderation"], summary="One submission: as sent, what would be published, and its history",
               responses={200: s.ModerationDetail, **MOD_ERRORS})
class QueueDetail(ModeratorView):
    def get(self, request, pk):
        return Response(detail_item(get_object_or_404(Submission.objects.select_related("incident__claimed_by"), pk=pk)))


def _result(incident):
    result = {"status": incident.status, "public_id": incident.public_id, "version": incident.version}
    if hasattr(incident, "redacted_fields"):
        result["changed_fields"] = incident.redacted_fields
    return result


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data if isinstance(request.data, dict) else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


SUBMISSION_ACTIONS = {
    "claim": (s.EmptyInput, lambda i, u, d: moderation.claim(i, u, expected_status=d.get("expected_status"))),
    "release": (s.EmptyInput, lambda i, u, d: moderation.release(i, u, expected_status=d.get("expected_status"))),
    "request-changes": (s.MessageInput, lambda i, u, d: moderation.request_changes(i, u, d["message"], expected_status=d.get("expected_status"))),
    "publish": (s.PublishInput, lambda i, u, d: moderation.publish(i, u, proposed=d.get("proposed"), note=d.get("note", ""), expected_status=d.get("expected_status"))),
    "reject": (s.ReasonInput, lambda i, u, d: moderation.reject(i, u, d["reason"], expected_status=d.get("expected_status"))),
}


def _correct(incident, user, data):
    return moderation.correct(incident, user, data["changes"], data["note"])


def _merge(incident, user, data):
    into = Incident.objects.filter(public_id=data["into"]).first()
    if into is None:
        raise ValidationError({"into": [f"No incident {data['into']}."]})
    return moderation.merge(incident, user, into=into, reason=data.get("reason", ""))


def _redact(incident, user, data):
    incident = moderation.redact(incident, user, data["note"], remove=data.get("remove"), changes=data.get("changes"))
    return incident


INCIDENT_ACTIONS = {
    "redact": (s.RedactInput, _redact),
    "merge": (s.MergeInput, _merge),
    "withdraw": (s.ReasonInput, lambda i, u, d: moderation.withdraw(i, u, d["reason"], expected_status=d.get("expected_status"))),
    "correct": (s.CorrectInput, _correct),
}


def submission_action_view(action):
    input_class, call = SUBMISSION_ACTIONS[action]

    class SubmissionAction(ModeratorView):
        @extend_schema(tags=["moderation"], request=input_class, responses={200: s.ActionResult, **MOD_ERRORS},
                       summary=f"{action.replace('-', ' ').capitalize()} a submission",
                       operation_id=f"moderation_submission_{action.replace('-', '_')}")
        def post(self, request, pk):
            submission = get_object_or_404(Submission, pk=pk)
            return Response(_result(call(submission.incident, request.user, _valid(input_class, request))))

    SubmissionAction.__name__ = f"Submission{action.title().replace('-', '')}"
    return SubmissionAction.as_view()


def incident_action_view(action):
    input_class, call = INCIDENT_ACTIONS[action]

    class IncidentAction(ModeratorView):
        @extend_schema(tags=["moderation"], request=input_class, responses={200: s.ActionResult, **MOD_ERRORS},
                       summary=f"{action.capitalize()} a published incident", operation_id=f"moderation_incident_{action}")
        def post(self, request, public_id):
            incident = get_object_or_404(Incident.objects.filter(~Q(public_id=None)), public_id=public_id)
            return Response(_result(call(incident, request.user, _valid(input_class, request))))

    IncidentAction.__name__ = f"Incident{action.title()}"
    return IncidentAction.as_view()


def request_item(req: CorrectionRequest) -> dict:
    return {"id": req.pk, "public_id": req.incident.public_id, "kind": req.kind, "requester_role": req.requester_role,
            "details": req.details, "evidence": req.evidence, "contact_email": req.contact_email, "created_at": req.created_at,
            "state": req.state, "decision": req.decision, "resulting_version": req.resulting_version}


@extend_schema(tags=["moderation"], summary="Correction and removal requests, oldest first",
               parameters=[OpenApiParameter("state", str, enum=[x.value for x in RequestState], description="Default: open.")],
               responses={200: s.CorrectionRequestOut(many=True), **MOD_ERRORS})
class CorrectionRequests(ModeratorView):
    def get(self, request):
        state = request.query_params.get("state") or RequestState.OPEN
        if state not in RequestState.values:
            raise ValidationError({"state": [f"Unknown state {state!r}; use one of {', '.join(RequestState.values)}."]})
        rows = CorrectionRequest.objects.filter(state=state).select_related("incident").order_by("created_at", "id")[:500]
        return Response([request_item(r) for r in rows])


def _decided(req, incident_version):
    req.refresh_from_db()
    return {"id": req.pk, "state": req.state, "public_id": req.incident.public_id, "version": incident_version}


@extend_schema(tags=["moderation"], request=s.AcceptInput, responses={200: s.RequestDecision, **MOD_ERRORS},
               summary="Accept a request: a new public version (a redaction for a removal request) with its note")
class AcceptCorrectionRequest(ModeratorView):
    def post(self, request, pk):
        req = get_object_or_404(CorrectionRequest.objects.select_related("incident"), pk=pk)
        data = _valid(s.AcceptInput, request)
        incident = corrections.accept(req, request.user, data.get("changes") or {}, data["note"], remove=data.get("remove"))
        return Response(_decided(req, incident.version))


@extend_schema(tags=["moderation"], request=s.ReasonInput, responses={200: s.RequestDecision, **MOD_ERRORS},
               summary="Decline a request with a reason (sent to the requester when they gave an address)")
class DeclineCorrectionRequest(ModeratorView):
    def post(self, request, pk):
        req = get_object_or_404(CorrectionRequest.objects.select_related("incident"), pk=pk)
        corrections.decline(req, request.user, _valid(s.ReasonInput, request)["reason"])
        return Response(_decided(req, req.incident.version))
