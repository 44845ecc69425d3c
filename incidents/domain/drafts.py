"""Validation of an incident draft: one set of rules and messages for the API, the
submission form, corrections and imports.

DRF serializers are used here as a validation library; they hold no persistence.
"""

import datetime
import re

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import choices
from ..models import Deployment

MAX_JSON_DEPTH = 20  # a draft is four levels deep; nothing honest needs twenty
MAX_SOURCES = 25
MAX_OUTCOMES = 30
MAX_NAMES = 10

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


class SourceDraft(StrictSerializer):
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, allow_null=True, default="",
                               help_text="Required, except for a personal testimony: a first-hand account needs no link.")
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    published_date = PartialDateField(required=False, allow_null=True, default=None)
    language = serializers.RegexField(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=12, required=False, allow_blank=True, default="")
    source_type = serializers.ChoiceField(choices=choices.SourceType.choices, default=choices.SourceType.NEWS)

    def validate_url(self, value):
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(_("Only http and https links are accepted."))
        return value

    def validate(self, attrs):
        attrs["url"] = attrs.get("url") or ""
        if not attrs["url"] and attrs.get("source_type", choices.SourceType.NEWS) != choices.SourceType.PERSONAL_TESTIMONY:
            raise serializers.ValidationError({"url": [_("Give the link to this source. Only a personal testimony can be sent without one.")]})
        return attrs


class OutcomeDraft(StrictSerializer):
    type = serializers.ChoiceField(choices=choices.OutcomeType.choices)
    date = PartialDateField(required=False, allow_null=True, default=None)
    detail = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    days = serializers.IntegerField(min_value=0, max_value=36500, required=False, allow_null=True, default=None)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, allow_blank=True, default="", error_messages={"invalid": gettext_lazy("Use an ISO 4217 code such as USD.")})
    sources = serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=1, max_length=MAX_SOURCES,
                                    help_text="Positions in the incident's sources list (0-based) that support this outcome.")

    def validate(self, attrs):
        if attrs.get("amount") is not None and not attrs.get("currency"):
            raise serializers.ValidationError({"currency": [_("Give the currency of the amount.")]})
        return attrs


class AffectedDraft(StrictSerializer):
    count = serializers.IntegerField(min_value=1, max_value=10_000_000, required=False, allow_null=True, default=None)
    has_minor = StrictBooleanField(required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                 help_text="Kept private unless a moderator confirms the person is an adult whose name is already public. Never give a minor's name.")
    name_public = StrictBooleanField(required=False, default=False,
                                     help_text="Ignored in submissions and answers: only a moderator can make a name public.")

    def validate(self, attrs):
        if attrs.get("has_minor") and attrs.get("name"):
            raise serializers.ValidationError({"name": [_("A minor's name is never recorded. Leave the name empty.")]})
        if attrs.get("name_public") and not attrs.get("name"):
            attrs["name_public"] = False
        return attrs


