"""Reads. Every public surface starts from ``public_incidents()``, which starts from
``Incident.objects.public()``: the one rule of what the public may see.

What the public reads of a record comes from the read model (``models.PublicRecord``, one
row per public incident, written only by ``public.store.refresh`` and removed by a database
trigger the moment a record stops being public): lists, filters, counts and stats run on
``public_facts()``, and the detail, list rows and exports read the row's stored texts.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from ..choices import Action, ErrorType, IdentificationMode, OutcomeType, SourceType, Status
from ..countries import country_name
from ..evidence import ClaimAbout, ClaimStatus, EvidenceLevel
from ..models import (
    ClaimSource,
    Deployment,
    Incident,
    IncidentSource,
    ModerationEvent,
    Organization,
    PublicCount,
    PublicRecord,
    Source,
    System,
)
from .counts import COUNTED, DIMENSIONS, grouped_counts, kept_counts, tag
from .format import public_record
from .splits import (  # noqa: F401  (the read side's one namespace for views)
    attributed_to,
    attribution_splits,
    ordered_split,
    split_column,
    split_of,
    splits_by_slug,
)


def public_incidents():
    """Return the incidents the public may see, newest publication first."""
    return Incident.objects.public().order_by("-published_at", "-id")


def public_facts():
    """Return the public set as read-model rows, newest publication first: what filters, pages, counts and exports run on."""
    return PublicRecord.objects.order_by("-published_at", "-incident_id")


def summary_column():
    """Each row's stored list row, as the ``list_row`` column of its page query (pagination's ``columns``):
    PostgreSQL reads it after the sort and limit, for the page's rows only."""
    return F("summary")


def total_column(facts, scope=None, attributing=None):
    """The size of a filtered facts set, as a column of its page query (pagination's
    ``total``): the kept count of a kept scope (see IncidentFilter.scope), else a count of
    the set, computed once for the statement. Counted, with one attributing filter
    (``attributing``), it is a tally counted in the same pass: {"n": size, "<key>:<status>": n}
    (the split ``attribution_splits`` reads from ``Page.tally``)."""
    if scope is None and attributing and len(attributing) == 1 and all(attributing.values()):
        try:
            inner, params = facts.order_by().values("attributions").query.sql_with_params()
        except EmptyResultSet:
            return Value(0)
        (kind, keys), = attributing.items()
        pairs = [(f"{key}:{status}", f"{DIMENSIONS[kind].prefix}:{key}:{status}") for key in keys for status in ClaimStatus.values]
        counts = ", ".join("%s, count(*) FILTER (WHERE f.attributions @> ARRAY[%s]::varchar[])" for _ in pairs)
        return RawSQL(f"(SELECT json_build_object('n', count(*), {counts}) FROM ({inner}) f)",
                      [*(value for pair in pairs for value in pair), *params])
    if scope is not None:
        n = PublicCount.objects.filter(scope=scope[0], scope_key=scope[1], dimension="total", key="").values("n")[:1]
    else:
        n = facts.order_by().values(n=Func(template="COUNT(*)", output_field=IntegerField()))
    return Coalesce(Subquery(n), 0)


def summaries(facts_rows) -> list[dict]:
    """Return the list rows (``format.summary_record``) of these read-model rows, in their order:
    read with the page (``summary_column``) or in one query, and one small JSON parse per row."""
    ids = [row.pk for row in facts_rows]
    if not ids:
        return []
    if hasattr(facts_rows[0], "list_row"):  # read with the page (summary_column)
        stored = {row.pk: row.list_row for row in facts_rows}
    else:
        stored = dict(PublicRecord.objects.filter(pk__in=ids).values_list("pk", "summary"))
    return [json.loads(stored[pk]) for pk in ids if pk in stored]


def incidents_in(facts):
    """Return the public incidents of a filtered read-model set, newest first."""
    return public_incidents().filter(pk__in=facts.order_by().values("incident_id"))


