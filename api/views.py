"""API views: thin. Reads start from incidents.selectors, writes call incidents.services
and incidents.moderation; errors become HTTP in api.exceptions."""

import json
from pathlib import Path

from django.http import StreamingHttpResponse
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from incidents.domain import corrections
from incidents.domain import submissions as services
from incidents.domain.partners import partner_of
from incidents.interchange import exports
from incidents.models import Incident, Submission
from incidents.public import cache as public_cache
from incidents.public import selectors
from incidents.public.filters import IncidentFilter

from . import serializers as s
from .authentication import GuardedTokenAuthentication
from .exceptions import Gone, error_body
from .openapi import LIST_PARAMS, filter_parameters
from .pagination import next_link, paginate
from .parsers import LimitedJSONParser
from .record_formats import RECORD_FORMAT, record_format_of
from .throttling import SubmissionThrottle

ERRORS = {400: OpenApiResponse(s.Error, description="Invalid input: every failing field is named."), 404: OpenApiResponse(s.Error)}

PAGING = {"page_size", "cursor", "ordering", "format"}


registry_last_modified = public_cache.registry_version


class PublicView(APIView):
    """Base of every public endpoint: anyone may read, and every queryset starts from the public selector."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public reads are the same for everyone; skip the session and token lookups
    queryset = Incident.objects.none()
    extra_params: set[str] = set()

    def get_queryset(self):
        return selectors.public_facts()

    def filtered(self, request, queryset=None, scope=("", "")):
        """Return (queryset, search query or None) after the shared FilterSet; 400 on an unknown or bad parameter.

        ``scope`` is the kept-counts scope of ``queryset`` (see IncidentFilter.scope); the
        filtered set's own scope is left in ``self.count_scope`` for the counts."""
        allowed = set(IncidentFilter.base_filters) | PAGING | self.extra_params
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
        filterset = IncidentFilter(request.query_params, queryset=self.get_queryset() if queryset is None else queryset, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors.get_json_data() and {k: [e["message"] for e in v] for k, v in filterset.errors.get_json_data().items()})
        self.count_scope = filterset.scope(base=scope)
        self.filterset = filterset
        return filterset.qs, filterset.search_query

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and "Last-Modified" not in response:
            last = registry_last_modified(request)
            if last:
                response["Last-Modified"] = http_date(last.timestamp())
        response.setdefault("Cache-Control", "public, max-age=0, must-revalidate")
        return response


class IncidentListMixin(PublicView):
    extra_params = {"split"}

    def list_response(self, request, queryset, scope=("", "")):
        queryset, search = self.filtered(request, queryset, scope)
        split = request.query_params.get("split", "")
        if split not in ("", "attribution"):
            raise ValidationError({"split": ["Use attribution, or leave it out."]})
        attributing, columns = self.filterset.attributing, {"list_row": selectors.summary_column()}
        # The split by claim status comes with the page: a column read from the kept counts (one
        # system's list), or, asked for, counted in the same pass as the total (a tally).
        if self.count_scope is not None and (column := selectors.split_column(queryset, attributing, self.count_scope)):
            columns["split"] = column
        elif not split:
            attributing = {}
        rows, cursor, total, tally = paginate(queryset, request, search=search, columns=columns, count_first=self.count_scope is None,
                                              total=selectors.total_column(queryset, self.count_scope, attributing))
        data = s.IncidentSummary(selectors.summaries(rows), many=True, context={"request": request}).data
        count = total if total is not None else selectors.count(queryset, self.count_scope)
        body = {"count": count, "next": next_link(request, cursor), "next_cursor": cursor or None, "results": data}
        if attributing:
            body["attribution"] = selectors.attribution_splits(queryset, attributing, self.count_scope, self.filterset.slugs,
                                                               page=tally or (rows if "split" in columns else None))
        return Response(body)


@extend_schema(tags=["incidents"], parameters=LIST_PARAMS, responses={200: s.IncidentPage, 400: ERRORS[400]},
               summary="List published incidents", description="Newest first; filters combine with AND, repeated values of one filter with OR.")
class IncidentList(IncidentListMixin):
    @extend_schema(operation_id="v1_incidents_list")
    def get(self, request):
        return self.list_response(request, None)


def _gone_or_redirect(request, public_id, api_prefix):
    """Answer for an id that is not public now: 301 to the canonical record, 410, or 404."""
    state = selectors.where_now(public_id)
    if state is None:
        raise NotFound(f"No published incident {public_id}.")
    kind, record = state
    if kind == "moved":
        url = request.build_absolute_uri(f"{api_prefix}{record.public_id}/")
        response = Response(error_body(301, "moved", f"{public_id} was merged into {record.public_id}.", canonical_url=url), status=301)
        response["Location"] = url
        return response
    exc = Gone(f"{record.public_id} was withdrawn: {record.withdrawn_reason}")
    exc.extra = {"withdrawn_reason": record.withdrawn_reason}
    raise exc


