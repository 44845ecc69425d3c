"""Deployments in the API: the public list, detail, export and schema; a submission
endpoint for anyone; and the moderators' queue and actions. Every write is a call to
``incidents.domain.deployments``; every public read starts from ``public.deployments``."""

import json
from pathlib import Path

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from incidents.choices import Status
from incidents.domain import deployments as services
from incidents.domain.deployment_drafts import DeploymentDraft
from incidents.models import Deployment
from incidents.public import deployments as public

from . import serializers as s
from .deployment_serializers import DeploymentPage, DeploymentRecord
from .moderation_views import MOD_ERRORS, valid_input
from .parsers import LimitedJSONParser
from .permissions import IsModerator

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "incidents" / "schemas" / "wir-deployment-1.schema.json"
FILTERS = {"system", "operator", "country", "database", "kind", "technology", "active_on", "active_after", "active_before"}
PARAMS = [
    OpenApiParameter("system", str, many=True, description="Slug, name or alias of the system."),
    OpenApiParameter("operator", str, many=True, description="Slug, name or alias of the operator."),
    OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 codes, comma-separated."),
    OpenApiParameter("database", str, description="Reference databases searched, comma-separated (e.g. fugitives_list)."),
    OpenApiParameter("kind", str, description="operational, pilot or test."),
    OpenApiParameter("technology", str, description="face, iris, fingerprint, identity_database or other."),
    OpenApiParameter("active_on", OpenApiTypes.DATE, description="In use on this day."),
    OpenApiParameter("active_after", OpenApiTypes.DATE, description="Still in use on or after this day."),
    OpenApiParameter("active_before", OpenApiTypes.DATE, description="Begun on or before this day."),
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 100_000}), OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 100}),
]


def _number(request, name, default, low, high):
    raw = request.query_params.get(name, default)
    try:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError({name: [f"Use a whole number from {low} to {high}."]}) from None
    return value


def _filtered(request):
    unknown = sorted(set(request.query_params) - FILTERS - {"page", "page_size", "format"})
    if unknown:
        raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
    qs, errors = public.filtered(request.query_params)
    if errors:
        raise ValidationError(errors)
    return qs


class PublicDeploymentView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []


class DeploymentList(PublicDeploymentView):
    @extend_schema(tags=["deployments"], parameters=PARAMS, responses={200: DeploymentPage, 400: OpenApiResponse(s.Error)},
                   operation_id="v1_deployments_list", summary="Published deployments: who uses which system, where, since when, searching what",
                   description="Oldest first. Filters combine with AND; several values of one filter with OR.")
    def get(self, request):
        qs = _filtered(request)
        page, size = _number(request, "page", 1, 1, 100_000), _number(request, "page_size", 50, 1, 100)
        total = qs.count()
        rows = list(qs[(page - 1) * size:page * size])
        following = None
        if page * size < total:
            query = request.query_params.copy()
            query["page"] = str(page + 1)
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response({"count": total, "next": following, "results": [public.deployment_record(d) for d in rows]})


@extend_schema(tags=["deployments"], responses={200: DeploymentRecord, 404: OpenApiResponse(s.Error), 410: OpenApiResponse(s.Error)},
               summary="One published deployment, with its sources and figures")
class DeploymentDetail(PublicDeploymentView):
    def get(self, request, pk):
        found = public.public_deployments().filter(pk=pk).first()
        if found is None:
            if Deployment.objects.filter(pk=pk, status=Status.WITHDRAWN).exists():
                return Response({"error": {"status": 410, "code": "gone", "message": "This deployment was withdrawn."}}, status=410)
            raise NotFound(f"No published deployment {pk}.")
        return Response(public.deployment_record(found))


@extend_schema(tags=["deployments"], parameters=[p for p in PARAMS if p.name not in ("page", "page_size")],
               responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="One deployment record per line."),
                          400: OpenApiResponse(s.Error)},
               summary="Export published deployments as JSON Lines (wir-deployment/1)")
class DeploymentExport(PublicDeploymentView):
    def get(self, request):
        qs = _filtered(request)
        lines = (json.dumps(public.deployment_record(d), ensure_ascii=False) + "\n" for d in qs.iterator(chunk_size=500))
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="deployments.jsonl"'
        return response


@extend_schema(tags=["deployments"], summary="JSON Schema of a published deployment record (wir-deployment/1)",
               responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="A JSON Schema (draft 2020-12) document.")})
