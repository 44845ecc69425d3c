"""The read model's filter columns (incidents/public/store.py) say what the public records say, after every
kind of change; the database keeps it to published records; and the counts made from it
equal counts made one record at a time."""

from collections import Counter

import pytest
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from incidents.domain import moderation, redaction
from incidents.models import Incident, Organization, PublicRecord, System
from incidents.public import selectors
from incidents.public.counts import DIMENSIONS, tag
from incidents.public.filters import IncidentFilter
from incidents.public.format import public_record
from incidents.public.pagination import paginate
from tests.factories import publish_new, submit

pytestmark = pytest.mark.django_db

FIELDS = ("published_at", "incident_date", "year", "country", "region", "identification_mode", "error_type", "affected_minor",
          "evidence", "contributing_factors", "system_ids", "operator_ids", "vendor_ids", "technologies", "outcome_types")


def _expected() -> dict[int, dict]:
    """The facts of every public record, worked out from the records one at a time."""
    out = {}
    for i in Incident.objects.public().prefetch_related("systems__vendor", "operators", "outcomes", "source_links__source"):
        record = public_record(i)
        # An attribution the operator or vendor denies is not matched by a filter without a qualifier.
        standing = {(c["about"], c["value"]) for c in record["claims"] if c["status"] != "denied"}
        systems = [s for s in i.systems.all() if ("system", s.slug) in standing]
        vendors = {s.vendor for s in i.systems.all() if s.vendor_id and ("vendor", s.vendor.slug) in standing}
        out[i.pk] = {
            "published_at": i.published_at, "incident_date": i.incident_date, "year": i.incident_date.year if i.incident_date else None,
            "country": i.country, "region": i.region, "identification_mode": i.identification_mode, "error_type": i.error_type,
            "affected_minor": i.affected_minor, "evidence": record["evidence_level"],
            "contributing_factors": list(i.contributing_factors),
            "system_ids": sorted(s.pk for s in systems),
            "operator_ids": sorted(o.pk for o in i.operators.all() if ("operator", o.slug) in standing),
            "vendor_ids": sorted(v.pk for v in vendors),
            "technologies": sorted(c["value"] for c in record["claims"] if c["about"] == "technology" and c["status"] != "denied"),
            "outcome_types": sorted({o.type for o in i.outcomes.all()}),
        }
    return out


PREFIX = {"technology": "t", "system": "s", "vendor": "v", "operator": "op"}


def _attributions_by_hand(incident) -> list[str]:
    """ "s:12:confirmed" for each attribution of the record, from its Python-built record."""
    record = public_record(incident)
    ids = {("system", s.slug): s.pk for s in incident.systems.all()}
    ids |= {("vendor", s.vendor.slug): s.vendor_id for s in incident.systems.all() if s.vendor_id}
    ids |= {("operator", o.slug): o.pk for o in incident.operators.all()}
    return [f"{PREFIX[c['about']]}:{ids.get((c['about'], c['value']), c['value'])}:{c['status']}"
            for c in record["claims"] if c["about"] in PREFIX]


def _facts_equal_records():
    stored = {row.pop("incident_id"): row for row in PublicRecord.objects.values("incident_id", *FIELDS)}
    expected = _expected()
    assert set(stored) == set(expected)
    for pk, facts in expected.items():
        assert stored[pk] == facts, pk
    # The tags (what filters test) name every filterable value, each once, and nothing else.
    tags = dict(PublicRecord.objects.values_list("incident_id", "tags"))
    for pk, facts in expected.items():
        want = {tag(kind, v) for kind, (_, column, many, _) in DIMENSIONS.items()
                for v in (facts[column] if many else [facts[column]] if facts[column] not in (None,) else [])}
        attributions = _attributions_by_hand(Incident.objects.get(pk=pk))
        want |= set(attributions) | {f"a:{a.rsplit(':', 1)[1]}" for a in attributions}
        assert sorted(tags[pk]) == sorted(want), pk
    # The search copy is the record's own vector now, and the title is what ranks.
    from django.db import connection

    from incidents.public.store import TITLE_VECTOR

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_publicrecord f JOIN incidents_incident i ON i.id = f.incident_id "
                       f"WHERE f.document IS DISTINCT FROM i.search_vector OR f.headline IS DISTINCT FROM {TITLE_VECTOR}")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM incidents_publicrecord WHERE document IS NULL")
        assert cursor.fetchone()[0] == 0


