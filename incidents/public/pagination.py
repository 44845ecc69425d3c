"""Keyset (cursor) pagination over (published_at, id), or (rank, id) for searches; used by the API and the pages.

DRF's CursorPagination keys on one field and falls back to offsets on ties; bulk
imports publish many rows in the same microsecond, so this keys on the pair.
"""

import base64
import datetime
import json
from typing import NamedTuple

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    TextField,
    Window,
)
from django.db.models.functions import Cast

from ..models import PublicCount
from .filters import ranked, ranked_tiers


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
        last_id = values[2]
        # A row id: a whole number PostgreSQL's bigint holds (a bool is an int to Python).
        if isinstance(last_id, bool) or not isinstance(last_id, int) or not 0 < last_id < 2 ** 63:
            raise ValueError
        return values
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise PageError("cursor", "This cursor is not valid; start again from the first page.") from None


# A page's rows are (pk, published_at[, rank]) tuples: what the cursor needs and what
# selectors.summaries reads the shown records by; no model instances.
ROW = ("pk", "published_at")


class Page(NamedTuple):
    rows: list
    next_cursor: str | None
    total: int | None  # the size of the whole set, when paging had to count it (else count it)
    tally: dict | None = None  # what a ``total`` given as a JSON tally ({"n": size, ...}) counted beside the size


# A page of newest matches can be found two ways: walk the newest rows and test each one
# (cheapest when matches are dense: a page turns up in the first few hundred rows), or
# gather every match from the indexes and sort them (cheapest when they are sparse). The
# planner gets this wrong both ways here: a rare search word looks common enough to walk
# for (the walk then reads every document), and it costs a test of the tags array as a
# third of what it is (docs/performance.md has the measurements). So where it matters, paging counts the matches first (from the index
# alone, cheap) and chooses: walk when matches**2 > WALK_FACTOR * page * all rows, i.e.
# when walking tests fewer rows than gathering would fetch, a row test costing about four
# times a fetch.
WALK_FACTOR = 4


def paginate(queryset, params, *, search=None, columns=None, total=None, count_first=False,
             default_size: int = DEFAULT_PAGE_SIZE) -> Page:
    """Return one page of ``params`` (a QueryDict). Ordering: relevance when ``search`` (the
    SearchQuery ``queryset`` was filtered by) is given, else newest|oldest.

    ``columns`` ({name: expression}) are read with the page's rows, e.g. each row's stored
    list row (selectors.summary_column); ``total`` is an expression for the size of the
    whole set (selectors.total_column), read in the same statement: one round trip for a
    page, its rows and its count. ``count_first`` (for sets the planner misjudges: several
    filters) reads the total first and chooses how to find the page by it (WALK_FACTOR)."""
    columns = columns or {}
    tally = None
    ranked = search is not None
    size = page_size(params) if params.get("page_size") else default_size
    ordering = params.get("ordering") or ("relevance" if ranked else "newest")
    if ordering not in ("newest", "oldest", "relevance"):
        raise PageError("ordering", "Use newest, oldest or relevance.")
    if ordering == "relevance" and not ranked:
        ordering = "newest"  # without a search every row is equally relevant
    kind = {"newest": "n", "oldest": "o", "relevance": "r"}[ordering]
    after = None
    cursor = params.get("cursor")
    if cursor:
        cursor_kind, key, last_id = decode(cursor)
        if cursor_kind != kind:
            raise PageError("cursor", "This cursor belongs to another ordering.")
        if kind == "r":  # key: [rank, published_at]
            try:
                rank, when = key
                when = datetime.datetime.fromisoformat(when)
                if isinstance(rank, bool) or not isinstance(rank, (int, float)) or not isinstance(last_id, int):
                    raise ValueError
            except (TypeError, ValueError):
                raise PageError("cursor", "This cursor is not valid.") from None
            after = Q(rank__lt=rank) | Q(rank=rank, published_at__lt=when) | Q(rank=rank, published_at=when, pk__lt=last_id)
            if rank <= 0:
                # Past the matches with the words in their title (a rank is never below 0), every
                # row after the cursor is as old or older: the redundant bound lets both tiers seek
                # the publication index instead of ranking and discarding what comes before.
                after = Q(published_at__lte=when) & after
        else:
            try:
                key = datetime.datetime.fromisoformat(key)
            except (TypeError, ValueError):
                raise PageError("cursor", "This cursor is not valid.") from None
            # The first, redundant condition is what the index can seek to: without it the OR is
            # only a filter, and page 1,000 reads the 50,000 rows before it (docs/performance.md).
            if kind == "o":
                after = Q(published_at__gte=key) & (Q(published_at__gt=key) | Q(published_at=key, pk__gt=last_id))
            else:
                after = Q(published_at__lte=key) & (Q(published_at__lt=key) | Q(published_at=key, pk__lt=last_id))
    if kind == "r":
        rows, total = _ranked_rows(queryset, search, after, size, columns)
    else:
        walk = True
        if total is not None and count_first:
            everything, total = _probe(total)
            if isinstance(total, dict):  # a tally: the size and more, counted in the same pass (selectors.total_column)
                tally, total = total, total["n"]
            total = total or 0
            walk = _walks(total, size, everything)
        elif total is not None:
            columns = {**columns, "total": total}
            queryset = queryset.annotate(total=total)  # over the whole set: before the cursor's filter
        if after is not None:
            queryset = queryset.filter(after)
        queryset = queryset.order_by(*_by_publication(walk, newest_first=kind != "o"))
        rows = list(queryset.annotate(**{k: v for k, v in columns.items() if k != "total"}).values_list(*ROW, *columns, named=True)[: size + 1])
        if "total" in columns:
            total = rows[0].total if rows else 0 if after is None else None
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        key = [last.rank, last.published_at.isoformat()] if kind == "r" else last.published_at.isoformat()
        next_cursor = encode([kind, key, last.pk])
    return Page(rows, next_cursor, total, tally)


