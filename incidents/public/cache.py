"""A cache of public read responses, keyed by the public version.

Public data change only when a moderator acts, so a response to the same URL is the same
until the next change. The key includes the public version (``PublicVersion``), which the
one writer of the public read model (``public.store.refresh``) advances in the same
transaction as every publication, correction, redaction, merge, withdrawal or edit of a
system or organization a public record shows, and nothing else advances: a draft, a
submission or a rejected record leaves every cached response in place. Last-Modified is
the version's time. Entries also expire after PUBLIC_CACHE_SECONDS.

Only anonymous requests are cached (no session cookie, no Authorization header), and only
200 responses that are not streamed, so nothing personal or large is ever stored.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.http import http_date
from django.utils.translation import get_language

from ..replicas import read_connection

HEADERS_KEPT = ("Content-Type", "Content-Disposition", "Last-Modified", "Cache-Control", "Link", "Content-Language", "Vary")


def public_version(request=None) -> tuple[int, object]:
    """The public version: (number, time of the last public change), (0, None) before any.

    Asked on every public response (the cache key, Last-Modified): one row by primary key,
    in plain SQL, as the ORM costs more to build than to run; read once per request (kept on
    ``request``), so the cache key and Last-Modified agree."""
    known = getattr(request, "_public_version", None) if request is not None else None
    if known is not None:
        return known
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT number, changed_at FROM incidents_publicversion WHERE id = 1")
        row = cursor.fetchone()
    version = row if row else (0, None)
    if request is not None:
        getattr(request, "_request", request)._public_version = version
    return version


def registry_version(request=None):
    """The time of the last change to anything public, or None for an empty registry (Last-Modified)."""
    return public_version(request)[1]


def _cacheable(request) -> bool:
    return (getattr(settings, "PUBLIC_CACHE_SECONDS", 0) > 0 and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META)


def cached_public(view):
    """Wrap a public view: serve a stored copy while the registry is unchanged."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        number, version = public_version(request)
        # The scheme and host are part of the key: a response's links carry them, so one host's
        # copy must never answer another (a forged Host header must not reach later readers).
        # So is the language the page speaks (the reader's cookie or Accept-Language, chosen by LocaleMiddleware).
        raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{number}|{request.META.get('HTTP_ACCEPT', '')}|{get_language()}"
        key = "public:" + hashlib.sha256(raw.encode()).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            status, headers, content = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        if response.status_code == 200 and not response.streaming and len(response.content) < 2_000_000:
            if version and "Last-Modified" not in response:
                response["Last-Modified"] = http_date(version.timestamp())
            headers = [(h, response[h]) for h in HEADERS_KEPT if h in response]
            cache.set(key, (response.status_code, headers, response.content), settings.PUBLIC_CACHE_SECONDS)
        return response

    wrapper.cached_public = True
    return wrapper
