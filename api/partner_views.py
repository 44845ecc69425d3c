"""A partner's endpoints: bulk submission and its own submissions. Contributor tokens only
(``manage.py createcontributor``); each item goes through the one submission service."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents.domain import drafts, partners
from incidents.domain import submissions as services
from incidents.domain.partners import partner_of

from . import serializers as s
from .authentication import GuardedTokenAuthentication
from .exceptions import django_error_detail
from .parsers import BatchLines, BulkJSONParser, JSONLinesParser, JSONLParser
from .permissions import IsContributor
from .throttling import SubmissionThrottle
from .views import SUBMISSION_EXAMPLE


def _batch(data) -> list[dict]:
    """The items of a bulk body, each ``{"line": n, "item": value}`` or ``{"line": n, "error": message}``;
    a JSON array's items are numbered from 1 as lines are."""
    if isinstance(data, BatchLines):
        return list(data)
    if isinstance(data, list):
        return [{"line": n, "item": item} for n, item in enumerate(data, start=1)]
    raise ValidationError({"non_field_errors": ["Send a JSON array of submissions, or JSON Lines (one submission per line)."]})


def _errors(exc) -> dict[str, list[str]]:
    return django_error_detail(exc) if isinstance(exc, DjangoValidationError) else drafts.flatten_errors(exc.detail)


@extend_schema(tags=["partners"], summary="Submit many incidents at once (a partner's contributors)",
               description="Up to 500 submissions, as a JSON array or as JSON Lines (`Content-Type: application/x-ndjson`), each "
                           "in the shape of a single submission. Every item is validated and stored on its own: the answer has one "
                           "result per item, in order, with its submission id and status URL, or its field errors by line. An item "
                           "that fails stores nothing and does not stop the others. Each item counts against the partner's hourly limit.",
               request={"application/json": {"type": "array", "items": {"$ref": "#/components/schemas/SubmissionRequest"}, "maxItems": 500},
                        "application/x-ndjson": {"type": "string", "description": "One submission (a JSON object) per line."}},
               examples=[OpenApiExample("One case in a batch", request_only=True, value=[SUBMISSION_EXAMPLE])],
               responses={200: s.BulkResult, 400: OpenApiResponse(s.Error), 401: OpenApiResponse(s.Error), 403: OpenApiResponse(s.Error),
                          413: OpenApiResponse(s.Error, description="Body over the size limit."),
                          429: OpenApiResponse(s.Error, description="The partner's hourly limit would be exceeded; nothing was stored.")})
class SubmissionBulk(APIView):
    authentication_classes = [GuardedTokenAuthentication]
    permission_classes = [IsContributor]
    parser_classes = [BulkJSONParser, JSONLinesParser, JSONLParser]
    throttle_classes = [SubmissionThrottle]
    throttle_scope = "submissions"

    @staticmethod
    def submission_count(request) -> int:
        """How many submissions this request asks for (what the partner's limit counts)."""
        data = request.data
        return len(data) if isinstance(data, list) and len(data) <= settings.BULK_SUBMISSION_MAX_ITEMS else 1

    def post(self, request):
        items = _batch(request.data)
        limit = settings.BULK_SUBMISSION_MAX_ITEMS
        if not items:
            raise ValidationError({"non_field_errors": ["The batch is empty."]})
        if len(items) > limit:
            raise ValidationError({"non_field_errors": [f"At most {limit} submissions per request; this one has {len(items)}. Split it."]})
        partner = partner_of(request.user)
        results = []
        for row in items:
            result = {"line": row["line"]}
            if "error" in row:
                results.append(result | {"status": "invalid", "errors": {"non_field_errors": [row["error"]]}})
                continue
            if not isinstance(row["item"], dict):
                results.append(result | {"status": "invalid", "errors": {"non_field_errors": ["Each item must be one JSON object."]}})
                continue
            try:
                submission, token = services.submit(row["item"], partner=partner, contributor=request.user)
            except (ValidationError, DjangoValidationError) as exc:
                results.append(result | {"status": "invalid", "errors": _errors(exc)})
                continue
            results.append(result | {"status": "created", "id": submission.pk, "token": token,
                                     "status_url": request.build_absolute_uri(f"/api/v1/submissions/status/{token}/")})
        created = sum(1 for r in results if r["status"] == "created")
        return Response({"created": created, "invalid": len(results) - created, "results": results})


@extend_schema(tags=["partners"], summary="The partner's submissions and where each stands, newest first",
               parameters=[OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 500}, description="Default 100."),
                           OpenApiParameter("offset", {"type": "integer", "minimum": 0})],
               responses={200: s.PartnerSubmissions, 401: OpenApiResponse(s.Error), 403: OpenApiResponse(s.Error)})
class MySubmissions(APIView):
    authentication_classes = [GuardedTokenAuthentication]
    permission_classes = [IsContributor]

    def get(self, request):
        try:
            limit = int(request.query_params.get("limit", 100))
            offset = int(request.query_params.get("offset", 0))
            if not (1 <= limit <= 500 and offset >= 0):
                raise ValueError
        except ValueError:
            raise ValidationError({"limit": ["Use a limit from 1 to 500 and an offset of 0 or more."]}) from None
        rows = partners.partner_submissions(partner_of(request.user))
        results = [partners.submission_row(x) for x in rows[offset:offset + limit]]
        for row in results:
            row["public_url"] = request.build_absolute_uri(row["public_url"]) if row["public_url"] else None
        response = Response({"count": rows.count(), "results": results})
        response["Cache-Control"] = "no-store, private"
        return response
