"""The SQL-built export (record_sql.py) writes exactly the record ``record_from_row`` defines,
on a varied set: demo cases, partial dates, money, minors, names, preserved and dead sources,
outcomes on several sources, systems without vendors, and any filter and order."""

import json

import pytest

from incidents import moderation, record_sql
from incidents.filters import IncidentFilter
from incidents.interchange import iter_records, summary_record
from incidents.selectors import incidents_in, public_facts, public_incidents

pytestmark = pytest.mark.django_db


def _sql_records(queryset):
    return [json.loads(line) for line in record_sql.json_lines(queryset)]


def test_sql_export_equals_the_python_record(varied):
    python = list(iter_records(public_incidents()))
    sql = _sql_records(public_incidents())
    assert len(sql) == len(python) >= 13
    for a, b in zip(python, sql, strict=True):
        assert a == b, a["public_id"]


@pytest.mark.parametrize("query", ["country=US", "has_minor=true", "evidence=official_record", "q=arrest", "outcome=settlement&ordering=incident_date",
                                   "ordering=-incident_date", "system=does-not-exist"])
def test_sql_export_follows_filters_and_order(varied, query, rf):
    request = rf.get(f"/?{query}")
    queryset = incidents_in(IncidentFilter(request.GET, queryset=public_facts(), request=request).qs)
    assert [r["public_id"] for r in _sql_records(queryset)] == [r["public_id"] for r in iter_records(queryset)]


def _stored_equals_computed():
    from incidents.models import Incident

    computed = {r["public_id"]: r for r in iter_records(public_incidents())}
    stored = {pid: (text, summary) for pid, text, summary in Incident.objects.public().values_list("public_id", "public_json", "public_summary")}
    assert set(stored) == set(computed)
    for pid, (text, summary) in stored.items():
        assert text is not None and json.loads(text) == computed[pid], pid
        assert summary is not None and json.loads(summary) == summary_record(computed[pid]), pid
    assert not Incident.objects.exclude(status="published").filter(public_summary__isnull=False).exists()
    # The stored CSV lines equal lines made now from the current state.
    from django.db import connection

    from incidents.exports import LINES_SQL

    ids = list(Incident.objects.public().values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(LINES_SQL, [ids])
        made = dict(cursor.fetchall())
    assert dict(Incident.objects.public().values_list("id", "public_csv")) == made
    assert not Incident.objects.exclude(status="published").filter(public_csv__isnull=False).exists()


def test_stored_records_follow_every_kind_of_change(varied, moderator):
    from incidents.models import Incident, Organization, System

    _stored_equals_computed()  # after an import (loaddemo), publications, a correction and preservation
    system = System.objects.filter(incidents__status="published").first()
    system.name = "Renamed system"
    system.save()
    vendor = Organization.objects.filter(systems_made__incidents__status="published").first()
    vendor.name = "Renamed vendor"
    vendor.save()
    a, b = Incident.objects.public().order_by("id")[:2]
    moderation.merge(a, moderator, into=b)
    c = Incident.objects.public().order_by("id").first()
    moderation.withdraw(c, moderator, "Retracted.")
    moderation.redact(Incident.objects.public().order_by("id").first(), moderator, "Place removed on request.", changes={"city": ""})
    _stored_equals_computed()
    assert Incident.objects.get(pk=c.pk).public_json is None and Incident.objects.get(pk=a.pk).public_json is None
    assert Incident.objects.get(pk=c.pk).public_summary is None


def test_list_rows_come_from_the_stored_record_or_are_built_when_missing(varied):
    from incidents import selectors
    from incidents.interchange import summary_record
    from incidents.models import Incident

    rows = list(selectors.public_facts()[:5])
    before = selectors.summaries(rows)
    assert [r["public_id"] for r in before] == list(Incident.objects.filter(pk__in=[r.pk for r in rows])
                                                     .order_by("-published_at", "-id").values_list("public_id", flat=True))
    expected = {r["public_id"]: summary_record(r) for r in iter_records(public_incidents())}
    assert before == [expected[r["public_id"]] for r in before]
    Incident.objects.filter(pk=rows[0].pk).update(public_json=None, public_summary=None, public_csv=None)  # as a missed refresh would leave it
    assert selectors.summaries(rows) == before
