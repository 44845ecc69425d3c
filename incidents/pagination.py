"""Keyset (cursor) pagination over (published_at, id), or (rank, id) for searches; used by the API and the pages.

DRF's CursorPagination keys on one field and falls back to offsets on ties; bulk
imports publish many rows in the same microsecond, so this keys on the pair.
"""

import base64
import datetime
import json
from typing import NamedTuple

from django.db.models import Count, Q, Window


class PageError(ValueError):
    """A bad paging parameter; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size(params) -> int:
    raw = params.get("page_size")
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise PageError("page_size", f"Use a whole number from 1 to {MAX_PAGE_SIZE}.")
    return int(raw)


def encode(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not (isinstance(values, list) and len(values) == 3 and values[0] in ("n", "o", "r")):
            raise ValueError
        return values
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise PageError("cursor", "This cursor is not valid; start again from the first page.") from None


class Page(NamedTuple):
    rows: list
    next_cursor: str | None
    total: int | None  # the size of the whole set, when the page query counted it (else count it)


def paginate(queryset, params, *, ranked: bool, default_size: int = DEFAULT_PAGE_SIZE) -> Page:
    """Return one page of ``params`` (a QueryDict). Ordering: relevance when ranked, else newest|oldest."""
    size = page_size(params) if params.get("page_size") else default_size
    ordering = params.get("ordering") or ("relevance" if ranked else "newest")
    if ordering not in ("newest", "oldest", "relevance"):
        raise PageError("ordering", "Use newest, oldest or relevance.")
    if ordering == "relevance" and not ranked:
        ordering = "newest"  # without a search every row is equally relevant
    kind = {"newest": "n", "oldest": "o", "relevance": "r"}[ordering]
    key_field = "rank" if kind == "r" else "published_at"
    if kind == "o":
        queryset = queryset.order_by("published_at", "pk")
    else:
        queryset = queryset.order_by(f"-{key_field}", "-pk")
    cursor = params.get("cursor")
    if cursor:
        cursor_kind, key, last_id = decode(cursor)
        if cursor_kind != kind:
            raise PageError("cursor", "This cursor belongs to another ordering.")
        if kind != "r":
            try:
                key = datetime.datetime.fromisoformat(key)
            except (TypeError, ValueError):
                raise PageError("cursor", "This cursor is not valid.") from None
        if kind == "o":
            queryset = queryset.filter(Q(published_at__gt=key) | Q(published_at=key, pk__gt=last_id))
        else:
            queryset = queryset.filter(Q(**{f"{key_field}__lt": key}) | Q(**{key_field: key, "pk__lt": last_id}))
    counted = kind == "r" and not cursor
    if counted:
        # A search ranks every match anyway: its first page counts them in the same pass,
        # saving the second match (and, for phrases, a second read of every candidate).
        queryset = queryset.annotate(match_count=Window(Count("pk")))
    rows = list(queryset.only("published_at")[: size + 1])
    total = (rows[0].match_count if rows else 0) if counted else None
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        key = last.rank if kind == "r" else last.published_at.isoformat()
        next_cursor = encode([kind, key, last.pk])
    return Page(rows, next_cursor, total)