def public_incident(public_id: str):
    """Return the public record with this id, or None; its stored record comes with it.

    Read from the read model by its unique public id (a row exists only for a published
    incident); a published incident a missed refresh left without a row is still found,
    through ``public_incidents()``, and its record built on the spot (``record_of``)."""
    row = PublicRecord.objects.filter(public_id=public_id).select_related("incident").only(
        "record", "incident__id", "incident__public_id", "incident__redacted_at").first()
    if row is None:
        return public_incidents().filter(public_id=public_id).only("id", "public_id", "redacted_at").first()
    incident = row.incident
    incident.stored_record = row.record
    return incident


def record_of(incident) -> dict:
    """The public record of a public incident: the read model's (kept current on every
    change), or built now if its row is missing."""
    stored = getattr(incident, "stored_record", None)
    return json.loads(stored) if stored else public_record(incident)


def identified_incident(public_id: str):
    """Return any record that once had this public id (published, withdrawn or merged), or None.

    Used only to answer a redirect or a 410; callers show nothing but the status,
    the withdrawal reason and the canonical id.
    """
    return Incident.objects.select_related("merged_into").filter(public_id=public_id).only(
        "id", "public_id", "status", "withdrawn_reason", "merged_into__public_id", "merged_into__status", "merged_into__merged_into_id"
    ).first()


def canonical_of(incident):
    """Follow merges to the record that stands now (merges can chain)."""
    seen = set()
    while incident is not None and incident.merged_into_id and incident.pk not in seen:
        seen.add(incident.pk)
        incident = Incident.objects.only("id", "public_id", "status", "merged_into_id", "withdrawn_reason").get(pk=incident.merged_into_id)
    return incident


def where_now(public_id: str):
    """For an id that is not public now, say where it stands: ("moved", canonical) when it was
    merged into a published record, ("gone", record) when it or what it was merged into was
    withdrawn, or None (never published: answer 404). API and pages both answer from this."""
    record = identified_incident(public_id)
    if record is None or record.status not in ("merged", "withdrawn"):
        return None
    if record.status == "merged":
        record = canonical_of(record)
        if record.status == "published":
            return "moved", record
    return ("gone", record) if record.status == "withdrawn" else None


def _kept(dimension):
    """The kept count of public incidents with this system / organization (0 when none)."""
    kept = PublicCount.objects.filter(scope="", scope_key="", dimension=dimension, key=Cast(OuterRef("pk"), CharField())).values("n")
    return Coalesce(Subquery(kept, output_field=IntegerField()), 0)


def public_systems():
    """Return systems that appear in at least one public incident, with their counts."""
    deployed = Exists(Deployment.objects.filter(system=OuterRef("pk"), status=Status.PUBLISHED))
    return System.objects.select_related("vendor").annotate(incident_count=_kept("system"), deployed=deployed).filter(
        Q(incident_count__gt=0) | Q(deployed=True))


def public_organizations():
    """Return organizations that operated or made a system in at least one public incident."""
    deployed = Exists(Deployment.objects.filter(Q(operator=OuterRef("pk")) | Q(system__vendor=OuterRef("pk")), status=Status.PUBLISHED))
    return Organization.objects.annotate(incident_count=_kept("operator"), made_count=_kept("vendor"), deployed=deployed).filter(
        Q(incident_count__gt=0) | Q(made_count__gt=0) | Q(deployed=True))


def counts_by(facts, group: str, scope=None) -> list[tuple[str, str, int]]:
    """Return [(key, label, count)] of the facts set ``facts`` grouped by one dimension."""
    return facet_counts(facts, [group], scope)[1][group]


def count(facts, scope=None) -> int:
    """The number of incidents in a filtered facts set (read, not counted, for a kept scope)."""
    if scope is None:
        return facts.count()
    return kept_counts(scope, [])[0]


