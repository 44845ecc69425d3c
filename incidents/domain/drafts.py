"""Validation of an incident draft: one set of rules and messages for the API, the
submission form, corrections and imports.

DRF serializers are used here as a validation library; they hold no persistence.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .. import choices
from ..evidence import ClaimStatus
from ..models import Deployment
from .claim_drafts import STATUS_HELP, ClaimDraft, ValueDraft, _positions, check_positions, lowest_values  # noqa: F401
from .draft_fields import (  # noqa: F401  (the names other modules use through ``drafts``)
    MAX_CLAIMS,
    MAX_JSON_DEPTH,
    MAX_NAMES,
    MAX_OUTCOMES,
    MAX_SOURCES,
    PARTIAL_DATE,
    PartialDateField,
    StrictBooleanField,
    StrictSerializer,
    country_code,
    parse_json_object,
    parse_partial_date,
    within_depth,
)


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
    contradicted_by = _positions("Positions of the sources that say it did not happen (a denial: the operator's or vendor's response).")
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False, allow_blank=True, default="", help_text=STATUS_HELP)
    values = ValueDraft(many=True, max_length=10, required=False, default=list,
                        help_text="Where sources differ on the days, amount or date: each value with the sources that give it. "
                                  "The outcome then counts the lowest number or the earliest date.")

    def validate(self, attrs):
        if attrs.get("amount") is not None and not attrs.get("currency"):
            raise serializers.ValidationError({"currency": [_("Give the currency of the amount.")]})
        if set(attrs.get("sources") or []) & set(attrs.get("contradicted_by") or []):
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
