"""Validation of an incident draft: one set of rules and messages for the API, the
submission form, corrections and imports.

DRF serializers are used here as a validation library; they hold no persistence.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import choices
from ..evidence import ClaimAbout, ClaimStatus
from ..models import Deployment

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


def _positions(help_text: str):
    return serializers.ListField(child=serializers.IntegerField(min_value=0), max_length=MAX_SOURCES, required=False, default=list,
                                 help_text=help_text)


STATUS_HELP = ("Set by a moderator (a submitter may propose it): confirmed, reported, alleged, disputed or denied. "
               "Leave it out to derive it from the sources that support and contradict the claim.")


class ValueDraft(StrictSerializer):
    """A value one or more sources give for an outcome's days, amount or date, where sources differ."""

    field = serializers.ChoiceField(choices=["days", "amount", "date"])
    value = serializers.CharField(max_length=40, help_text="A whole number of days, an amount such as 300000.00, or a date (YYYY, YYYY-MM, YYYY-MM-DD).")
    sources = serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=1, max_length=MAX_SOURCES,
                                    help_text="Positions in the incident's sources list of the sources giving this value.")

    def validate(self, attrs):
        value = attrs["value"].strip()
        try:
            if attrs["field"] == "days":
                attrs["value"] = str(int(value)) if value.isdigit() and int(value) <= 36500 else None
            elif attrs["field"] == "amount":
                attrs["value"] = f"{Decimal(value):.2f}" if re.fullmatch(r"\d{1,12}(\.\d{1,2})?", value) else None
            else:
                parse_partial_date(value)
                attrs["value"] = value
        except (ValueError, serializers.ValidationError, InvalidOperation):
            attrs["value"] = None
        if attrs["value"] is None:
            raise serializers.ValidationError({"value": [_("Give a whole number of days, an amount such as 300000.00, or a date such as 2020-01-09.")]})
        return attrs


class ClaimDraft(StrictSerializer):
    """One part of the record with its own evidence: a technology, system, vendor or operator
    attributed to the case, or that the match was the sole basis for action, or that a human
    examiner reviewed it."""

    about = serializers.ChoiceField(choices=ClaimAbout.choices)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                    help_text="The system, vendor or operator (slug, name or alias, one of the record's) or the technology code; "
                                              "nothing for sole_basis and human_review.")
    sources = _positions("Positions in the incident's sources list of the sources that say so.")
    contradicted_by = _positions("Positions of the sources that say otherwise (a denial: the operator's or vendor's response).")
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False, allow_blank=True, default="", help_text=STATUS_HELP)

    def validate(self, attrs):
        attrs["subject"] = attrs["subject"].strip()
        about = attrs["about"]
        if about in (ClaimAbout.SOLE_BASIS, ClaimAbout.HUMAN_REVIEW):
            attrs["subject"] = ""
        elif not attrs["subject"]:
            raise serializers.ValidationError({"subject": [_("Name what the claim is about: one of the record's systems, vendors or operators, or a technology.")]})
        elif about == ClaimAbout.TECHNOLOGY and attrs["subject"] not in choices.Technology.values:
            raise serializers.ValidationError({"subject": [_("Use a technology code: {codes}.").format(codes=", ".join(choices.Technology.values))]})
        if set(attrs["sources"]) & set(attrs["contradicted_by"]):
            raise serializers.ValidationError({"contradicted_by": [_("A source cannot both support and contradict the same claim.")]})
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
    contradicted_by = _positions("Positions of the sources that say it did not happen (a denial: the operator's or vendor's response).")
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False, allow_blank=True, default="", help_text=STATUS_HELP)
    values = ValueDraft(many=True, max_length=10, required=False, default=list,
                        help_text="Where sources differ on the days, amount or date: each value with the sources that give it. "
                                  "The outcome then counts the lowest number or the earliest date.")

    def validate(self, attrs):
        if attrs.get("amount") is not None and not attrs.get("currency"):
            raise serializers.ValidationError({"currency": [_("Give the currency of the amount.")]})
        if set(attrs["sources"]) & set(attrs.get("contradicted_by") or []):
            raise serializers.ValidationError({"contradicted_by": [_("A source cannot both support and contradict the same claim.")]})
        return lowest_values(attrs)


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
    claims = ClaimDraft(many=True, max_length=MAX_CLAIMS, required=False,
                        help_text="What the sources say about each attribution: which support it, which contradict it, and a status. "
                                  "An attribution without a claim here rests on the record's sources.")

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
        claims = attrs.get("claims") or []
        if sources is not None:
            check_positions({"outcomes": outcomes, "claims": claims}, len(sources))
        duplicates = [i for i, c in enumerate(claims) if (c["about"], c["subject"].lower()) in
                      {(d["about"], d["subject"].lower()) for d in claims[:i]}]
        if duplicates:
            raise serializers.ValidationError({"claims": [{"subject": [_("This claim is already given above.")]} if i in duplicates else {}
                                                          for i in range(len(claims))]})
        return attrs


def check_positions(parts: dict, count: int) -> None:
    """Refuse a reference to a source position beyond the record's ``count`` sources, naming it."""

    def bad(positions):
        return [_("Source {n} does not exist: there are {count} sources, numbered from 0.").format(n=n, count=count)
                for n in positions if n >= count]

    errors = {}
    for name, rows in parts.items():
        rows_errors = []
        for row in rows:
            found = {key: bad(row.get(key) or []) for key in ("sources", "contradicted_by")}
            found["values"] = [{"sources": bad(v["sources"])} if bad(v["sources"]) else {} for v in row.get("values") or []]
            rows_errors.append({k: v for k, v in found.items() if v and any(v)})
        if any(rows_errors):
            errors[name] = rows_errors
    if errors:
        raise serializers.ValidationError(errors)


def lowest_values(outcome: dict) -> dict:
    """Where sources differ, the outcome counts the lowest days and amount and the earliest
    date (the documented rule of the statistics, docs on the methods page)."""
    given = {}
    for row in outcome.get("values") or []:
        given.setdefault(row["field"], []).append(row["value"])
    if "days" in given:
        outcome["days"] = min(int(v) for v in given["days"])
    if "amount" in given:
        outcome["amount"] = min(Decimal(v) for v in given["amount"])
    if "date" in given:
        earliest = min(given["date"], key=lambda v: parse_partial_date(v)[0])
        outcome["date"] = parse_partial_date(earliest)
    return outcome


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
