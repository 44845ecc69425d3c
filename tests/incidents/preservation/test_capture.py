"""Preservation end to end against the local site: copies, PDFs, dead and changed links,
search over the preserved text, the public pages, the worker, and failures that block nothing."""

import hashlib

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from incidents.domain import redaction
from incidents.models import Source, SourceCapture
from incidents.preservation import capture as preservation
from tests.factories import publish_new, submit
from tests.incidents.preservation.local_site import ARTICLE

pytestmark = pytest.mark.django_db


def _published_citing(moderator, url, **extra):
    return publish_new(moderator, sources=[{"url": url, "title": "A story", "source_type": "news"}],
                       outcomes=[{"type": "arrested", "sources": [0]}], **extra)


def test_html_source_is_preserved_with_its_facts(site, local_allowed, moderator):
    incident = _published_citing(moderator, site.url("/hop1"))
    source = incident.sources.get()
    capture = preservation.record_fetch(source.pk)
    source.refresh_from_db()
    assert capture.ok and source.preserved_id == capture.pk
    assert capture.http_status == 200 and capture.final_url == site.url("/article")
    assert capture.content_type == "text/html"
    assert capture.sha256 == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert capture.title == "Man wrongly jailed after face match"
    assert "quokka-coloured surveillance van" in capture.text
    assert "Sport" not in capture.text and "never run" not in capture.text  # menu and script left out
    assert capture.body is None  # HTML is kept as text only
    assert source.dead_since is None and source.last_checked_at is not None


def test_pdf_source_keeps_the_file_and_its_text(site, local_allowed, moderator, client):
    incident = _published_citing(moderator, site.url("/ruling.pdf"))
    source = incident.sources.get()
    capture = preservation.record_fetch(source.pk)
    assert capture.ok and capture.content_type == "application/pdf"
    assert bytes(capture.body).startswith(b"%PDF-")
    assert "arrest unlawful" in capture.text and capture.title == "Order of the court"
    response = client.get(f"/sources/{source.pk}/preserved.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment") and "sandbox" in response["Content-Security-Policy"]
    assert response.content == bytes(capture.body)


def test_a_404_source_is_recorded_dead_and_not_preserved(site, local_allowed, moderator):
    source = _published_citing(moderator, site.url("/gone")).sources.get()
    capture = preservation.record_fetch(source.pk)
    source.refresh_from_db()
    assert not capture.ok and capture.http_status == 404 and source.preserved_id is None and source.dead_since is not None


def test_timeout_and_oversized_are_recorded_as_failures(site, local_allowed, moderator, settings):
    settings.PRESERVATION_TIMEOUT_SECONDS = 1
    settings.PRESERVATION_MAX_BYTES = 10_000
    incident = publish_new(moderator, sources=[{"url": site.url("/slow"), "source_type": "news"}, {"url": site.url("/big"), "source_type": "news"}],
                           outcomes=[{"type": "arrested", "sources": [0, 1]}])
    slow, big = (Source.objects.get(url=site.url(p)) for p in ("/slow", "/big"))
    assert preservation.record_fetch(slow.pk).error_kind == "timeout"
    assert preservation.record_fetch(big.pk).error_kind == "too_large"
    assert not SourceCapture.objects.filter(source__in=[slow, big], ok=True).exists()
    assert incident.status == "published"


def test_periodic_check_notices_a_changed_then_dead_link(site, local_allowed, moderator, settings):
    settings.SOURCE_CHECK_INTERVAL_HOURS = 0
    incident = _published_citing(moderator, site.url("/article"))
    source = incident.sources.get()
    assert preservation.check_due() == 1
    first = Source.objects.get(pk=source.pk).preserved_id
    # Same text again: nothing new stored.
    preservation.check_due()
    assert SourceCapture.objects.filter(source=source).count() == 1
    # The publisher edits the article: a second copy, the first stays the preserved one.
    site.routes["/article"] = (200, {"Content-Type": "text/html"}, ARTICLE.replace("six days", "seven days").encode())
    preservation.check_due()
    source.refresh_from_db()
    assert source.preserved_id == first and source.changed_at is not None
    assert SourceCapture.objects.filter(source=source, ok=True).count() == 2
    # Then it is taken down.
    site.routes["/article"] = (410, {}, b"gone")
    preservation.check_due()
    source.refresh_from_db()
    assert source.dead_since is not None
    record = APIClient().get(f"/api/v1/incidents/{incident.public_id}/").json()
    p = record["sources"][0]["preservation"]
    assert p["status"] == "dead" and p["copy"] == f"/sources/{source.pk}/preserved/" and p["sha256"] == hashlib.sha256(ARTICLE.encode()).hexdigest()


