"""Turn every error into one JSON shape, in one place.

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"sources.0.url": ["..."]}}}

``fields`` names each failing field with a dotted path (``outcomes.1.sources``).
"""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from incidents.domain.drafts import flatten_errors as flatten
from incidents.domain.moderation import (
    Conflict,
    InvalidTransition,
    ModerationError,
    NotAModerator,
)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This record was withdrawn."
    default_code = "gone"


def error_body(status_code: int, code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}


def django_error_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as the API's field errors."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_error_detail(exc))
    elif isinstance(exc, NotAModerator):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, (Conflict, InvalidTransition, ModerationError)):
        return Response(error_body(409, "conflict" if isinstance(exc, Conflict) else "invalid_transition", str(exc)), status=409)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        names = ", ".join(sorted(fields))
        response.data = error_body(400, "invalid", _("The request has errors in: {names}.").format(names=names) if names else _("The request is invalid."), fields)
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, (Http404, exceptions.NotFound)):
            code = "not_found"
        detail = getattr(exc, "detail", str(exc))
        message = str(detail) if not isinstance(detail, (dict, list)) else "; ".join(f"{k}: {v}" for k, v in flatten(detail).items())
        extra = getattr(exc, "extra", {}) or {}
        response.data = error_body(response.status_code, code, message, **extra)
    return response


def page_not_found(request, exception):
    """Django's 404 for URLs no route matches: the JSON error shape under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(404, "not_found", f"No API endpoint at {request.path}; see /api/docs/."), status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """Django's 400 (a request it refused before any view, e.g. too many parameters): JSON under /api/."""
    if request.path.startswith("/api/"):
        message = "The request was refused: too many parameters or fields." if "fields" in str(exception) else "The request is malformed."
        return JsonResponse(error_body(400, "bad_request", message), status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    """Django's 500: the JSON error shape under /api/ (nothing of the error itself), the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(500, "server_error", "Something went wrong on our side; it has been logged. Try again later."), status=500)
    return defaults.server_error(request)