def _ranked_rows(queryset, search, after, size, columns):
    """One page (plus one row) of a search by relevance, and the number of matches (None
    when it was not counted on the way: a later page of a phrase search).

    Phrases (and exclusions) are the costly case: the index only finds candidates, and
    each candidate's document is read to check it, so the matches are found once and
    counted and ranked in that same pass. Other searches are counted from the index alone
    (cheap), and the count decides how the page is found (WALK_FACTOR)."""

    everything, query_text = _probe(Cast(search, TextField()))
    if query_text is None or "<" in query_text or "!" in query_text:
        matches = ranked(queryset, search).order_by("-rank", "-published_at", "-pk").annotate(**columns)
        if after is not None:
            return list(matches.filter(after).values_list(*ROW, "rank", *columns, named=True)[: size + 1]), None
        rows = list(matches.annotate(match_count=Window(Count("pk"))).values_list(*ROW, "rank", *columns, "match_count", named=True)[: size + 1])
        return rows, (rows[0].match_count if rows else 0)
    total = queryset.count()
    titled, rest = ranked_tiers(queryset, search)
    if after is not None:
        titled, rest = titled.filter(after), rest.filter(after)
    walk = _walks(total, size, everything)
    rest = rest.order_by(*_by_publication(walk))
    titled = titled.order_by("-rank", "-published_at", "-pk").annotate(**columns).values_list(*ROW, "rank", *columns, named=True)[: size + 1]
    rest = rest.annotate(**columns).values_list(*ROW, "rank", *columns, named=True)[: size + 1]
    tiers = [tier for tier in (titled, rest) if not tier.query.is_empty()]
    if len(tiers) < 2:  # a filter that matches nothing (Django would return the other tier, sliced, for the union)
        return (list(tiers[0]) if tiers else []), total
    return list(titled.union(rest, all=True).order_by("-rank", "-published_at", "-pk")[: size + 1]), total


def _by_publication(walk: bool, newest_first: bool = True):
    """Publication order: along the publication index (a walk), or by an expression no index
    gives ("+ 0 s"), so the planner gathers the matches and sorts them."""
    when = F("published_at") if walk else ExpressionWrapper(F("published_at") + datetime.timedelta(0), output_field=DateTimeField())
    return (when.desc(), F("pk").desc()) if newest_first else (when.asc(), F("pk").asc())


def _walks(matches: int, size: int, everything: int) -> bool:
    return matches * matches > WALK_FACTOR * (size + 1) * everything


def _probe(expression):
    """(number of public incidents, ``expression``) in one indexed read. No total row means
    nothing was ever published, so every set is empty."""

    row = (PublicCount.objects.filter(scope="", scope_key="", dimension="total", key="")
           .annotate(value=expression).values_list("n", "value").first())
    return row or (0, None)
