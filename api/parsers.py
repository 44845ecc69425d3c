import io
import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser

from incidents.domain.drafts import MAX_JSON_DEPTH, within_depth

from .exceptions import PayloadTooLarge


def read_limited(request, stream, limit: int) -> bytes:
    """The body, refused (413) before it is read past ``limit`` bytes."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ParseError("Invalid Content-Length header.") from None
    if declared > limit:
        raise PayloadTooLarge(f"The request body is {declared} bytes; the limit is {limit} bytes.")
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise PayloadTooLarge(f"The request body is over the limit of {limit} bytes.")
    return body


class LimitedJSONParser(JSONParser):
    """JSON with a hard size limit (413), read before anything is parsed or stored."""

    limit_setting = "SUBMISSION_MAX_BODY_BYTES"

    def parse(self, stream, media_type=None, parser_context=None):
        body = read_limited(parser_context["request"], stream, getattr(settings, self.limit_setting))
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except ParseError as exc:
            raise ParseError(f"Malformed JSON: {exc.detail}") from None
        except RecursionError:
            data = None
        if data is None and body.strip() not in (b"", b"null") or not within_depth(data):
            raise ParseError(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
        return data


class BulkJSONParser(BaseParser):
    """A JSON array of submissions, with the bulk size limit. Not a JSONParser subclass: DRF
    reads a JSONParser's body through ``request.body``, which Django caps at
    DATA_UPLOAD_MAX_MEMORY_SIZE (256 KB), well under a 500-item batch."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        body = read_limited(parser_context["request"], stream, settings.BULK_SUBMISSION_MAX_BODY_BYTES)
        try:
            data = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise ParseError("The body is not UTF-8 text.") from None
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"Malformed JSON: {exc}") from None
        if not within_depth(data):
            raise ParseError(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
        return data


class JSONLinesParser(BaseParser):
    """JSON Lines (one JSON object per line), with the bulk size limit. Each line is parsed on
    its own, so a malformed line is reported as that line's error instead of failing the batch:
    the result is a list of ``{"line": n, "item": value}`` or ``{"line": n, "error": message}``."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None):
        body = read_limited(parser_context["request"], stream, settings.BULK_SUBMISSION_MAX_BODY_BYTES)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("The body is not UTF-8 text.") from None
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as exc:
                rows.append({"line": number, "error": f"Malformed JSON: {exc}"})
                continue
            if not within_depth(value):
                rows.append({"line": number, "error": f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep."})
            else:
                rows.append({"line": number, "item": value})
        return BatchLines(rows)


class JSONLParser(JSONLinesParser):
    media_type = "application/jsonl"


class BatchLines(list):
    """What ``JSONLinesParser`` returns: items already numbered by their line."""
