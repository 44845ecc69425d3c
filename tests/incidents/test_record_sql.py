"""The SQL-built export (record_sql.py) writes exactly the record ``record_from_row`` defines,
on a varied set: demo cases, partial dates, money, minors, names, preserved and dead sources,
outcomes on several sources, systems without vendors, and any filter and order."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from incidents import moderation, record_sql, records
from incidents.filters import IncidentFilter
from incidents.interchange import iter_records
from incidents.models import Source, SourceCapture
from incidents.selectors import public_incidents
from tests.factories import publish_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(moderator):
    call_command("loaddemo", verbosity=0)
    publish_new(moderator, title="Settlement case", incident_date="2019-03", outcomes=[
        {"type": "settlement", "amount": "300000.50", "currency": "USD", "date": "2021", "sources": [0]},
        {"type": "detained", "days": 10, "sources": [0]}])
    named = publish_new(moderator, title="Named adult", affected={"count": 1, "has_minor": False, "name": "Ada Example"},
                        sources=[{"url": "https://court.example/ruling", "source_type": "court_record", "published_date": "2020-05-01"},
                                 {"url": "https://news.example/a", "source_type": "news", "title": "Report"}],
                        outcomes=[{"type": "arrested", "sources": [0, 1]}, {"type": "charges_dropped", "sources": [1]}])
    moderation.correct(named, moderator, {"affected_name_public": True}, "Name public in the ruling.")
    publish_new(moderator, title="Testimony only", affected={"count": 2, "has_minor": True},
                sources=[{"url": "https://blog.example/me", "source_type": "personal_testimony"}], outcomes=[])
    kept = Source.objects.get(url="https://news.example/a")
    capture = SourceCapture.objects.create(source=kept, ok=True, http_status=200, final_url="https://news.example/a?x", content_type="text/html",
                                           sha256="a" * 64, text_sha256="b" * 64, size=10, text="t")
    kept.preserved, kept.changed_at = capture, timezone.now()
    kept.save()
    dead = Source.objects.get(url="https://court.example/ruling")
    dead.dead_since = timezone.now() - timedelta(days=3)
    dead.save()
    # What preservation.record_fetch does after it changes a source:
    records.touch(named.source_links.values_list("incident_id", flat=True))


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
    queryset = IncidentFilter(request.GET, queryset=public_incidents(), request=request).qs
    assert [r["public_id"] for r in _sql_records(queryset)] == [r["public_id"] for r in iter_records(queryset)]


def _stored_equals_computed():
    from incidents.models import Incident

    computed = {r["public_id"]: r for r in iter_records(public_incidents())}
    stored = dict(Incident.objects.public().values_list("public_id", "public_json"))
    assert set(stored) == set(computed)
    for pid, text in stored.items():
        assert text is not None and json.loads(text) == computed[pid], pid


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
    moderation.redact(Incident.objects.public().order_by("id").first(), moderator, {"city": ""}, "Place removed on request.")
    _stored_equals_computed()
    assert Incident.objects.get(pk=c.pk).public_json is None and Incident.objects.get(pk=a.pk).public_json is None
