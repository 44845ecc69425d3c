"""Keeping a copy of every source, and noticing when a link dies or its document changes.

Links rot, and the articles and court filings behind a wrongful identification are
exactly the kind that get moved or taken down. The worker (``incidents/tasks.py``)
calls ``record_fetch`` for a new source and ``check_due`` periodically. Fetching
goes through ``incidents.fetcher`` only, which refuses non-public addresses.

What is stored: one ``SourceCapture`` per fetch that told us something (the first
good copy, a changed document, the first failure); a check that finds nothing new
only moves ``Source.last_checked_at``. Nothing here ever blocks a submission or a
publication: enqueueing happens after commit and its failures are logged.
"""

import hashlib
import io
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..domain.records import touch
from ..models import IncidentSource, Source, SourceCapture
from ..public.search import refresh_search_vectors
from .fetcher import Fetched, FetchError, fetch

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 500_000
PDF_MAX_PAGES = 200
HTML_TYPES = {"text/html", "application/xhtml+xml"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_pdf(fetched: Fetched) -> bool:
    return fetched.content_type == "application/pdf" or fetched.body[:5] == b"%PDF-"


def _is_html(fetched: Fetched) -> bool:
    return fetched.content_type in HTML_TYPES or (not fetched.content_type and fetched.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")))


def extract_html(body: bytes, url: str = "") -> tuple[str, str]:
    """Return (title, main text) of an HTML page: the article, without menus, ads or scripts.

    trafilatura parses; nothing in the page is run.
    """
    import trafilatura

    text = trafilatura.extract(body, url=url or None, include_comments=False, include_tables=True, favor_recall=True) or ""
    title = ""
    try:
        meta = trafilatura.extract_metadata(body.decode("utf-8", "replace"), default_url=url or None)
        title = (meta.title or "") if meta else ""
    except Exception:  # metadata is a nicety; a page without it is still preserved
        log.debug("no metadata in %s", url, exc_info=True)
    return title[:500], text[:MAX_TEXT_CHARS]


def extract_pdf(body: bytes) -> tuple[str, str]:
    """Return (title, text) of a PDF, best effort: scanned court filings have no text layer."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(body))
        title = str((reader.metadata or {}).get("/Title") or "")
        parts, size = [], 0
        for page in reader.pages[:PDF_MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_TEXT_CHARS:
                break
        return title[:500], "\n".join(parts)[:MAX_TEXT_CHARS]
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds; a broken PDF is still kept as a file
        log.info("could not read text from a PDF: %s", exc)
        return "", ""


def _extract(fetched: Fetched) -> dict:
    if _is_pdf(fetched):
        title, text = extract_pdf(fetched.body)
        return {"title": title, "text": text, "body": fetched.body, "content_type": "application/pdf"}
    if _is_html(fetched):
        title, text = extract_html(fetched.body, fetched.final_url)
        return {"title": title, "text": text, "body": None}
    if fetched.content_type.startswith("text/plain"):
        return {"title": "", "text": fetched.body.decode("utf-8", "replace")[:MAX_TEXT_CHARS], "body": None}
    return {"title": "", "text": "", "body": None}


def _touch_incidents(source_id: int, reindex: bool) -> None:
    """The records citing this source now read differently: new ETag, and search over the copy."""
    ids = list(IncidentSource.objects.filter(source_id=source_id).values_list("incident_id", flat=True))
    if not ids:
        return
    if reindex:
        refresh_search_vectors(ids)
    touch(ids)


def record_fetch(source_id: int) -> SourceCapture | None:
    """Fetch a source once and record what changed; return the capture stored, if any."""
    source = Source.objects.select_related("preserved").filter(pk=source_id).first()
    if source is None or not source.url:
        return None
    try:
        fetched, failure = fetch(source.url), None
    except FetchError as exc:
        fetched, failure = None, exc
    now = timezone.now()
    capture = None
    reindex = False
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        was = (source.preserved_id, source.dead_since, source.changed_at)
        if fetched is not None and 200 <= fetched.status < 300:
            found = _extract(fetched)
            text_sha = _sha256(found["text"].encode()) if found["text"] else _sha256(fetched.body)
            latest_ok = source.captures.filter(ok=True).only("text_sha256").first()
            if source.preserved_id is None or (latest_ok and latest_ok.text_sha256 != text_sha):
                capture = SourceCapture.objects.create(
                    source=source, ok=True, http_status=fetched.status, final_url=fetched.final_url[:2000],
                    content_type=found.get("content_type") or fetched.content_type[:120], size=len(fetched.body),
                    sha256=_sha256(fetched.body), text_sha256=text_sha, title=found["title"], text=found["text"], body=found["body"],
                )
                if source.preserved_id is None:
                    source.preserved = capture
                    reindex = bool(found["text"])
                else:
                    source.changed_at = source.changed_at or now
            source.dead_since = None
        else:
            if source.dead_since is None:
                capture = SourceCapture.objects.create(
                    source=source, ok=False,
                    http_status=fetched.status if fetched else None,
                    final_url=(fetched.final_url if fetched else "")[:2000],
                    content_type=(fetched.content_type if fetched else "")[:120],
                    size=len(fetched.body) if fetched else 0,
                    error_kind=failure.kind if failure else "http",
                    error=(str(failure) if failure else f"The server answered {fetched.status}.")[:500],
                )
                # A source never preserved (refused, unreachable) is not "dead": it never lived here.
                if source.preserved_id is not None or (fetched is not None and fetched.status in (404, 410)):
                    source.dead_since = now
        source.last_checked_at = now
        source.save(update_fields=["preserved", "dead_since", "changed_at", "last_checked_at"])
        if (source.preserved_id, source.dead_since, source.changed_at) != was:
            _touch_incidents(source.pk, reindex)
    return capture


def due_sources(limit: int):
    """Sources never checked first, then those checked longest ago, up to ``limit``."""
    cutoff = timezone.now() - timedelta(hours=settings.SOURCE_CHECK_INTERVAL_HOURS)
    return (Source.objects.filter(last_checked_at__isnull=True) | Source.objects.filter(last_checked_at__lt=cutoff)).exclude(url="").order_by(
        F("last_checked_at").asc(nulls_first=True), "id").values_list("pk", flat=True)[:limit]


def check_due(limit: int | None = None, progress=None) -> int:
    """Re-fetch the sources whose check is due; return how many were fetched."""
    ids = list(due_sources(limit or settings.SOURCE_CHECK_BATCH))
    for n, source_id in enumerate(ids, start=1):
        try:
            record_fetch(source_id)
        except Exception:  # one bad source must not stop the round
            log.exception("checking source %s failed", source_id)
        if progress:
            progress(n, len(ids))
    return len(ids)
