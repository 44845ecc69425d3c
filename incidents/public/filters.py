"""One FilterSet for incidents, used by the API and the public pages alike.

Filters combine with AND; repeated values of one filter combine with OR. It filters the
public facts (one row per public incident, related ids held as arrays), so no filter can
duplicate rows.
"""

import copy

import django_filters
from django import forms
from django.contrib.postgres.search import SearchRank
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..evidence import ClaimStatus, EvidenceLevel
from ..models import Organization, Partner, PublicRecord, System
from ..text import lookup_keys
from .counts import tag
from .search import reader_query


class MultipleValueField(forms.Field):
    widget = forms.SelectMultiple

    def __init__(self, *args, choices=None, **kwargs):
        self.allowed = {str(c[0]) for c in choices} if choices else None
        kwargs.pop("null_label", None)
        kwargs.pop("null_value", None)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, "", []):
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [part.strip() for v in values for part in str(v).split(",") if part.strip()]

    def validate(self, value):
        if any("\x00" in v for v in value):
            raise forms.ValidationError("Null characters are not allowed.")
        if self.allowed is not None:
            bad = [v for v in value if v not in self.allowed]
            if bad:
                raise forms.ValidationError(
                    f"Unknown value{'s' if len(bad) > 1 else ''} {', '.join(map(repr, bad))}; use one of: {', '.join(sorted(self.allowed))}."
                )


class ValuesFilter(django_filters.Filter):
    """A repeatable filter; the method receives the list of values."""

    field_class = MultipleValueField

    def __init__(self, *args, choices=None, **kwargs):
        if choices is not None:
            kwargs["choices"] = choices
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return self.get_method(qs)(qs, self.field_name, value)


class YearsField(MultipleValueField):
    """Years from 1900 to 2100, as the schema says; anything else is an error naming the value."""

    def validate(self, value):
        super().validate(value)
        bad = [v for v in value if not (v.isdigit() and 1900 <= int(v) <= 2100)]
        if bad:
            raise forms.ValidationError(f"Use years from 1900 to 2100, not {', '.join(map(repr, bad))}.")


class YearsFilter(ValuesFilter):
    field_class = YearsField


class CountriesField(MultipleValueField):
    """Two-letter country codes, as the schema says (``^[A-Za-z]{2}$``); anything else is an error."""

    def validate(self, value):
        super().validate(value)
        bad = [v for v in value if not (len(v) == 2 and v.isascii() and v.isalpha())]
        if bad:
            raise forms.ValidationError(f"Use two-letter ISO 3166-1 codes such as US or GB, not {', '.join(map(repr, bad[:3]))}.")


class CountriesFilter(ValuesFilter):
    field_class = CountriesField


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error, not "any"."""

    widget = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("Use true or false.")


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


def _date_widget():
    return forms.DateInput(attrs={"type": "date"})


def search_query(value):
    """``q`` as a PostgreSQL web-search query ("exact phrase", or, -exclude), or None if blank."""
    value = (value or "").strip()
    return reader_query(value) if value else None


def _title_rank(query):
    # float8, so a page cursor carrying the rank compares exactly equal to the row it came from.
    return Cast(SearchRank(F("headline"), getattr(query, "for_rank", query)), FloatField())


def ranked(queryset, query):
    """A search's matches annotated with ``rank``: ts_rank of the title for records with the
    words in their title, 0 for every other match (ordered newest first among themselves).

    Ranking by the title alone is a choice: ranking every match's whole vector is most of a
    search's time at scale (figures in docs/performance.md)."""
    return queryset.annotate(rank=Case(When(headline=query, then=_title_rank(query)), default=Value(0.0), output_field=FloatField()))


def ranked_tiers(queryset, query):
    """The same ranking as ``ranked``, split into (titled, rest) querysets.

    For a broad search this is what makes a page cheap: the titled matches are few and found
    through their own index, and a page of the rest is the newest few matches rather than a
    sort of all of them. Each match is in exactly one tier, with the same rank ``ranked``
    gives it, so the union is ordered totally by (rank, id) and cursors work across both.
    """
    titled = queryset.filter(headline=query).annotate(rank=_title_rank(query))
    rest = queryset.exclude(headline=query).annotate(rank=Value(0.0, output_field=FloatField()))
    return titled, rest


# The filters that attribute a case to someone or something: the ``attribution`` qualifier applies to them.
ATTRIBUTING = ("system", "vendor", "operator", "technology")