def test_facts_follow_every_kind_of_change(varied, moderator):
    _facts_equal_records()  # after an import (loaddemo), publications, a correction and preservation
    draft, _, _ = submit(systems=["Mobile Fortify"])
    assert not PublicRecord.objects.filter(pk=draft.pk).exists()

    system = System.objects.filter(incidents__status="published", vendor__isnull=False).first()
    other_vendor = Organization.objects.exclude(pk=system.vendor_id).first()
    system.vendor, system.technology = other_vendor, "iris"
    system.save()
    _facts_equal_records()

    first, second, third, fourth = Incident.objects.public().order_by("id")[:4]
    extra = System.objects.exclude(pk__in=first.systems.values("pk")).first()
    moderation.correct(first, moderator, {"systems": [extra.slug], "country": "FR", "incident_date": "2011-02-03",
                                          "outcomes": [{"type": "deported", "sources": [0]}]}, "Corrected.")
    moderation.merge(second, moderator, into=third)
    moderation.withdraw(fourth, moderator, "Retracted.")
    redaction.redact(Incident.objects.public().order_by("-id").first(), moderator, "Place removed on request.", changes={"city": ""})
    _facts_equal_records()
    assert not PublicRecord.objects.filter(pk__in=[second.pk, fourth.pk]).exists()
    assert PublicRecord.objects.get(pk=first.pk).system_ids == [extra.pk]


def test_the_database_keeps_facts_to_published_records(moderator):
    published = publish_new(moderator)
    draft, _, _ = submit()
    assert PublicRecord.objects.filter(pk=published.pk).exists()
    with pytest.raises(DatabaseError, match="only for published"), transaction.atomic():
        PublicRecord.objects.create(incident=draft, published_at=published.published_at, country="US", identification_mode="unknown",
                                   error_type="other", evidence="reported")
    # Whatever path takes a record out of publication, its facts row goes with it.
    Incident.objects.filter(pk=published.pk).update(status="withdrawn", withdrawn_reason="Raw update.")
    assert not PublicRecord.objects.filter(pk=published.pk).exists()


def _by_hand(incidents, group):
    counts = Counter()
    for i in incidents.prefetch_related("systems", "operators", "outcomes", "source_links__source"):
        standing = {(c["about"], c["value"]) for c in public_record(i)["claims"] if c["status"] != "denied"}
        if group == "system":
            counts.update(s.slug for s in i.systems.all() if ("system", s.slug) in standing)
        elif group == "operator":
            counts.update(o.slug for o in i.operators.all() if ("operator", o.slug) in standing)
        elif group == "vendor":
            counts.update({s.vendor.slug for s in i.systems.all() if s.vendor and ("vendor", s.vendor.slug) in standing})
        elif group == "outcome":
            counts.update({o.type for o in i.outcomes.all()})
        elif group == "year":
            counts.update([str(i.incident_date.year)] if i.incident_date else [])
        elif group == "evidence":
            counts[public_record(i)["evidence_level"]] += 1
        elif group == "has_minor":
            counts[{True: "true", False: "false", None: "unknown"}[i.affected_minor]] += 1
        else:
            counts[getattr(i, group)] += 1
    return dict(counts)


@pytest.mark.parametrize("query", ["", "country=US", "outcome=arrested", "has_minor=true", "evidence=official_record", "q=arrest",
                                   "system=does-not-exist", "year=2020&year=2019", "error_type=false_match&country=US", "technology=face&contributing_factor=low_quality_probe"])
def test_counts_equal_counting_one_record_at_a_time(varied, query):
    request = RequestFactory().get(f"/?{query}")
    filterset = IncidentFilter(request.GET, queryset=selectors.public_facts(), request=request)
    assert filterset.is_valid(), filterset.errors
    facts = filterset.qs
    groups = list(selectors.STAT_GROUPS)
    total, counts = selectors.facet_counts(facts, groups)
    incidents = selectors.incidents_in(facts)
    assert total == incidents.count() == facts.count()
    assert (total == 0) == (query == "system=does-not-exist")
    for group in groups:
        assert {key: n for key, _, n in counts[group]} == _by_hand(incidents, group), group