class IncidentDraft(StrictSerializer):
    """An incident with its sources and outcomes, as a submitter or importer sends it."""

    title = serializers.CharField(max_length=300)
    narrative = serializers.CharField(max_length=20000)
    language = serializers.RegexField(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=12, required=False,
                                      help_text="BCP 47 tag of the language the title and narrative are written in (default en), e.g. es or pt-BR.",
                                      error_messages={"invalid": gettext_lazy("Use a language tag such as en, es or pt-BR.")})
    incident_date = PartialDateField(required=False, allow_null=True, default=None)
    date_precision = serializers.ChoiceField(choices=choices.DatePrecision.choices, required=False)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", max_length=2, min_length=2,
                                     error_messages={"invalid": gettext_lazy("Use an ISO 3166-1 alpha-2 code of two letters, such as US or GB.")})
    region = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    systems = serializers.ListField(child=serializers.CharField(max_length=200), max_length=MAX_NAMES, required=False, default=list,
                                    help_text="Slugs, names or aliases; an unknown name becomes a proposal for the moderators.")
    operators = serializers.ListField(child=serializers.CharField(max_length=200), max_length=MAX_NAMES, required=False, default=list)
    identification_mode = serializers.ChoiceField(choices=choices.IdentificationMode.choices, default=choices.IdentificationMode.UNKNOWN)
    error_type = serializers.ChoiceField(choices=choices.ErrorType.choices, default=choices.ErrorType.OTHER)
    contributing_factors = serializers.ListField(child=serializers.ChoiceField(choices=choices.ContributingFactor.choices), max_length=12, required=False, default=list)
    reference_database = serializers.ChoiceField(choices=choices.ReferenceDatabase.choices, required=False, allow_blank=True, default="")
    human_review = StrictBooleanField(required=False, allow_null=True, default=None)
    sole_basis = StrictBooleanField(required=False, allow_null=True, default=None)
    external_ids = serializers.ListField(child=serializers.CharField(max_length=100), max_length=20, required=False, default=list)
    deployment = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                          help_text="Id of the deployment (/api/v1/deployments/) the incident arose from, where known.")
    affected = AffectedDraft(required=False)
    sources = SourceDraft(many=True, min_length=1, max_length=MAX_SOURCES, allow_empty=False,
                          error_messages={"empty": gettext_lazy("Give at least one source: a link to a report, court record or document."), "min_length": gettext_lazy("Give at least one source.")})
    outcomes = OutcomeDraft(many=True, max_length=MAX_OUTCOMES, required=False, default=list)

    def validate_country(self, value):
        return country_code(value)

    def validate_deployment(self, value):
        if value is not None and not Deployment.objects.filter(pk=value).exists():
            raise serializers.ValidationError(f"No deployment {value}.")
        return value

    def validate(self, attrs):
        if "deployment" in attrs:
            attrs["deployment_id"] = attrs.pop("deployment")
        if "incident_date" in attrs and attrs["incident_date"]:
            date, precision = attrs["incident_date"]
            attrs["incident_date"] = date
            attrs["date_precision"] = attrs.get("date_precision") or precision
        elif "incident_date" in attrs:
            attrs["incident_date"] = None
        for name in ("systems", "operators", "external_ids"):
            if name in attrs:
                attrs[name] = list(dict.fromkeys(v.strip() for v in attrs[name] if v.strip()))
        sources = attrs.get("sources")
        outcomes = attrs.get("outcomes") or []
        if sources is not None:
            errors = {}
            for i, outcome in enumerate(outcomes):
                bad = [n for n in outcome["sources"] if n >= len(sources)]
                if bad:
                    errors[i] = {"sources": [_("Source {n} does not exist: there are {count} sources, numbered from 0.").format(n=n, count=len(sources)) for n in bad]}
            if errors:
                raise serializers.ValidationError({"outcomes": [errors.get(i, {}) for i in range(len(outcomes))]})
        return attrs


class CorrectionDraft(IncidentDraft):
    """Fields a moderator may change in a correction; every field optional."""

    affected_name_public = StrictBooleanField(required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


def flatten_dates(attrs: dict) -> dict:
    """Turn the (date, precision) pairs of nested sources and outcomes into two keys."""
    for row in attrs.get("sources") or []:
        row["published_date"], row["date_precision"] = row.get("published_date") or (None, choices.DatePrecision.DAY)
    for row in attrs.get("outcomes") or []:
        row["date"], row["date_precision"] = row.get("date") or (None, choices.DatePrecision.DAY)
    return attrs


def validate_draft(data, *, partial: bool = False) -> dict:
    """Validate a draft and return clean attributes; raise ``serializers.ValidationError`` with every failing field."""
    serializer = (CorrectionDraft if partial else IncidentDraft)(data=data)
    serializer.is_valid(raise_exception=True)
    return flatten_dates(dict(serializer.validated_data))


def flatten_errors(detail, prefix="") -> dict[str, list[str]]:
    """Return {dotted.field.path: [messages]} from DRF's nested error detail."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                path = prefix or "non_field_errors"
            for k, v in flatten_errors(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(isinstance(item, (str, serializers.ErrorDetail)) for item in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for i, item in enumerate(detail):
                if item:
                    for k, v in flatten_errors(item, f"{prefix}.{i}" if prefix else str(i)).items():
                        out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out
