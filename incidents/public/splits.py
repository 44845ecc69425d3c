"""How many public incidents attribute a system, vendor, operator or technology with each claim
status (confirmed, reported, alleged, disputed, denied): the split lists, system pages,
charts and statistics show beside their counts. Read from the kept counts where they hold it,
else counted, preferably in the same statement as the page (a column or the total's tally).
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Q
from django.db.models.expressions import RawSQL

from ..evidence import ClaimStatus
from ..models import Organization, System
from ..replicas import read_connection
from .counts import DIMENSIONS, attribution_counts


def ordered_split(counts: dict[str, int]) -> dict[str, int]:
    """A split by claim status in the order of the statuses (confirmed first), without zeros."""
    return {status.value: counts[status.value] for status in ClaimStatus if counts.get(status.value)}


def attribution_splits(facts, attributing: dict[str, list], scope=None, slugs=None, page=None) -> dict[str, dict[str, dict[str, int]]]:
    """{kind: {slug or code: {status: count}}} for the attributing filters of a list (``IncidentFilter.attributing``,
    with its ``slugs``): how many of ``facts`` attribute each filtered system, vendor, operator or
    technology with each status. Read with the page when ``split_column`` gave it one (``page``:
    its rows, when there are any), else one query per kind."""
    result = {}
    for kind, keys in attributing.items():
        if page:
            counts: dict[str, dict[str, int]] = {}
            for pair, n in (page if isinstance(page, dict) else page[0].split).items():
                if pair == "n" or not n:
                    continue
                key, status = pair.rsplit(":", 1)
                counts.setdefault(key, {})[status] = n
        else:
            counts = attribution_counts(facts, kind, keys, scope)
            if scope is not None:  # read from the kept counts: the list leaves the denied out (no qualifier)
                counts = {k: {s: n for s, n in split.items() if s != ClaimStatus.DENIED} for k, split in counts.items()}
        if kind == "technology":
            result[kind] = {key: ordered_split(counts.get(key, {})) for key in keys}
            continue
        named = (slugs or {}).get(kind) or dict((System if kind == "system" else Organization).objects.filter(pk__in=keys).values_list("pk", "slug"))
        result[kind] = {named[pk]: ordered_split(counts.get(str(pk), {})) for pk in keys if pk in named}
    return result


def split_column(facts, attributing: dict[str, list], scope):
    """The split of a list filtered by one kind of attribution, as a column of its page query
    ({"<key>:<status>": count}): read from the kept counts for one system, vendor or operator
    alone, counted once for the statement otherwise. None for several kinds at once."""
    if len(attributing) != 1:
        return None
    (kind, keys), = attributing.items()
    if scope is not None and scope[0] == kind and [str(k) for k in keys] == [scope[1]]:
        # The list leaves the denied attributions out (no qualifier), so its split does too.
        return RawSQL("(SELECT coalesce(json_object_agg(c.scope_key || ':' || c.key, c.n), '{}'::json) FROM incidents_publiccount c "
                      "WHERE c.scope = %s AND c.scope_key = %s AND c.dimension = 'attribution' AND c.n > 0 AND c.key <> 'denied')",
                      [scope[0], scope[1]])
    try:
        inner, params = facts.order_by().values("attributions").query.sql_with_params()
    except EmptyResultSet:
        return None
    prefix = DIMENSIONS[kind].prefix
    wanted = [f"{prefix}:{key}:{status}" for key in keys for status in ClaimStatus.values]
    return RawSQL(f"(SELECT coalesce(json_object_agg(substr(x.a, {len(prefix) + 2}), x.n), '{{}}'::json) FROM "
                  f"(SELECT a, count(*) AS n FROM ({inner}) f, unnest(f.attributions) a WHERE a = ANY(%s) GROUP BY a) x)",
                  [*params, wanted])


def splits_by_slug(facts, kind: str, scope=None) -> dict[str, dict[str, int]]:
    """{slug: {status: count}} for every system, vendor or operator of ``facts`` (a statistics grouping):
    for the whole registry one read of the kept counts, named in the same query."""
    model = System if kind == "system" else Organization
    if scope == ("", ""):
        table = model._meta.db_table
        with read_connection().cursor() as cursor:
            cursor.execute(f"SELECT m.slug, c.key, c.n FROM incidents_publiccount c JOIN {table} m ON m.id::text = c.scope_key "
                           "WHERE c.scope = %s AND c.dimension = 'attribution' AND c.n > 0", [kind])
            found: dict[str, dict[str, int]] = {}
            for slug, status, n in cursor.fetchall():
                found.setdefault(slug, {})[status] = n
        return {slug: ordered_split(split) for slug, split in found.items()}
    counts = attribution_counts(facts, kind, None, scope)
    slugs = dict(model.objects.filter(pk__in=[int(k) for k in counts]).values_list("pk", "slug"))
    return {slugs[int(k)]: ordered_split(split) for k, split in counts.items() if int(k) in slugs}


def split_of(kind: str, key) -> dict[str, int]:
    """The split by status of one system's, vendor's, operator's or technology's public cases, denied
    attributions included (read from the kept counts: one query)."""
    return ordered_split(attribution_counts(None, kind, [key], ("", "")).get(str(key), {}))


def attributed_to(kind: str, pk) -> Q:
    """The public incidents that attribute this system, vendor or operator with any status, denied
    included: where a right of reply belongs, whatever the lists count."""
    prefix = DIMENSIONS[kind].prefix
    return Q(tags__overlap=[f"{prefix}:{pk}:{status}" for status in ClaimStatus.values])
