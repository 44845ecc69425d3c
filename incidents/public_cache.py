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
from django.db import connection
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from .choices import PUBLIC_STATE
from .models import Incident, Organization, Source, System

HEADERS_KEPT = ("Content-Type", "Content-Disposition", "Last-Modified", "Cache-Control", "Link")


def public_version() -> tuple[int, object]:
    """The public version: (number, time of the last public change), (0, None) before any.

    Asked on every public response (the cache key, Last-Modified): one row by primary key,
    in plain SQL, as the ORM costs more to build than to run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, changed_at FROM incidents_publicversion WHERE id = 1")
        row = cursor.fetchone()
    return row if row else (0, None)


def registry_version():
    """The time of the last change to anything public, or None for an empty registry (Last-Modified)."""
    return public_version()[1]


def _cacheable(request) -> bool:
    return (getattr(settings, "PUBLIC_CACHE_SECONDS", 0) > 0 and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META)


def cached_public(view):
    """Wrap a public view: serve a stored copy while the registry is unchanged."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        number, version = public_version()
        raw = f"{request.get_full_path()}|{number}|{request.META.get('HTTP_ACCEPT', '')}"
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


@receiver(post_save, sender=System)
def _system_changed(sender, instance, **kwargs):
    # A system's name, aliases or vendor are part of every record that cites it.
    from .records import touch

    touch(Incident.objects.filter(systems=instance).values_list("pk", flat=True))


PRESERVATION_FIELDS = frozenset({"preserved", "dead_since", "changed_at", "last_checked_at"})


@receiver(post_save, sender=Source)
def _source_changed(sender, instance, created, update_fields=None, **kwargs):
    # A source's title or publisher shows in every record citing it. Preservation touches
    # the records itself, and only when something public changed.
    if created or (update_fields is not None and set(update_fields) <= PRESERVATION_FIELDS):
        return
    from .records import touch

    touch(Incident.objects.filter(source_links__source=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Organization)
def _organization_changed(sender, instance, **kwargs):
    from .records import touch

    touch(Incident.objects.filter(Q(operators=instance) | Q(systems__vendor=instance)).values_list("pk", flat=True).distinct())


@receiver(m2m_changed, sender=Incident.systems.through)
@receiver(m2m_changed, sender=Incident.operators.through)
def _links_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Incident):
        if instance.status == PUBLIC_STATE:
            from .records import touch

            touch([instance.pk])
        else:  # a draft: nothing public to rebuild
            Incident.objects.filter(pk=instance.pk).update(updated_at=timezone.now())
