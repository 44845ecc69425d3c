"""A varied set of published records, shared by the tests of the stored record and the public facts."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from incidents.domain import moderation, records
from incidents.models import Source, SourceCapture
from tests.factories import publish_new


@pytest.fixture
def varied(moderator):
    call_command("loaddemo", verbosity=0)
    publish_new(moderator, title="Settlement case", incident_date="2019-03", outcomes=[
        {"type": "settlement", "amount": "300000.50", "currency": "USD", "date": "2021", "sources": [0]},
        {"type": "detained", "days": 10, "sources": [0]}])
    publish_new(moderator, title="Repeated outcomes", outcomes=[  # outcome types listed once each, in first-seen order
        {"type": "detained", "days": 2, "sources": [0]}, {"type": "arrested", "sources": [0]}, {"type": "detained", "days": 3, "sources": [0]}])
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
