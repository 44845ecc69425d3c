"""Headers that keep pages from talking to anyone but the registry, and the 503 answer
when the database is unavailable."""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.http import ConditionalGetMiddleware as BaseConditionalGetMiddleware
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe

from . import replicas
from .private_paths import PRIVATE_PREFIXES

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
])




class PrivacyHeadersMiddleware:
    """Forbid third-party content and browser features the registry never needs.

    People reporting to the registry may be at risk: no page may load anything from
    another origin, which the Content-Security-Policy makes the browser enforce.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        # Moderators' pages and answers carry contact details, and status pages a secret:
        # no browser, proxy or shared cache may keep them.
        private = request.path.startswith(PRIVATE_PREFIXES) or "HTTP_AUTHORIZATION" in request.META or _logged_in(request)
        if private and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store, private"
        return response


def _logged_in(request) -> bool:
    user = getattr(request, "user", None)
    try:
        return user is not None and user.is_authenticated
    except DatabaseError:  # the session could not be read: treat the answer as private
        return True


# SQLSTATEs of a wait cut off by a timeout: lock_not_available, query_canceled (statement
# timeout), idle_in_transaction_session_timeout.
TIMEOUT_STATES = {"55P03", "57014", "25P03"}


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After, not 500, when the database cannot answer in time or at
    all (a lock held by a stuck transaction, a statement timeout, a restart): JSON in the
    API's error shape under /api/, a short page elsewhere. Nothing was changed; the client
    may simply try again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        return unavailable(request, exception)


def unavailable(request, exception=None):
    cause = getattr(exception, "__cause__", None)
    timed_out = getattr(cause, "sqlstate", None) in TIMEOUT_STATES
    logging.getLogger("registry.database").warning("503 for %s %s: %s", request.method, request.path.split("/status/")[0],
                                                   "a database wait timed out" if timed_out else "the database is unavailable")
    message = ("The registry is busy: a database wait took too long. Nothing was changed; try again in a moment."
               if timed_out else "The registry's database is unavailable. Nothing was changed; try again in a moment.")
    if request.path.startswith("/api/"):
        from api.exceptions import error_body  # (cycle) DRF's settings import api.parsers, which imports api.exceptions

        response = JsonResponse(error_body(503, "timeout" if timed_out else "unavailable", message), status=503)
    else:
        response = HttpResponse(f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Try again shortly</title></head>"
                                f"<body><h1>Try again shortly</h1><p>{message}</p></body></html>", status=503)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class ConditionalGetMiddleware(BaseConditionalGetMiddleware):
    """Django's conditional GET, for HEAD as well.

    Django's own middleware leaves HEAD alone because a server strips its body; but a view
    here answers HEAD with the same body as GET (the server removes it later), so the ETag
    is the GET's, and a client checking freshness with a conditional HEAD gets its 304."""

    def process_response(self, request, response):
        if request.method != "HEAD":
            return super().process_response(request, response)
        if self.needs_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if etag or last_modified:
            return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
        return response


class ReplicaReadsMiddleware:
    """Route this request's public reads to a replica when it may (``choose``), and mark a
    client that writes so that its next reads, for a few seconds, come from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = replicas.route(request)
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and getattr(settings, "REPLICA_DATABASES", []):
            sticky = settings.DATABASE_REPLICA_STICKY_SECONDS
            response.set_cookie(replicas.COOKIE, replicas.sticky_value(sticky), max_age=sticky, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        if response.streaming:  # an export reads while it is sent: keep the choice until it is done
            response.streaming_content = replicas.then_reset(response.streaming_content, token)
        else:
            replicas.reset(token)
        return response