class DeploymentSchema(PublicDeploymentView):
    def get(self, request):
        response = Response(json.loads(SCHEMA_PATH.read_text()))
        response["Cache-Control"] = "public, max-age=3600"
        return response


class DeploymentSubmitted(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


@extend_schema(tags=["deployments"], request=DeploymentDraft, responses={201: DeploymentSubmitted, 400: OpenApiResponse(s.Error),
                                                                         429: OpenApiResponse(s.Error)},
               summary="Submit a sourced deployment (who uses which system, where, since when), with its figures",
               description="No account needed; rate-limited per client like incident submissions. A moderator checks it before it is public.")
class DeploymentSubmit(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [LimitedJSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "submissions"

    def post(self, request):
        deployment = services.submit(request.data)
        return Response({"id": deployment.pk, "status": deployment.status}, status=status.HTTP_201_CREATED)


class PublishDeployment(serializers.Serializer):
    proposed = serializers.DictField(child=serializers.CharField(), required=False,
                                     help_text='{"operator": "create" | "<slug>", "system": "create" | "<slug>"} for names not known yet.')
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CorrectDeployment(serializers.Serializer):
    changes = serializers.DictField(help_text="Fields to change, as in a submission.")
    note = serializers.CharField(max_length=5000)


class ModeratedDeployment(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    operator = serializers.CharField(help_text="As given, or the known slug.")
    system = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    history = serializers.ListField(child=serializers.DictField())


def _moderated(d: Deployment) -> dict:
    return {"id": d.pk, "status": d.status, "operator": d.operator.slug if d.operator_id else d.operator_name,
            "system": d.system.slug if d.system_id else d.system_name, "summary": d.summary,
            "history": [{"at": e.at, "action": e.action, "actor": e.actor.get_username() if e.actor else None, "reason": e.reason,
                         "changes": e.changes} for e in d.events.select_related("actor")]}


class DeploymentModerationViewSet(viewsets.GenericViewSet):
    """The moderators' deployments: the queue and the actions on one."""

    permission_classes = [IsModerator]
    queryset = Deployment.objects.select_related("operator", "system")
    serializer_class = ModeratedDeployment
    pagination_class = None
    lookup_value_regex = r"\d+"

    @extend_schema(tags=["moderation"], parameters=[OpenApiParameter("state", str, enum=[x.value for x in Status], description="Default: submitted.")],
                   responses={200: ModeratedDeployment(many=True), **MOD_ERRORS}, operation_id="moderation_deployments_list")
    def list(self, request):
        state = request.query_params.get("state") or Status.SUBMITTED
        if state not in Status.values:
            raise ValidationError({"state": [f"Unknown state {state!r}."]})
        return Response([_moderated(d) for d in self.get_queryset().filter(status=state).order_by("created_at", "id")[:500]])

    @extend_schema(tags=["moderation"], responses={200: ModeratedDeployment, **MOD_ERRORS}, operation_id="moderation_deployments_retrieve")
    def retrieve(self, request, pk=None):
        return Response(_moderated(self.get_object()))

    def _act(self, request, pk, call):
        deployment = get_object_or_404(Deployment, pk=pk)
        call(deployment)
        return Response(_moderated(Deployment.objects.get(pk=pk)))

    @extend_schema(tags=["moderation"], request=PublishDeployment, responses={200: ModeratedDeployment, **MOD_ERRORS}, operation_id="moderation_deployment_publish")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = valid_input(PublishDeployment, request)
        return self._act(request, pk, lambda d: services.publish(d, request.user, proposed=data.get("proposed"), note=data.get("note", "")))

    @extend_schema(tags=["moderation"], request=s.ReasonInput, responses={200: ModeratedDeployment, **MOD_ERRORS}, operation_id="moderation_deployment_reject")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(request, pk, lambda d: services.reject(d, request.user, valid_input(s.ReasonInput, request)["reason"]))

    @extend_schema(tags=["moderation"], request=s.ReasonInput, responses={200: ModeratedDeployment, **MOD_ERRORS}, operation_id="moderation_deployment_withdraw")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(request, pk, lambda d: services.withdraw(d, request.user, valid_input(s.ReasonInput, request)["reason"]))

    @extend_schema(tags=["moderation"], request=CorrectDeployment, responses={200: ModeratedDeployment, **MOD_ERRORS}, operation_id="moderation_deployment_correct")
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        data = valid_input(CorrectDeployment, request)
        return self._act(request, pk, lambda d: services.correct(d, request.user, data["changes"], data["note"]))