def _kept_equal_counted(every_scope_kept: bool = True):
    """Every kept scope's counts equal counting its facts now."""
    from incidents.models import PublicCount
    from incidents.public.counts import COUNTED, DIMENSIONS, grouped_counts, kept_counts

    groups = list(COUNTED)
    scopes = {("", "")} | set(PublicCount.objects.exclude(scope="").exclude(dimension="attribution").filter(n__gt=0).values_list("scope", "scope_key"))
    if every_scope_kept:  # the varied set has a record for every kind of scope
        assert {s for s, _ in scopes} == {"", *COUNTED}
    for scope, key in scopes:
        facts = selectors.public_facts()
        column, is_array = (DIMENSIONS[scope].column, DIMENSIONS[scope].many) if scope else (None, False)
        if is_array:
            facts = facts.filter(**{f"{column}__contains": [int(key) if column.endswith("_ids") else key]})
        elif scope == "year":
            facts = facts.filter(year=int(key)) if key else facts.filter(year=None)
        elif scope == "has_minor":
            facts = facts.filter(affected_minor={"true": True, "false": False, "": None}[key])
        elif scope:
            facts = facts.filter(**{column: key})
        assert kept_counts((scope, key), groups) == grouped_counts(facts, groups), (scope, key)


def test_kept_counts_follow_every_kind_of_change(varied, moderator):
    _kept_equal_counted()
    system = System.objects.filter(incidents__status="published", vendor__isnull=False).first()
    system.vendor = Organization.objects.exclude(pk=system.vendor_id).first()
    system.save()
    first, second, third, fourth = Incident.objects.public().order_by("id")[:4]
    moderation.correct(first, moderator, {"country": "FR", "incident_date": "2011-02-03", "outcomes": [{"type": "deported", "sources": [0]}]},
                       "Corrected.")
    moderation.merge(second, moderator, into=third)
    moderation.withdraw(fourth, moderator, "Retracted.")
    Incident.objects.filter(pk=third.pk).update(status="withdrawn", withdrawn_reason="Raw update.")  # the database trigger path
    _kept_equal_counted()


@pytest.mark.parametrize("query, scope", [
    ("", ("", "")), ("system=Facewatch", ("system", None)), ("operator=Detroit Police Department", ("operator", None)),
    ("system=Facewatch&country=GB", None), ("system=Facewatch&system=DataWorks Plus facial recognition", None), ("q=arrest", None),
    ("system=no-such-system", None), ("has_minor=false", ("has_minor", "false")), ("country=gb", ("country", "GB")),
    ("year=2020", ("year", "2020")), ("outcome=arrested", ("outcome", "arrested")), ("evidence=reported", ("evidence", "reported")),
    ("country=US&country=GB", None), ("year=2020&has_minor=true", None), ("country=ZZ", ("country", "ZZ")),
])
def test_a_kept_scope_is_used_only_where_it_is_the_same_set(varied, query, scope):
    request = RequestFactory().get(f"/?{query}")
    filterset = IncidentFilter(request.GET, queryset=selectors.public_facts(), request=request)
    found = filterset.scope()
    if scope is None:
        assert found is None
    else:
        assert found is not None and found[0] == scope[0] and (scope[1] is None or found[1] == scope[1])
    groups = list(selectors.STAT_GROUPS)
    assert selectors.facet_counts(filterset.qs, groups, found) == selectors.facet_counts(filterset.qs, groups)
    assert selectors.count(filterset.qs, found) == filterset.qs.count()


def test_each_filterset_has_its_own_filters(varied):
    """The FilterSet copies its filters shallowly (for speed): no two requests may share one."""
    one = IncidentFilter(RequestFactory().get("/?system=Facewatch").GET, queryset=selectors.public_facts())
    two = IncidentFilter(RequestFactory().get("/?country=GB").GET, queryset=selectors.public_facts())
    for name in IncidentFilter.base_filters:
        assert one.filters[name] is not two.filters[name] is not IncidentFilter.base_filters[name]
        assert one.filters[name].parent is one and two.filters[name].parent is two
        assert one.filters[name].extra is not two.filters[name].extra
    assert one.filters["system"].filter.f is one.filters["system"]  # the method is bound to this set's copy
    assert one.qs.count() == 1 and two.qs.count() == selectors.public_facts().filter(country="GB").count()


def test_search_matches_anywhere_and_ranks_title_matches_first(moderator):
    older = publish_new(moderator, title="Quokka sighting led to a face search", narrative="Nothing about the other word here.")
    newest = publish_new(moderator, title="A store ban", narrative="The zebracrossing camera matched her; a quokka mascot was blamed.")
    titled = publish_new(moderator, title="Zebracrossing camera misidentified a shopper", narrative="She was stopped.")

    def found(q):
        request = RequestFactory().get(f"/?q={q}")
        filterset = IncidentFilter(request.GET, queryset=selectors.public_facts(), request=request)
        return [r.pk for r in paginate(filterset.qs, request.GET, search=filterset.search_query).rows]

    assert found("zebracrossing") == [titled.pk, newest.pk]  # the title match first, then the narrative-only match
    assert found("quokka") == [older.pk, newest.pk]
