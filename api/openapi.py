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
    OpenApiParameter("split", str, enum=["attribution"], description=(
        "attribution: with a system, vendor, operator or technology filter, count the matching incidents by claim status "
        "(`attribution` in the answer). Given without asking when the list is one system's, vendor's or operator's alone "
        "(read ready-made); with other filters it is counted, which costs a scan of the set.")),
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


# A value of JSON null, in OpenAPI 3.0.3's terms (nullable only counts beside a type).
NULL = {"type": "object", "nullable": True, "enum": [None], "description": "null"}
BINARY = {"application/x-ndjson"}


def make_strict(result, generator, request, public):
    """Make the schema valid for strict tools (openapi-spec-validator, Redocly's spec rules,
    openapi-core, generated clients), keeping what it says:

    - ``nullable`` only beside a ``type`` (OpenAPI 3.0.3): a nullable reference becomes
      "the object, or null"; a nullable choice between strings gets its type;
    - no default that its own schema refuses (an optional e-mail's ``''``);
    - no ``security: [{}]`` on public operations: with no global security, an operation
      without the key needs none, and generators then make no authenticated client for it;
    - a JSON Lines answer is a binary string, which clients hand over as bytes (a text
      string makes some decode it as one JSON document)."""
    _walk(result.get("components", {}))
    _walk(result.get("paths", {}))
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if operation.get("security") == [{}]:
                del operation["security"]
            for response in operation.get("responses", {}).values():
                for media, content in response.get("content", {}).items():
                    if media in BINARY:
                        content["schema"] = {"type": "string", "format": "binary"}
    return result


def _walk(node):
    if isinstance(node, list):
        for item in node:
            _walk(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _walk(value)
    if node.get("nullable") and "type" not in node:
        _type_nullable(node)
    if node.get("default") == "" and (node.get("format") or node.get("pattern") or node.get("minLength")):
        del node["default"]


def _type_nullable(node):
    del node["nullable"]
    refs = node.pop("allOf", None)
    if refs is not None:
        node["oneOf"] = [*refs, NULL]
        return
    alternatives = node.get("oneOf", [])
    if any(alt.get("$ref", "").endswith("/NullEnum") for alt in alternatives):
        return  # drf-spectacular already lists null as an alternative
    types = {alt.get("type") for alt in alternatives}
    if len(types) != 1 or None in types:
        raise ValueError(f"make_strict cannot give this nullable schema a type; teach it how: {node}")
    node["oneOf"] = [*alternatives, NULL]
