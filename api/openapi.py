"""OpenAPI descriptions derived from the code that enforces them, so the docs cannot drift.

The query parameters of every incident list, export and stats endpoint come from the one
IncidentFilter: a new filter appears in the schema the moment it exists.
"""

import django_filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter

from incidents.public.filters import IncidentFilter, StrictBooleanFilter, ValuesFilter

from .pagination import MAX_PAGE_SIZE

# PostgreSQL text cannot hold U+0000; such a value is refused with a 400 naming the parameter.
NO_NUL = r"^[^\x00]*$"


def _schema_for(name, flt) -> tuple[dict, bool]:
    """Return (JSON schema, is_repeatable) for one filter."""
    if isinstance(flt, ValuesFilter):
        allowed = flt.extra.get("choices")
        if allowed:
            item = {"type": "string", "enum": [str(value) for value, _ in allowed]}
        elif name == "year":
            item = {"type": "integer", "minimum": 1900, "maximum": 2100}
        elif name == "country":
            item = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
        else:
            item = {"type": "string", "minLength": 1, "pattern": NO_NUL}
        return {"type": "array", "items": item}, True
    if isinstance(flt, StrictBooleanFilter):
        return {"type": "boolean"}, False
    if isinstance(flt, django_filters.DateFilter):
        return {"type": "string", "format": "date"}, False
    return {"type": "string", "pattern": NO_NUL}, False


def filter_parameters() -> list[OpenApiParameter]:
    params = []
    for name, flt in IncidentFilter.base_filters.items():
        schema, many = _schema_for(name, flt)
        description = str(flt.extra.get("help_text") or flt.label or name).rstrip(".") + "."
        if many:
            description += " Repeat the parameter (or separate values with commas) for OR."
        params.append(OpenApiParameter(name, schema, required=False, description=description, explode=many if many else None,
                                       style="form" if many else None))
    return params


PAGE_PARAMS = [
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                     description=f"Rows per page, 1 to {MAX_PAGE_SIZE} (default 50)."),
    OpenApiParameter("cursor", str, description="Opaque cursor from the previous page's `next`; do not build it yourself."),
    OpenApiParameter("ordering", str, enum=["newest", "oldest", "relevance"],
                     description="newest (default), oldest, or relevance (the default when q is given; without q it means newest)."),
]

LIST_PARAMS = filter_parameters() + PAGE_PARAMS


class GuardedTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the moderators' tokens (api/authentication.py)."""

    target_class = "api.authentication.GuardedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key>`: a moderator's API token (it expires, can be revoked, and needs an account with a second factor)."}


def refuse_unknown_fields(result, generator, request, public):
    """Say in the schema what the API does: a request body with a field it does not know is
    refused (drafts.StrictSerializer), so every request object has additionalProperties: false."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object" and "properties" in component:
            component["additionalProperties"] = False
    return result


# How one answer leads to the next call (OpenAPI links): a submission to its status page,
# to the moderators' view of it and their actions; a publication to the record and the
# actions on it. Clients can follow them; schemathesis' stateful phase walks them.
LINKS = {
    ("v1_submissions_create", "201"): {
        "status": ("v1_submissions_status_retrieve", {"token": "$response.body#/token"}),
        "answer": ("v1_submissions_status_partial_update", {"token": "$response.body#/token"}),
        "review": ("v1_moderation_submissions_retrieve", {"id": "$response.body#/id"}),
        "claim": ("moderation_submission_claim", {"id": "$response.body#/id"}),
    },
    ("moderation_submission_claim", "200"): {
        "publish": ("moderation_submission_publish", {"id": "$request.path.id"}),
        "request_changes": ("moderation_submission_request_changes", {"id": "$request.path.id"}),
        "reject": ("moderation_submission_reject", {"id": "$request.path.id"}),
        "release": ("moderation_submission_release", {"id": "$request.path.id"}),
    },
    ("moderation_submission_publish", "200"): {
        "record": ("v1_incidents_retrieve", {"public_id": "$response.body#/public_id"}),
        "history": ("v1_incidents_history_retrieve", {"public_id": "$response.body#/public_id"}),
        "correct": ("moderation_incident_correct", {"public_id": "$response.body#/public_id"}),
        "redact": ("moderation_incident_redact", {"public_id": "$response.body#/public_id"}),
        "withdraw": ("moderation_incident_withdraw", {"public_id": "$response.body#/public_id"}),
        "ask_for_correction": ("v1_incidents_corrections_create", {"public_id": "$response.body#/public_id"}),
    },
}


def add_links(result, generator, request, public):
    operations = {op.get("operationId"): op for ops in result.get("paths", {}).values() for op in ops.values() if isinstance(op, dict)}
    for (source, status), links in LINKS.items():
        response = operations.get(source, {}).get("responses", {}).get(status)
        if response is None:
            continue
        response["links"] = {name: {"operationId": target, "parameters": parameters}
                             for name, (target, parameters) in links.items() if target in operations}
    return result