@extend_schema(tags=["incidents"], parameters=[RECORD_FORMAT],
               responses={200: s.IncidentRecord, 301: OpenApiResponse(s.Error, description="Merged: Location gives the canonical record."),
                                              400: ERRORS[400], 404: ERRORS[404], 410: OpenApiResponse(s.Error, description="Withdrawn, with the reason.")},
               summary="One published incident")
class IncidentDetail(PublicView):
    extra_params = {"record_format"}

    def get(self, request, public_id):
        record_format = record_format_of(request)
        incident = selectors.public_incident(public_id)
        if incident is None:
            return _gone_or_redirect(request, public_id, "/api/v1/incidents/")
        return Response(s.IncidentRecord(incident, context={"request": request, "record_format": record_format}).data)


@extend_schema(tags=["incidents"], responses={200: s.History, 301: OpenApiResponse(s.Error), 404: ERRORS[404], 410: OpenApiResponse(s.Error)},
               summary="Public change history of an incident", description="Each version's date, what changed field by field, and why.")
class IncidentHistory(PublicView):
    def get(self, request, public_id):
        incident = selectors.public_incidents().filter(public_id=public_id).first()
        if incident is None:
            return _gone_or_redirect(request, public_id, "/api/v1/incidents/")
        versions = [{"version": v.number, "at": v.at, "note": v.note, "changes": v.public_changes} for v in selectors.history_public(incident)]
        return Response({"public_id": incident.public_id, "versions": versions})


class ExportView(PublicView):
    fmt = "csv"

    def get(self, request):
        queryset, _ = self.filtered(request)
        if self.fmt == "csv":
            site, bom = request.build_absolute_uri("/").rstrip("/"), request.query_params.get("bom", "")
            if bom not in ("", "0", "1", "false", "true"):
                raise ValidationError({"bom": ["Use 1 or true for a byte-order mark (0 or false for none)."]})
            lines, content_type = exports.csv_rows(queryset, site, bom=bom in ("1", "true")), "text/csv; charset=utf-8"
        else:
            lines, content_type = exports.jsonl_rows(queryset, record_format=record_format_of(request)), "application/x-ndjson; charset=utf-8"
        response = StreamingHttpResponse(exports.batched(lines), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{exports.download_name(request.query_params, self.fmt)}"'
        return response


CSV_DOC = ("Streamed CSV (RFC 4180: rows end with CRLF), one row per incident. A cell that a spreadsheet would run as a "
           "formula (one starting with =, +, -, @, a tab or a carriage return) is written with a leading apostrophe (') "
           "as OWASP advises; strip it to get the text as recorded. Columns:\n\n") + "\n".join(f"- `{name}`: {doc}" for name, doc in exports.CSV_COLUMNS)


@extend_schema(tags=["export"], summary="Export the filtered incidents as CSV", description=CSV_DOC,
               parameters=[*filter_parameters(), OpenApiParameter("bom", {"type": "string", "enum": ["0", "1", "false", "true"]},
                                                                  description="Start with a UTF-8 byte-order mark, for spreadsheets.")],
               responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=CSV_DOC), 400: ERRORS[400]})
class ExportCSV(ExportView):
    fmt = "csv"
    extra_params = {"bom"}


@extend_schema(tags=["export"], summary="Export the filtered incidents as JSON Lines", parameters=[*filter_parameters(), RECORD_FORMAT],
               description="Streamed; one incident per line in the public record format (schema wir-incident/2, as the detail endpoint; "
                           "version 1 with record_format=1).",
               responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR), 400: ERRORS[400]})
class ExportJSONL(ExportView):
    fmt = "jsonl"
    extra_params = {"record_format"}


# --- submissions --------------------------------------------------------------------


SUBMISSION_EXAMPLE = {
    "title": "Man arrested after a face search matched his old licence photo",
    "narrative": "Police ran a surveillance still through face recognition and arrested the top candidate.",
    "incident_date": "2020-01-09", "country": "US", "region": "Michigan", "city": "Detroit",
    "systems": ["DataWorks Plus"], "operators": ["Detroit Police Department"],
    "identification_mode": "investigative_search", "error_type": "false_match",
    "contributing_factors": ["over_reliance", "no_corroboration"],
    "affected": {"count": 1, "has_minor": False},
    "sources": [{"url": "https://example.org/story", "title": "Wrongly arrested", "publisher": "Example News", "published_date": "2020-06-24", "source_type": "news"}],
    "outcomes": [{"type": "arrested", "detail": "Arrested at home.", "sources": [0]}, {"type": "detained", "days": 1, "sources": [0]}],
    "submitter": {"role": "journalist", "contact_email": "me@example.org"},
}


