"""Reads. Every public surface starts from ``public_incidents()``, which starts from
``Incident.objects.public()``: the one rule of what the public may see.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear, JSONObject

from .models import Incident, IncidentSource, Organization, Outcome, Source, System

SUMMARY_FIELDS = ("id", "public_id", "title", "incident_date", "date_precision", "country", "region", "city",
                  "identification_mode", "error_type", "affected_minor", "version", "published_at")


def with_summary(queryset):
    """Load what a list row shows in the page's one query: no narrative, and the related
    names as arrays built by PostgreSQL rather than three prefetches of model instances."""
    through_sys = Incident.systems.through.objects.filter(incident_id=OuterRef("pk")).order_by("system__name", "system_id")
    through_ops = Incident.operators.through.objects.filter(incident_id=OuterRef("pk")).order_by("organization__name", "organization_id")
    return queryset.only(*SUMMARY_FIELDS).annotate(
        summary_systems=ArraySubquery(through_sys.values(json=JSONObject(slug="system__slug", name="system__name"))),
        summary_operators=ArraySubquery(through_ops.values(json=JSONObject(slug="organization__slug", name="organization__name"))),
        summary_outcomes=ArraySubquery(Outcome.objects.filter(incident_id=OuterRef("pk")).order_by("position", "id").values("type")),
        summary_source_types=ArraySubquery(IncidentSource.objects.filter(incident_id=OuterRef("pk")).values("source__source_type")),
    )


def public_incidents():
    """Return the incidents the public may see, newest publication first."""
    return Incident.objects.public().order_by("-published_at", "-id")


def public_incident(public_id: str):
    """Return the public record with this id, or None."""
    return public_incidents().filter(public_id=public_id).only("id", "public_id", "redacted_at", "public_json").first()


def record_of(incident) -> dict:
    """The public record of a public incident: the stored one (kept current on every change,
    see record_sql.py), or built now if none is stored."""
    import json

    from .interchange import public_record

    stored = incident.__dict__.get("public_json")
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


def public_systems():
    """Return systems that appear in at least one public incident, with their counts."""
    public = Incident.objects.public()
    return System.objects.select_related("vendor").annotate(
        incident_count=Count("incidents", filter=Q(incidents__in=public), distinct=True)
    ).filter(incident_count__gt=0)


def public_organizations():
    public = Incident.objects.public()
    return Organization.objects.annotate(
        incident_count=Count("operated_incidents", filter=Q(operated_incidents__in=public), distinct=True),
        system_count=Count("systems_made", filter=Q(systems_made__incidents__in=public), distinct=True),
    ).filter(Q(incident_count__gt=0) | Q(system_count__gt=0))


def counts_by(incidents, group: str) -> list[tuple[str, str, int]]:
    """Return [(key, label, count)] of ``incidents`` grouped by one dimension, largest first.

    Counts are of distinct incidents, so an incident with two systems counts once per system.
    """
    ids = incidents.order_by().values("pk")
    # Group on the link tables (one row per incident and system), then name the few groups:
    # no DISTINCT over a join, which at 100,000 incidents was most of the time.
    if group in ("system", "operator"):
        through, column, model = ((Incident.systems.through, "system_id", System) if group == "system"
                                  else (Incident.operators.through, "organization_id", Organization))
        counts = dict(through.objects.filter(incident_id__in=ids).values(column).annotate(n=Count("incident_id")).values_list(column, "n").order_by())
        names = {pk: (slug, name) for pk, slug, name in model.objects.filter(pk__in=list(counts)).values_list("pk", "slug", "name")}
        return sorted(((*names[pk], n) for pk, n in counts.items()), key=lambda r: (-r[2], r[1]))
    if group == "vendor":
        rows = (Incident.systems.through.objects.filter(incident_id__in=ids, system__vendor__isnull=False)
                .values("system__vendor__slug", "system__vendor__name").annotate(n=Count("incident_id", distinct=True)).order_by())
        return sorted(((r["system__vendor__slug"], r["system__vendor__name"], r["n"]) for r in rows), key=lambda r: (-r[2], r[1]))
    if group == "outcome":
        from .choices import OutcomeType

        rows = Outcome.objects.filter(incident_id__in=ids).values("type").annotate(n=Count("incident_id", distinct=True)).order_by()
        return sorted(((r["type"], OutcomeType(r["type"]).label, r["n"]) for r in rows), key=lambda r: (-r[2], r[0]))
    if group == "year":
        rows = incidents.exclude(incident_date=None).annotate(y=ExtractYear("incident_date")).values("y").annotate(n=Count("id")).order_by("y")
        return [(str(r["y"]), str(r["y"]), r["n"]) for r in rows]
    if group in ("country", "error_type", "identification_mode"):
        from .choices import ErrorType, IdentificationMode
        from .drafts import country_name

        labels = {"country": country_name, "error_type": lambda v: ErrorType(v).label, "identification_mode": lambda v: IdentificationMode(v).label}[group]
        rows = incidents.order_by().values(group).annotate(n=Count("id"))
        return sorted(((r[group], labels(r[group]), r["n"]) for r in rows), key=lambda r: (-r[2], r[0]))
    if group == "evidence":
        from .evidence import EvidenceLevel, level_expression

        rows = incidents.order_by().annotate(level=level_expression()).values("level").annotate(n=Count("id"))
        order = list(EvidenceLevel.values)
        return sorted(((r["level"], EvidenceLevel(r["level"]).label, r["n"]) for r in rows), key=lambda r: order.index(r[0]))
    if group == "has_minor":
        rows = incidents.order_by().values("affected_minor").annotate(n=Count("id"))
        label = {True: "Minor involved", False: "No minor", None: "Unknown"}
        return [(str(r["affected_minor"]).lower() if r["affected_minor"] is not None else "unknown", label[r["affected_minor"]], r["n"]) for r in rows]
    raise ValueError(f"Unknown grouping {group!r}.")


STAT_GROUPS = ("system", "operator", "vendor", "country", "year", "error_type", "identification_mode", "outcome", "evidence", "has_minor")


def history_public(incident) -> list:
    """Return the public versions of a record, oldest first, each with ``public_changes``.

    The stored versions are append-only, so a redaction cannot rewrite them; instead every
    field a redaction touched is hidden in each version before it. The API and the pages
    both read ``public_changes``, never ``changes``.
    """
    from .choices import Action
    from .models import ModerationEvent

    redactions = []
    if incident.redacted_at is not None:  # most records never had one: no query for them
        redactions = [e for e in ModerationEvent.objects.filter(incident=incident, action=Action.REDACT).values_list("changes", flat=True)
                      if isinstance(e, dict)]
    versions = list(incident.versions.order_by("number").only("number", "at", "note", "changes"))
    for version in versions:
        hidden = {field for r in redactions if version.number < r.get("version", 0) for field in r.get("fields", [])}
        version.public_changes = {
            field: ([REDACTED_EARLIER, REDACTED_EARLIER] if field in hidden else change) for field, change in (version.changes or {}).items()
        }
    return versions


REDACTED_EARLIER = "[hidden: personal details were later removed from this field]"


def incidents_of_system(incidents, system):
    return incidents.filter(Exists(Incident.systems.through.objects.filter(incident_id=OuterRef("pk"), system=system)))


def incidents_of_organization(incidents, org):
    """Return the incidents where ``org`` operated the system or made it, without duplicates."""
    operated = Incident.operators.through.objects.filter(incident_id=OuterRef("pk"), organization=org)
    made = Incident.systems.through.objects.filter(incident_id=OuterRef("pk"), system__vendor=org)
    return incidents.filter(Exists(operated) | Exists(made))


def public_system(slug):
    return public_systems().filter(slug=slug).first()


def public_organization(slug):
    return public_organizations().filter(slug=slug).first()


def public_source(source_id: int):
    """Return a source cited by at least one public incident, with its preserved copy, or None.

    A source only a draft cites stays private, copy included."""
    cited = IncidentSource.objects.filter(source_id=OuterRef("pk"), incident__in=Incident.objects.public())
    return Source.objects.select_related("preserved").filter(pk=source_id).filter(Exists(cited)).first()