def facet_counts(facts, groups, scope=None, *, search=False) -> tuple[int, dict[str, list[tuple[str, str, int]]]]:
    """Return (total, {group: [(key, label, count)]}) for several groupings of one filtered
    facts set, in one counting query plus one naming query per kind of named thing.

    ``scope`` says the set is one whose counts are kept ready (``IncidentFilter.scope()``,
    e.g. ("", "") for everything, ("system", "12") for one system): then they are read, not
    counted (``counts.kept_counts``).

    Counts are of incidents: an incident with two systems counts once for each of them.
    Named groups (systems, organizations) and plain ones come largest first, years in order,
    evidence levels strongest first.
    """
    unknown = [g for g in groups if g not in DIMENSIONS or not DIMENSIONS[g].counted]
    if unknown:
        raise ValueError(f"Unknown grouping {unknown[0]!r}.")
    total, raw = kept_counts(scope, groups) if scope is not None else grouped_counts(facts, groups, costly_filter=search)
    result = {}
    for group in dict.fromkeys(groups):
        counts = raw[group]
        if group in ("system", "operator", "vendor"):
            model = System if group == "system" else Organization
            names = {str(pk): (slug, name) for pk, slug, name in model.objects.filter(pk__in=[int(k) for k in counts]).values_list("pk", "slug", "name")}
            rows = sorted(((*names[k], n) for k, n in counts.items() if k in names), key=lambda r: (-r[2], r[1]))
        elif group == "year":
            rows = [(k, k, counts[k]) for k in sorted((k for k in counts if k is not None), key=int)]
        elif group == "evidence":
            rows = [(level.value, level.label, counts[level.value]) for level in EvidenceLevel if level.value in counts]
        elif group == "has_minor":
            labels = {"true": _("Minor involved"), "false": _("No minor"), None: _("Unknown")}
            rows = [(k or "unknown", labels[k], counts[k]) for k in ("true", "false", None) if k in counts]
        else:
            label = {"country": country_name, "error_type": lambda v: ErrorType(v).label, "outcome": lambda v: OutcomeType(v).label,
                     "identification_mode": lambda v: IdentificationMode(v).label}[group]
            rows = sorted(((k, label(k), n) for k, n in counts.items()), key=lambda r: (-r[2], r[0]))
        result[group] = rows
    return total, result


STAT_GROUPS = tuple(COUNTED)  # every counted dimension (public.counts.DIMENSIONS)


def history_public(incident) -> list:
    """Return the public versions of a record, oldest first, each with ``public_changes``.

    The stored versions are append-only, so a redaction cannot rewrite them; instead every
    field a redaction touched is hidden in each version before it. The API and the pages
    both read ``public_changes``, never ``changes``.
    """
    redactions = []
    if incident.redacted_at is not None:  # most records never had one: no query for them
        # A redaction that scrubbed the earlier versions themselves needs nothing hidden.
        redactions = [e for e in ModerationEvent.objects.filter(incident=incident, action=Action.REDACT).values_list("changes", flat=True)
                      if isinstance(e, dict) and not e.get("scrubbed")]
    versions = list(incident.versions.order_by("number").only("number", "at", "note", "changes"))
    for version in versions:
        hidden = {field for r in redactions if version.number < r.get("version", 0) for field in r.get("fields", [])}
        version.public_changes = {
            field: ([REDACTED_EARLIER, REDACTED_EARLIER] if field in hidden else change) for field, change in (version.changes or {}).items()
        }
    return versions


REDACTED_EARLIER = "[hidden: personal details were later removed from this field]"


def version_public(incident, number: int) -> tuple[dict, object] | None:
    """(snapshot, version) of one public version of a record, as it was published, with every
    field a later (older-style, unscrubbed) redaction touched hidden, as ``history_public``
    hides it in the diffs; None if there is no such version."""
    version = incident.versions.filter(number=number).only("number", "at", "note", "snapshot").first()
    if version is None or not version.snapshot:
        return None
    snapshot = json.loads(json.dumps(version.snapshot))
    if incident.redacted_at is not None:
        for event in ModerationEvent.objects.filter(incident=incident, action=Action.REDACT).values_list("changes", flat=True):
            if isinstance(event, dict) and not event.get("scrubbed") and number < event.get("version", 0):
                for path in event.get("fields", []):
                    _hide(snapshot, path.split("."))
    return snapshot, version


