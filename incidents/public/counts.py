"""The facet dimensions, and counts over the public read model.

``DIMENSIONS`` is the one table of what the public can filter and count by: each
dimension's read-model column, whether it holds several values, the prefix of its tag
(``PublicRecord.tags``, set by a database trigger from the row's own columns) and whether
the kept counts (``PublicCount``, migration 0007) count it. Filters, facets, stats, kept
counts and pages read it.

``grouped_counts`` answers several groupings of any filtered set in one statement (one
round trip). ``kept_counts`` reads the same answers, ready-made, for the whole registry and
for one value of a dimension: ``PublicCount``, kept by triggers on the read model.
"""

from typing import NamedTuple

from django.core.exceptions import EmptyResultSet

from ..models import PublicCount
from ..replicas import read_connection


class Dimension(NamedTuple):
    prefix: str  # of its tags: "s:12"
    column: str  # in the read model
    many: bool  # an array of values
    counted: bool  # kept in PublicCount, and a grouping of counts


DIMENSIONS = {
    "system": Dimension("s", "system_ids", True, True),
    "operator": Dimension("op", "operator_ids", True, True),
    "vendor": Dimension("v", "vendor_ids", True, True),
    "technology": Dimension("t", "technologies", True, False),
    "outcome": Dimension("o", "outcome_types", True, True),
    "contributing_factor": Dimension("f", "contributing_factors", True, False),
    "country": Dimension("c", "country", False, True),
    "identification_mode": Dimension("m", "identification_mode", False, True),
    "error_type": Dimension("e", "error_type", False, True),
    "evidence": Dimension("ev", "evidence", False, True),
    "year": Dimension("y", "year", False, True),
    "has_minor": Dimension("minor", "affected_minor", False, True),
}
COUNTED = [name for name, d in DIMENSIONS.items() if d.counted]


def tag(kind: str, value) -> str:
    """The tag of one value, as the trigger writes it (booleans as true/false)."""
    if isinstance(value, bool):
        value = str(value).lower()
    return f"{DIMENSIONS[kind].prefix}:{value}"


def grouped_counts(facts, groups, *, costly_filter: bool = False) -> tuple[int, dict[str, dict]]:
    """Return (total, {group: {key: count}}) over the facts queryset ``facts``, in one query.

    An incident counts once per value it has: once for each of its systems, once for each
    outcome type (the arrays hold distinct values). ``costly_filter`` (a full-text search)
    reads the filtered set once into a materialized CTE rather than once per grouping."""
    groups = list(dict.fromkeys(groups))
    try:
        inner, params = facts.order_by().values(*{DIMENSIONS[g].column for g in groups} or {"pk"}).query.sql_with_params()
    except EmptyResultSet:
        return 0, {g: {} for g in groups}
    parts = ["SELECT '' AS g, NULL::text AS k, count(*) AS n FROM ({inner}) f"]
    for group in groups:
        column, is_array = DIMENSIONS[group].column, DIMENSIONS[group].many
        if is_array:
            parts.append(f"SELECT '{group}', k::text, count(*) FROM ({{inner}}) f, unnest(f.{column}) AS k GROUP BY k")
        else:
            parts.append(f"SELECT '{group}', f.{column}::text, count(*) FROM ({{inner}}) f GROUP BY f.{column}")
    # Each grouping reads the filtered set itself (an index scan for a narrow filter): a shared
    # materialized set spills to disk on large sets and was twice as slow. A search is
    # the exception: matching is the costly part, so it is done once.
    if costly_filter:
        sql = f"WITH m AS MATERIALIZED ({inner}) " + " UNION ALL ".join(part.format(inner="SELECT * FROM m") for part in parts)
    else:
        sql = " UNION ALL ".join(part.format(inner=inner) for part in parts)
        params = tuple(params) * len(parts)
    counts = {g: {} for g in groups}
    total = 0
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        for group, key, n in cursor.fetchall():
            if group == "":
                total = n
            else:
                counts[group][key] = n
    return total, counts


def kept_counts(scope: tuple[str, str], groups) -> tuple[int, dict[str, dict]]:
    """Return (total, {group: {key: count}}) for a scope kept in ``PublicCount``: ("", "") for
    every public incident, ("system", "<id>") for those of one system, and so on. Same keys as
    ``grouped_counts``; one indexed read instead of counting."""
    groups = list(dict.fromkeys(groups))
    rows = PublicCount.objects.filter(scope=scope[0], scope_key=scope[1], dimension__in=["total", *groups], n__gt=0)
    counts, total = {g: {} for g in groups}, 0
    for dimension, key, n in rows.values_list("dimension", "key", "n"):
        if dimension == "total":
            total = n
        else:
            counts[dimension][key if key != "" or dimension not in ("year", "has_minor") else None] = n
    return total, counts


ATTRIBUTION_PREFIX = {kind: DIMENSIONS[kind].prefix for kind in ("system", "vendor", "operator", "technology")}


def attribution_counts(facts, kind: str, keys=None, scope=None) -> dict[str, dict[str, int]]:
    """{key: {status: count}}: how many incidents of ``facts`` attribute each value of ``kind``
    (a system id, a technology code...) with each claim status; only ``keys`` when given.

    Read from the kept counts when ``facts`` is everything (``scope`` ("", "")) or that one
    value (("system", "12")); counted in one query otherwise. Denied attributions are counted
    too: a list without the qualifier leaves their cases out, a split says how many there are."""
    keys = None if keys is None else [str(k) for k in keys]
    if scope == ("", "") or (scope is not None and scope[0] == kind and (keys is None or keys == [scope[1]])):
        rows = PublicCount.objects.filter(scope=kind, dimension="attribution", n__gt=0)
        rows = rows.filter(scope_key__in=keys) if keys is not None else rows
        found = rows.values_list("scope_key", "key", "n")
    else:
        try:
            inner, params = facts.order_by().values("attributions").query.sql_with_params()
        except EmptyResultSet:
            return {}
        where = "split_part(a, ':', 1) = %s" + (" AND split_part(a, ':', 2) = ANY(%s)" if keys is not None else "")
        sql = (f"SELECT split_part(a, ':', 2), split_part(a, ':', 3), count(*) FROM ({inner}) f, unnest(f.attributions) a "
               f"WHERE {where} GROUP BY 1, 2")
        with read_connection().cursor() as cursor:
            cursor.execute(sql, (*params, ATTRIBUTION_PREFIX[kind], *([keys] if keys is not None else [])))
            found = cursor.fetchall()
    result: dict[str, dict[str, int]] = {}
    for key, status, n in found:
        result.setdefault(key, {})[status] = n
    return result