@extend_schema(tags=["submissions"], request=services.SubmissionSerializer, summary="Submit a sourced incident",
               description="No account needed; rate-limited per client, or per partner with a contributor's token. Outcomes point to sources by position (0-based). "
                           "Unknown systems and operators become proposals for the moderators. Contact details stay private.",
               examples=[OpenApiExample("A wrongful arrest", value=SUBMISSION_EXAMPLE, request_only=True)],
               responses={201: s.SubmissionCreated, 400: ERRORS[400], 413: OpenApiResponse(s.Error, description="Body over the size limit."),
                          429: OpenApiResponse(s.Error, description="Too many submissions from this client; try later.")})
class SubmissionCreate(APIView):
    permission_classes = [AllowAny]
    authentication_classes = [GuardedTokenAuthentication]  # none needed; a partner's contributor token lifts the limit
    parser_classes = [LimitedJSONParser]
    throttle_classes = [SubmissionThrottle]
    throttle_scope = "submissions"

    def post(self, request):
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send one JSON object."]})
        partner = partner_of(request.user)
        submission, token = services.submit(request.data, partner=partner, contributor=request.user if partner else None)
        url = request.build_absolute_uri(f"/api/v1/submissions/status/{token}/")
        return Response({"id": submission.pk, "status": submission.incident.status, "status_url": url, "token": token,
                         "possible_duplicates": services.public_duplicates(submission.incident, request)}, status=status.HTTP_201_CREATED)


def _submission(token):
    submission = Submission.by_token(token)
    if submission is None:
        raise NotFound("No submission with this link.")
    return submission


@extend_schema(tags=["submissions"], summary="Status of a submission (secret link)")
class SubmissionStatusView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [LimitedJSONParser]

    @extend_schema(responses={200: s.SubmissionStatus, 404: ERRORS[404]})
    def get(self, request, token):
        response = Response(services.submission_status(_submission(token)))
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=s.AnswerInput, responses={200: s.SubmissionStatus, 400: ERRORS[400], 404: ERRORS[404],
                                                     409: OpenApiResponse(s.Error, description="No change was requested.")},
                   summary="Answer a change request")
    def patch(self, request, token):
        submission = _submission(token)
        data = s.AnswerInput(data=request.data if isinstance(request.data, dict) else {})
        data.is_valid(raise_exception=True)
        services.answer_change_request(submission, data.validated_data["message"], data.validated_data.get("changes"))
        submission.incident.refresh_from_db()
        response = Response(services.submission_status(submission))
        response["Cache-Control"] = "no-store"
        return response


# --- the record format -----------------------------------------------------------------

RECORD_SCHEMA_DIR = Path(__file__).resolve().parents[1] / "incidents" / "schemas"


@extend_schema(tags=["incidents"], summary="JSON Schema of a published incident record (wir-incident/2; wir-incident/1 with record_format=1)",
               description="The format of the detail endpoint, the JSON Lines export, the full dump and the importer.",
               parameters=[RECORD_FORMAT],
               responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="A JSON Schema (draft 2020-12) document."), 400: ERRORS[400]})
class RecordSchema(PublicView):
    extra_params = {"record_format"}

    def get(self, request):
        path = RECORD_SCHEMA_DIR / f"wir-incident-{record_format_of(request)}.schema.json"
        response = Response(json.loads(path.read_text()))
        response["Cache-Control"] = "public, max-age=3600"
        return response


@extend_schema(tags=["incidents"], summary="Ask for a correction, or for a person's details to be removed",
               description="Anyone may ask; the person the record is about most of all. The request is private to the moderators; "
                           "an accepted one becomes a new public version with a correction note. A contact address, if given, "
                           "is used only to tell you the decision.",
               request=corrections.CorrectionRequestIn,
               examples=[OpenApiExample("Remove my name", request_only=True, value={
                   "kind": "removal", "requester_role": "affected_person",
                   "details": "The narrative gives my full name and my street; please remove both.", "contact_email": "me@example.org"})],
               responses={201: s.CorrectionRequestCreated, 400: ERRORS[400], 404: ERRORS[404],
                          410: OpenApiResponse(s.Error, description="Withdrawn."),
                          429: OpenApiResponse(s.Error, description="Too many requests from this client; try later.")})
class CorrectionRequestCreate(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [LimitedJSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "corrections"

    def post(self, request, public_id):
        incident = selectors.public_incident(public_id)
        if incident is None:
            state = selectors.where_now(public_id)
            if state and state[0] == "moved":
                raise NotFound(f"{public_id} was merged into {state[1].public_id}; send the request about that record.")
            return _gone_or_redirect(request, public_id, "/api/v1/incidents/")
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send one JSON object."]})
        req = corrections.request_correction(incident, request.data)
        return Response({"id": req.pk, "status": "received",
                         "message": "Thank you. A moderator will look at your request; the record's change history shows any change made."},
                        status=status.HTTP_201_CREATED)
