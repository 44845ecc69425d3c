from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from incidents.domain.drafts import MAX_JSON_DEPTH, within_depth

from .exceptions import PayloadTooLarge


class LimitedJSONParser(JSONParser):
    """JSON with a hard size limit (413), read before anything is parsed or stored."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        limit = settings.SUBMISSION_MAX_BODY_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise ParseError("Invalid Content-Length header.") from None
        if declared > limit:
            raise PayloadTooLarge(f"The request body is {declared} bytes; the limit is {limit} bytes.")
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(f"The request body is over the limit of {limit} bytes.")
        import io

        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except ParseError as exc:
            raise ParseError(f"Malformed JSON: {exc.detail}") from None
        except RecursionError:
            data = None
        if data is None and body.strip() not in (b"", b"null") or not within_depth(data):
            raise ParseError(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
        return data