# Filters whose single value is a kept-counts scope of the same name (PublicCount); system,
# operator and vendor are too, once their names resolve to one id.
KEPT_SCOPES = {"outcome", "country", "error_type", "identification_mode", "evidence", "year", "has_minor"}


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), help_text="Full-text search over titles, narratives, the names and aliases of systems, vendors and operators, "
                                          "regions and cities, source titles and preserved source texts (web-search syntax: \"exact phrase\", or, -exclude). "
                                          "Ordered by relevance: records with the words in their title first, then the other matches, newest first.")
    system = ValuesFilter(method="by_system", label=_("System"), help_text="Slug, name or alias of a system, e.g. mobile-fortify or Clearview.")
    vendor = ValuesFilter(method="by_vendor", label=_("Vendor"), help_text="Slug or name of the vendor of a system involved.")
    operator = ValuesFilter(method="by_operator", label=_("Operator"), help_text="Slug, name or alias of the agency or company that acted.")
    country = CountriesFilter(method="by_field", field_name="country", label=_("Country"), help_text="ISO 3166-1 alpha-2 code, e.g. US.")
    region = ValuesFilter(method="by_field", field_name="region", label=_("Region"))
    identification_mode = ValuesFilter(method="by_field", field_name="identification_mode", choices=choices.IdentificationMode.choices, label=_("Identification mode"))
    error_type = ValuesFilter(method="by_field", field_name="error_type", choices=choices.ErrorType.choices, label=_("Error type"))
    contributing_factor = ValuesFilter(method="by_factor", choices=choices.ContributingFactor.choices, label=_("Contributing factor"))
    outcome = ValuesFilter(method="by_outcome", choices=choices.OutcomeType.choices, label=_("Outcome"))
    technology = ValuesFilter(method="by_technology", choices=choices.Technology.choices, label=_("Technology"))
    attribution = ValuesFilter(method="by_attribution", choices=ClaimStatus.choices, label=_("How well the attribution is established"),
                               help_text="Status of the claims behind the system, vendor, operator and technology filters: confirmed, reported, "
                                         "alleged, disputed, denied (several: any of them). Without it those filters match every status but "
                                         "denied. Alone: incidents with any attribution of these statuses.")
    evidence = ValuesFilter(method="by_evidence", choices=EvidenceLevel.choices, label=_("Evidence"),
                            help_text="Evidence level derived from the sources: official_record, reported or testimony_only.")
    reported_by = ValuesFilter(method="by_partner", label=_("Reported by"),
                               help_text="Slug of a partner organisation credited with reporting the case.")
    has_minor = StrictBooleanFilter(method="by_minor", label=_("A minor involved"), help_text="true: only incidents where a minor was affected; false: only those where none was.")
    incident_date_after = django_filters.DateFilter(field_name="incident_date", lookup_expr="gte", label=_("Incident on or after"), widget=_date_widget())
    incident_date_before = django_filters.DateFilter(field_name="incident_date", lookup_expr="lte", label=_("Incident on or before"), widget=_date_widget())
    year = YearsFilter(method="by_year", label=_("Year"), help_text="Year of the incident, e.g. 2025.")
    published_after = django_filters.DateFilter(field_name="published_at", lookup_expr="date__gte", label=_("Published on or after"), widget=_date_widget())
    published_before = django_filters.DateFilter(field_name="published_at", lookup_expr="date__lte", label=_("Published on or before"), widget=_date_widget())

    class Meta:
        model = PublicRecord
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        """As django-filter's, except that each filter is copied shallowly (with its own
        ``extra``): its deep copy of every filter per request was a tenth of a list request
        (docs/performance.md). A filter keeps no other per-request state than ``parent``, ``model`` and the
        FilterMethod bound to it."""
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset if queryset is not None else self._meta.model._default_manager.all()
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.extra = dict(base.extra)
            if getattr(base, "_method", None) is not None:
                filter_.method = base._method  # binds a new FilterMethod to this copy, not the class's filter
            filter_.model, filter_.parent = self.queryset.model, self
            self.filters[name] = filter_

    # Runs on ``selectors.public_facts()``: one narrow row per public incident whose related
    # ids and values are arrays with GIN indexes, so every filter is a condition on that one
    # table (no join, no EXISTS over link tables). Names resolve to ids in a small query of
    # their own: with the ids as constants the planner can use its statistics.

    def scope(self, base=("", "")):
        """The kept-counts scope of ``self.qs``, or None (then counts are counted).

        ``base`` is the scope of the queryset the filters started from (("", "") for
        ``public_facts()``, None when unknown). No filter: the base. From everything, exactly
        one filter with one value: ("system", "<id>"), ("country", "US"), ("has_minor",
        "true") and so on. See public.counts.kept_counts."""
        if not self.is_valid():
            return None
        self.qs  # the filters run here and resolve names to ids
        active = {name for name, value in self.form.cleaned_data.items() if value not in (None, "", [])}
        if not active:
            return base
        if base != ("", "") or len(active) != 1:
            return None
        name = active.pop()
        if name in self._resolved:
            values = [str(pk) for pk in self._resolved[name]]
        elif name in KEPT_SCOPES:
            value = self.form.cleaned_data[name]
            if isinstance(value, bool):
                values = [str(value).lower()]
            elif name == "year":
                if not all(v.isdigit() and len(v) <= 4 for v in value):
                    return None
                values = [str(int(v)) for v in value]
            else:
                values = [v.upper() if name == "country" else v for v in value]
        else:
            return None
        return (name, values[0]) if len(set(values)) == 1 else None

    @property
    def _resolved(self) -> dict:
        return self.__dict__.setdefault("_resolved_ids", {})

    @property
    def slugs(self) -> dict:
        """{kind: {id: slug}} of the systems and organisations the filters named."""
        return self.__dict__.setdefault("_slugs", {})

    def _named(self, name, model, values):
        keys = sorted({key for value in values for key in lookup_keys(value)})
        found = dict(model.objects.filter(lookup_keys__overlap=keys).values_list("id", "slug")) if keys else {}
        self._resolved[name], self.slugs[name] = list(found), found
        return list(found)

    # Every filter but region, dates and search is a test on the tags (PublicRecord.tags):
    # one GIN index intersects them all.
    @staticmethod
    def _tagged(qs, kind, values):
        return qs.filter(tags__overlap=[tag(kind, v) for v in values])

    @property
    def statuses(self) -> list[str]:
        """The statuses asked for with ``attribution``, or [] (every status but denied)."""
        return (self.form.cleaned_data.get("attribution") or []) if self.form.is_valid() else []

    def _attributed(self, qs, kind, values):
        """An attributing filter: the attribution with any of the asked statuses ("s:12:confirmed"),
        or, without ``attribution``, one that is not denied (the plain tag, "s:12")."""
        if not self.statuses:
            return self._tagged(qs, kind, values)
        return qs.filter(tags__overlap=[f"{tag(kind, v)}:{status}" for v in values for status in self.statuses])

    def by_system(self, qs, name, values):
        return self._attributed(qs, "system", self._named("system", System, values))

    def by_operator(self, qs, name, values):
        return self._attributed(qs, "operator", self._named("operator", Organization, values))

    def by_vendor(self, qs, name, values):
        return self._attributed(qs, "vendor", self._named("vendor", Organization, values))

    def by_technology(self, qs, name, values):
        return self._attributed(qs, "technology", values)

    def by_attribution(self, qs, name, values):
        """Alone, any attribution of these statuses; beside an attributing filter, that filter applies it."""
        if any(self.form.cleaned_data.get(f) for f in ATTRIBUTING):
            return qs
        return qs.filter(tags__overlap=[f"a:{status}" for status in values])

    @property
    def attributing(self) -> dict[str, list]:
        """{kind: ids or codes} of the attributing filters given (after ``qs`` resolved names)."""
        if not self.form.is_valid():
            return {}
        self.qs
        given = {kind: self._resolved.get(kind) for kind in ("system", "vendor", "operator") if self.form.cleaned_data.get(kind)}
        if self.form.cleaned_data.get("technology"):
            given["technology"] = self.form.cleaned_data["technology"]
        return given

    def by_field(self, qs, name, values):
        if name == "region":
            return qs.filter(region__in=values)
        return self._tagged(qs, name, [v.upper() for v in values] if name == "country" else values)

    def by_factor(self, qs, name, values):
        return self._tagged(qs, "contributing_factor", values)

    def by_outcome(self, qs, name, values):
        return self._tagged(qs, "outcome", values)

    def by_evidence(self, qs, name, values):
        return self._tagged(qs, "evidence", values)

    def by_year(self, qs, name, values):
        years = [int(v) for v in values if v.isdigit() and len(v) <= 4]
        return self._tagged(qs, "year", years) if years else qs.none()

    def by_partner(self, qs, name, values):
        return qs.filter(reported_by__in=Partner.objects.filter(slug__in=values, public_credit=True).values("id"))

    def by_minor(self, qs, name, value):
        return self._tagged(qs, "has_minor", [value])

    def search(self, qs, name, value):
        query = search_query(value)
        return qs if query is None else qs.filter(document=query)

    def get_form_class(self):
        """django-filter's, made once per FilterSet class rather than on every request (the
        fields are the same for every request; each form instance still copies them)."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @property
    def search_query(self):
        """The SearchQuery of a valid ``q`` (what pagination ranks by), or None."""
        return search_query(self.form.cleaned_data.get("q")) if self.form.is_valid() else None

    @property
    def is_search(self) -> bool:
        return bool(self.form.is_valid() and (self.form.cleaned_data.get("q") or "").strip())
