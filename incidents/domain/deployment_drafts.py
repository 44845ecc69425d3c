"""The deployment format as a submitter, a moderator or an import sends it, and its rules:
one set of messages for the API, the desk and the Atlas of Surveillance import."""

from rest_framework import serializers

from .. import choices
from .drafts import MAX_SOURCES, PartialDateField, SourceDraft, StrictSerializer, country_code

MAX_FIGURES = 20


class DeploymentSourceDraft(SourceDraft):
    """A deployment's source: always a document with a link (a testimony is about a case, not a deployment)."""

    url = serializers.URLField(max_length=2000)


class FigureDraft(StrictSerializer):
    kind = serializers.ChoiceField(choices=choices.FigureKind.choices)
    measure = serializers.CharField(max_length=300, help_text='What exactly was counted or measured, e.g. "vehicles in which every occupant\'s face was captured".')
    qualifier = serializers.ChoiceField(choices=choices.FigureQualifier.choices, default=choices.FigureQualifier.EXACTLY)
    value = serializers.DecimalField(max_digits=16, decimal_places=4, min_value=0, coerce_to_string=False)
    unit = serializers.CharField(max_length=40, help_text='"uses", "%", "travellers", "vehicles"…')
    period_start = PartialDateField(required=False, allow_null=True, default=None)
    period_end = PartialDateField(required=False, allow_null=True, default=None)
    provenance = serializers.ChoiceField(choices=choices.FigureProvenance.choices,
                                         help_text="Whose figure it is: the operator's own, an independent test, a court finding, an audit, or reporting.")
    source = serializers.IntegerField(min_value=0, help_text="Position of its source in the deployment's sources (0-based).")

    def validate(self, attrs):
        start, end = attrs.get("period_start"), attrs.get("period_end")
        attrs["period_start"] = start[0] if start else None
        attrs["period_end"] = end[0] if end else None
        if attrs["period_start"] and attrs["period_end"] and attrs["period_end"] < attrs["period_start"]:
            raise serializers.ValidationError({"period_end": ["The period ends before it starts."]})
        if attrs["unit"].strip() == "%" and attrs["value"] > 100:
            raise serializers.ValidationError({"value": ["A percentage is at most 100."]})
        return attrs


class DeploymentDraft(StrictSerializer):
    """An operator using a system (or a technology) in a place over a period, with its sources and figures."""

    kind = serializers.ChoiceField(choices=choices.DeploymentKind.choices, default=choices.DeploymentKind.OPERATIONAL)
    operator = serializers.CharField(max_length=200, help_text="Slug, name or alias of the agency or company using it; an unknown name is decided by the moderator.")
    system = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text="Slug, name or alias of the system; empty when only the technology is known.")
    technology = serializers.ChoiceField(choices=choices.Technology.choices, default=choices.Technology.FACE)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", max_length=2, min_length=2,
                                     error_messages={"invalid": "Use an ISO 3166-1 alpha-2 code of two letters, such as US or AR."})
    region = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    started = PartialDateField(required=False, allow_null=True, default=None)
    ended = PartialDateField(required=False, allow_null=True, default=None, help_text="Empty while it is in use.")
    reference_databases = serializers.ListField(child=serializers.ChoiceField(choices=choices.SEARCHED_DATABASES),
                                                max_length=10, required=False, default=list)
    reference_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                           help_text='The databases as their operators name them, e.g. "CONARC (national fugitives register)".')
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    sources = DeploymentSourceDraft(many=True, min_length=1, max_length=MAX_SOURCES, allow_empty=False,
                          error_messages={"empty": "Give at least one source.", "min_length": "Give at least one source."})
    figures = FigureDraft(many=True, max_length=MAX_FIGURES, required=False, default=list)

    def validate_country(self, value):
        return country_code(value)

    def validate(self, attrs):
        for name in ("started", "ended"):
            if name in attrs:
                value = attrs.pop(name)
                attrs[name], attrs[f"{name}_precision"] = value if value else (None, choices.DatePrecision.DAY)
        if attrs.get("started") and attrs.get("ended") and attrs["ended"] < attrs["started"]:
            raise serializers.ValidationError({"ended": ["The end date is before the start date."]})
        sources = attrs.get("sources")
        if sources is not None:
            for row in sources:
                row["published_date"], row["date_precision"] = row.get("published_date") or (None, choices.DatePrecision.DAY)
            figures = attrs.get("figures") or []
            errors = {i: {"source": [f"Source {f['source']} does not exist: there are {len(sources)} sources, numbered from 0."]}
                      for i, f in enumerate(figures) if f["source"] >= len(sources)}
            if errors:
                raise serializers.ValidationError({"figures": [errors.get(i, {}) for i in range(len(figures))]})
        if attrs.get("figures") and sources is None:
            raise serializers.ValidationError({"figures": ["Send the sources with the figures: a figure points to a source by position."]})
        return attrs


def validate_deployment(data, *, partial: bool = False) -> dict:
    """Validate a deployment (every field optional when ``partial``); raise a ValidationError naming each failing field."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": ["Send one JSON object."]})
    serializer = DeploymentDraft(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