def _hide(value, path: list[str]) -> None:
    head, rest = path[0], path[1:]
    key = int(head) if isinstance(value, list) and head.isdigit() else head
    try:
        if rest:
            _hide(value[key], rest)
        elif value[key]:
            value[key] = REDACTED_EARLIER
    except (KeyError, IndexError, TypeError):
        pass


def incidents_of_system(facts, system):
    return facts.filter(tags__contains=[tag("system", system.pk)])


def system_scope(system) -> tuple[str, str]:
    """The kept-counts scope of ``incidents_of_system(public_facts(), system)``."""
    return ("system", str(system.pk))


def incidents_of_organization(facts, org):
    """Return the facts of incidents where ``org`` operated the system or made it."""
    return facts.filter(tags__overlap=[tag("operator", org.pk), tag("vendor", org.pk)])


def public_system(slug):
    return public_systems().filter(slug=slug).first()


def public_organization(slug):
    return public_organizations().filter(slug=slug).first()


def public_source(source_id: int):
    """Return a source cited by at least one public incident, with its preserved copy, or None.

    A source only a draft cites stays private, copy included. So does the copy of a source
    a redacted record cites: the article may name the person whose name was removed, and a
    redaction cannot edit somebody else's document."""
    cited = IncidentSource.objects.filter(source_id=OuterRef("pk"), incident__in=Incident.objects.public())
    redacted = cited.filter(incident__redacted_at__isnull=False)
    return Source.objects.select_related("preserved").filter(pk=source_id).filter(Exists(cited)).exclude(Exists(redacted)).first()


def official_responses(facts, limit: int = 50) -> list:
    """The operators' and vendors' own responses (sources of type ``official_response``) cited
    by these public incidents, newest first: the right of reply a system's or organisation's
    page shows, or says it found none. Each carries ``answers``: the claims of its case it is
    attached to (supporting or contradicting), with their status."""
    responses = list(IncidentSource.objects.filter(incident_id__in=facts.order_by().values("incident_id"), source_type=SourceType.OFFICIAL_RESPONSE)
                     .select_related("source", "incident").only("title", "publisher", "published_date", "date_precision", "source__url", "source_id",
                                                                   "incident__public_id", "incident__title")
                     .order_by(F("published_date").desc(nulls_last=True), "-id")[:limit])
    # A response answers a claim only where a moderator or submitter attached it (a ClaimSource):
    # the records are read for those cases alone.
    answering = set(ClaimSource.objects.filter(source_id__in={r.source_id for r in responses},
                                               claim__incident_id__in={r.incident_id for r in responses}).values_list("claim__incident_id", flat=True))
    parts = dict(PublicRecord.objects.filter(pk__in=answering).values_list("pk", RawSQL(
        "(SELECT jsonb_build_object('claims', x.r -> 'claims', 'sources', (SELECT jsonb_agg(jsonb_build_array(s -> 'url', s -> 'title')) "
        "FROM jsonb_array_elements(x.r -> 'sources') AS s)) FROM (SELECT record::jsonb AS r) AS x)", [], output_field=JSONField()))) if answering else {}
    for response in responses:
        claims, sources = (parts.get(response.incident_id) or {}).get("claims"), (parts.get(response.incident_id) or {}).get("sources")
        positions = {i for i, (url, title) in enumerate(sources or []) if url == (response.source.url or None) and title == response.title}
        response.answers = [{"about": ClaimAbout(c["about"]).label, "value": c["value"], "status": c["status"],
                             "status_label": ClaimStatus(c["status"]).label, "denies": bool(positions & set(c["contradicted_by"]))}
                            for c in claims or [] if positions & set(c["sources"] + c["contradicted_by"])]
    return responses
