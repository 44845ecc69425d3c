"""The building blocks of draft validation: limits, partial dates, strict booleans, and a
serializer that refuses fields it does not know. ``drafts`` and ``claim_drafts`` build on them."""

import datetime
import re

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import choices

MAX_JSON_DEPTH = 20  # a draft is four levels deep; nothing honest needs twenty
MAX_SOURCES = 25
MAX_OUTCOMES = 30
MAX_NAMES = 10
MAX_CLAIMS = 40

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def within_depth(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a parsed JSON value nests at most ``limit`` lists and objects deep (checked
    without recursion, so an abusive value cannot exhaust the stack)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def parse_json_object(text: str, field: str) -> dict:
    """Parse a JSON object typed into a form, refusing one nested too deep; raise ValidationError naming ``field``."""
    import json

    try:
        value = json.loads(text or "{}")
    except (ValueError, RecursionError):
        raise serializers.ValidationError({field: [_("The changes must be a JSON object, e.g. {\"city\": \"Detroit\"}.")]}) from None
    if not isinstance(value, dict):
        raise serializers.ValidationError({field: [_("The changes must be a JSON object, e.g. {\"city\": \"Detroit\"}.")]})
    if not within_depth(value):
        raise serializers.ValidationError({field: [_("The JSON is nested more than {depth} levels deep.").format(depth=MAX_JSON_DEPTH)]})
    return value


def parse_partial_date(value) -> tuple[datetime.date, str]:
    """Return (date, precision) for ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise on impossible or future dates."""
    if isinstance(value, datetime.date):
        result, precision = value, choices.DatePrecision.DAY
    else:
        match = PARTIAL_DATE.match(str(value).strip())
        if not match:
            raise serializers.ValidationError(_("Use YYYY-MM-DD, YYYY-MM or YYYY."))
        year, month, day = match.groups()
        precision = choices.DatePrecision.DAY if day else choices.DatePrecision.MONTH if month else choices.DatePrecision.YEAR
        try:
            result = datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise serializers.ValidationError(_("{value} is not a real date.").format(value=value)) from None
    if result.year < 1900:
        raise serializers.ValidationError(_("Dates before 1900 are not accepted."))
    if result > timezone.now().date():
        raise serializers.ValidationError(_("The date is in the future."))
    return result, precision


@extend_schema_field({"type": "string", "pattern": r"^(19|20)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$", "example": "2025-06",
                     "description": "YYYY, YYYY-MM or YYYY-MM-DD: a real date from 1900 to today."})
class PartialDateField(serializers.Field):
    """A date that may be only a year or a month, as sources often give it."""

    default_error_messages = {"invalid": gettext_lazy("Use YYYY-MM-DD, YYYY-MM or YYYY.")}

    def to_internal_value(self, data):
        if not isinstance(data, (str, datetime.date)):
            self.fail("invalid")
        return parse_partial_date(data)

    def to_representation(self, value):
        return value.isoformat() if value else None


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF's own also takes 0, 1, "yes" or "on", which the schema
    (a boolean) does not allow, so a client could send what the documentation says is wrong."""

    default_error_messages = {"invalid": gettext_lazy("Use true or false.")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid")


def _not_text(fields, data) -> dict:
    """Fields given a number (or anything but a string) where the schema says text: DRF would
    turn 0 into "0"; the schema, and so every client generated from it, says a string."""
    wrong = {}
    for name, value in data.items():
        field = fields[name]
        if isinstance(field, serializers.CharField) and value is not None and not isinstance(value, str):
            wrong[name] = ["Give text (a JSON string)."]
        elif isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField) and isinstance(value, list):
            if any(not isinstance(item, str) for item in value):
                wrong[name] = ["Give a list of texts (JSON strings)."]
    return wrong


class StrictSerializer(serializers.Serializer):
    """Refuse fields the schema does not know, rather than silently dropping them."""

    def get_fields(self):
        # A null text is read as empty (below), so the schema says such texts may be null.
        fields = super().get_fields()
        for field in fields.values():
            if getattr(field, "allow_blank", False):
                field.allow_null = True
        return fields

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            unknown = {name: ["Unknown field."] for name in sorted(set(data) - set(self.fields))}
            # Exports write null for an empty text; read it back as empty.
            data = {k: "" if v is None and getattr(self.fields[k], "allow_blank", False) else v for k, v in data.items() if k in self.fields}
            unknown.update(_not_text(self.fields, data))
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # Report unknown fields together with every other failing field.
            raise serializers.ValidationError({**unknown, **exc.detail} if isinstance(exc.detail, dict) else exc.detail) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


def country_code(value: str) -> str:
    """An assigned ISO 3166-1 alpha-2 code, upper-cased; a ValidationError otherwise (incidents, deployments)."""
    code = value.upper()
    if not pycountry.countries.get(alpha_2=code):
        raise serializers.ValidationError(_("{value} is not an ISO 3166-1 alpha-2 country code.").format(value=repr(value)))
    return code