def test_preserved_text_is_searchable(site, local_allowed, moderator):
    incident = _published_citing(moderator, site.url("/article"), title="Arrest after a match", narrative="A man was arrested.")
    api = APIClient()
    assert api.get("/api/v1/incidents/", {"q": "quokka"}).json()["results"] == []
    preservation.record_fetch(incident.sources.get().pk)
    found = api.get("/api/v1/incidents/", {"q": "quokka"}).json()["results"]
    assert [r["public_id"] for r in found] == [incident.public_id]


def test_incident_page_and_copy_page(site, local_allowed, moderator, client):
    incident = _published_citing(moderator, site.url("/article"))
    source = incident.sources.get()
    preservation.record_fetch(source.pk)
    page = client.get(f"/incidents/{incident.public_id}/").content.decode()
    assert f'href="/sources/{source.pk}/preserved/"' in page and "Preserved copy" in page
    copy = client.get(f"/sources/{source.pk}/preserved/")
    body = copy.content.decode()
    assert copy.status_code == 200 and "quokka-coloured" in body and "<script>document.write" not in body
    site.routes["/article"] = (404, {}, b"")
    preservation.record_fetch(source.pk)
    assert "link dead since" in client.get(f"/incidents/{incident.public_id}/").content.decode()


def test_the_copy_of_a_source_a_redacted_record_cites_is_withheld(site, local_allowed, moderator, client):
    incident = _published_citing(moderator, site.url("/article"), title="Arrest of Quentin Arbuckle after a match")
    source = incident.sources.get()
    preservation.record_fetch(source.pk)
    assert client.get(f"/sources/{source.pk}/preserved/").status_code == 200

    redaction.redact(incident, moderator, "Removed at the request of the person concerned.", remove=["Quentin Arbuckle"])
    assert client.get(f"/sources/{source.pk}/preserved/").status_code == 404


def test_copies_of_sources_only_drafts_cite_stay_private(site, local_allowed, client):
    draft, _, _ = submit(sources=[{"url": site.url("/article"), "source_type": "news"}], outcomes=[{"type": "arrested", "sources": [0]}])
    source = draft.sources.get()
    preservation.record_fetch(source.pk)
    assert Source.objects.get(pk=source.pk).preserved_id
    assert client.get(f"/sources/{source.pk}/preserved/").status_code == 404
    site.routes["/ruling.pdf"] = site.routes["/ruling.pdf"]
    assert client.get(f"/sources/{source.pk}/preserved.pdf").status_code == 404


def test_a_failed_fetch_or_a_broken_queue_blocks_no_submission(monkeypatch, django_capture_on_commit_callbacks, settings):
    from incidents import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(type(tasks.preserve_source), "enqueue", broken)  # Task is a frozen dataclass
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post("/api/v1/submissions/", {
            "title": "Stopped at the border", "narrative": "Face match at the border was wrong.", "country": "US",
            "sources": [{"url": "http://10.0.0.1/internal", "source_type": "news"}],
        }, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db(transaction=True)
def test_worker_preserves_new_sources_and_schedules_the_check(site, local_allowed):
    """Real commits and the real worker: the enqueue happens on commit, the worker runs it."""
    from django_tasks_db.models import DBTaskResult

    draft, _, _ = submit(sources=[{"url": site.url("/article"), "source_type": "news"}], outcomes=[{"type": "arrested", "sources": [0]}])
    assert DBTaskResult.objects.filter(task_path="incidents.tasks.preserve_source", status="READY").count() == 1
    call_command("run_worker", batch=True, interval=0.1, verbosity=0)
    source = draft.sources.get()
    assert source.preserved is not None and "quokka" in source.preserved.text
    assert DBTaskResult.objects.filter(task_path="incidents.tasks.preserve_source", status="SUCCESSFUL").count() == 1
    # The periodic check ran once and put its next round in the queue.
    assert DBTaskResult.objects.filter(task_path="incidents.tasks.check_sources", status="SUCCESSFUL").count() == 1
    assert DBTaskResult.objects.filter(task_path="incidents.tasks.check_sources", status="READY").count() == 1


def test_fetcher_refusal_is_recorded_not_raised(settings, moderator):
    settings.PRESERVATION_ALLOWED_HOSTS = []
    source = _published_citing(moderator, "http://192.168.1.20/report").sources.get()
    capture = preservation.record_fetch(source.pk)
    source.refresh_from_db()
    assert capture.error_kind == "refused" and source.preserved_id is None and source.dead_since is None
