"""Which version of the public record format a client asked for (``?record_format=``).

Version 2 (claims) is the default; version 1 is still served, for clients written against it."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

RECORD_FORMAT = OpenApiParameter(
    "record_format", {"type": "integer", "enum": [1, 2], "default": 2},
    description="Version of the record format: 2 (the default: with claims and their statuses) or 1 (the previous "
                "version, without claims; still served for clients written against it).")


def record_format_of(request) -> int:
    value = request.query_params.get("record_format", "2").strip()
    if value not in ("1", "2"):
        raise ValidationError({"record_format": ["Use 1 or 2 (the default)."]})
    return int(value)
