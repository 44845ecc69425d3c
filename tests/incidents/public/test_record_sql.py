"""The read model's SQL-built record (public/record_sql.py) is exactly the record ``record_from_row`` defines,
on a varied set: demo cases, partial dates, money, minors, names, preserved and dead sources,
outcomes on several sources, systems without vendors, and any filter and order."""

import json

import pytest

from incidents.domain import moderation, redaction
from incidents.interchange.exports import jsonl_rows
from incidents.public.filters import IncidentFilter
from incidents.public.format import iter_records, summary_record
from incidents.public.selectors import public_facts, public_incidents

pytestmark = pytest.mark.django_db


def _sql_records(rows):
    return [json.loads(line) for line in jsonl_rows(rows)]


def _incidents_in(rows):
    return public_incidents().filter(pk__in=rows.order_by().values("incident_id"))


def test_sql_export_equals_the_python_record(varied):
    python = list(iter_records(public_incidents()))
    sql = _sql_records(public_facts())
    assert len(sql) == len(python) >= 13
    for a, b in zip(python, sql, strict=True):
        assert a == b, a["public_id"]


@pytest.mark.parametrize("query", ["country=US", "has_minor=true", "evidence=official_record", "q=arrest", "outcome=settlement&ordering=incident_date",
                                   "ordering=-incident_date", "system=does-not-exist"])
def test_sql_export_follows_filters_and_order(varied, query, rf):
    request = rf.get(f"/?{query}")
    rows = IncidentFilter(request.GET, queryset=public_facts(), request=request).qs
    assert [r["public_id"] for r in _sql_records(rows)] == [r["public_id"] for r in iter_records(_incidents_in(rows))]


def _stored_equals_computed():
    from incidents.models import Incident, PublicRecord

    computed = {r["public_id"]: r for r in iter_records(public_incidents())}
    stored = {pid: (text, summary) for pid, text, summary in PublicRecord.objects.values_list("public_id", "record", "summary")}
    assert set(stored) == set(computed)
    for pid, (text, summary) in stored.items():
        assert text is not None and json.loads(text) == computed[pid], pid
        assert summary is not None and json.loads(summary) == summary_record(computed[pid]), pid
    assert not PublicRecord.objects.exclude(incident__status="published").exists()
    # The stored CSV lines equal lines made now from the current state.
    from django.db import connection

    from incidents.public.store import CSV_LINES_SQL

    ids = list(Incident.objects.public().values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(CSV_LINES_SQL, {"ids": ids})
        made = dict(cursor.fetchall())
    assert dict(PublicRecord.objects.values_list("incident_id", "csv_line")) == made


def test_stored_records_follow_every_kind_of_change(varied, moderator):
    from incidents.models import Incident, Organization, PublicRecord, System

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
    redaction.redact(Incident.objects.public().order_by("id").first(), moderator, "Place removed on request.", changes={"city": ""})
    _stored_equals_computed()
    assert not PublicRecord.objects.filter(incident__in=[c, a]).exists()


def test_list_rows_come_from_the_stored_record_and_a_missing_row_is_rebuilt(varied):
    from incidents.models import Incident, PublicRecord
    from incidents.public import rebuild, selectors

    rows = list(selectors.public_facts()[:5])
    before = selectors.summaries(rows)
    assert [r["public_id"] for r in before] == list(Incident.objects.filter(pk__in=[r.pk for r in rows])
                                                     .order_by("-published_at", "-id").values_list("public_id", flat=True))
    expected = {r["public_id"]: summary_record(r) for r in iter_records(public_incidents())}
    assert before == [expected[r["public_id"]] for r in before]
    # A row is written whole or not at all (its texts are NOT NULL); one missing, as a missed
    # refresh would leave it, is found and rebuilt by the rebuild (run after every migrate).
    PublicRecord.objects.filter(pk=rows[0].pk).delete()
    assert rebuild.stale_ids() == [rows[0].pk]
    rebuild.rebuild(rebuild.stale_ids())
    assert selectors.summaries(rows) == before
