"""What the public may see of deployments: published ones only (``public_deployments``),
their record (``deployment_record``, schema wir-deployment/1), their filters, and the
documented incidents set beside a usage figure.

Deployments are few beside incidents, so they are read straight from their tables (one
query for the rows, a few prefetches); nothing here writes.
"""

import datetime

from django.db.models import Prefetch, Q

from ..choices import DeploymentKind, FigureKind, FigureProvenance, FigureQualifier, ReferenceDatabase, Status
from ..models import Deployment, DeploymentSource, Figure, Incident, Organization, System
from ..text import lookup_keys
from .format import _timestamp, organization_record, partial_date, system_record

SCHEMA_ID = "wir-deployment/1"
FLOOR_WARNING = ("Documented cases are a floor, not a rate: most wrongful identifications are never reported or never traced "
                 "to the system, and a use figure counts searches, not people. Do not read this as an error rate.")


def public_deployments():
    """Published deployments, with what their records show loaded."""
    public_incidents = Incident.objects.filter(status=Status.PUBLISHED).only("id", "public_id", "deployment_id", "incident_date").order_by("incident_date", "id")
    return (Deployment.objects.filter(status=Status.PUBLISHED).select_related("operator", "system__vendor")
            .prefetch_related(Prefetch("source_links", DeploymentSource.objects.select_related("source")),
                              Prefetch("figures", Figure.objects.select_related("source")),
                              Prefetch("incidents", public_incidents, to_attr="public_incidents"))
            .order_by("started", "id"))


def deployment_record(d: Deployment) -> dict:
    position = {link.source_id: i for i, link in enumerate(d.source_links.all())}
    return {
        "schema": SCHEMA_ID, "id": d.pk, "version": d.version, "kind": d.kind,
        "operator": organization_record(d.operator),
        "system": system_record(d.system) if d.system_id else None,
        "technology": d.technology, "country": d.country, "region": d.region, "city": d.city, "place": d.place,
        "started": partial_date(d.started, d.started_precision), "ended": partial_date(d.ended, d.ended_precision),
        "ongoing": d.ended is None,
        "reference_databases": list(d.reference_databases), "reference_note": d.reference_note, "summary": d.summary,
        "sources": [{"url": link.source.url, "title": link.title, "publisher": link.publisher, "source_type": link.source_type}
                    for link in d.source_links.all()],
        "figures": [{"kind": f.kind, "measure": f.measure, "qualifier": f.qualifier, "value": float(f.value), "unit": f.unit,
                     "period_start": f.period_start.isoformat() if f.period_start else None,
                     "period_end": f.period_end.isoformat() if f.period_end else None,
                     "provenance": f.provenance, "source": position.get(f.source_id)}
                    for f in d.figures.all()],
        "incidents": [i.public_id for i in (d.public_incidents if hasattr(d, "public_incidents")
                                            else d.incidents.filter(status=Status.PUBLISHED).order_by("incident_date", "id"))],
        "published_at": _timestamp(d.published_at), "updated_at": _timestamp(d.updated_at),
    }


def _named(model, value: str) -> list[int]:
    keys = lookup_keys(value)
    return list(model.objects.filter(lookup_keys__overlap=keys).values_list("id", flat=True)) if keys else []


def filtered(params) -> tuple[object, dict]:
    """Published deployments narrowed by query parameters; return (queryset, errors by parameter)."""
    qs, errors = public_deployments(), {}
    for name in params:
        if any("\x00" in value for value in params.getlist(name)):
            errors[name] = ["Null characters are not allowed."]
    if errors:
        return qs.none(), errors
    for name, model, field in (("system", System, "system_id__in"), ("operator", Organization, "operator_id__in")):
        values = [v for raw in params.getlist(name) for v in raw.split(",") if v.strip()]
        if values:
            qs = qs.filter(**{field: [pk for v in values for pk in _named(model, v)]})
    if params.get("country"):
        qs = qs.filter(country__in=[c.strip().upper() for c in params["country"].split(",")])
    if params.get("database"):
        qs = qs.filter(reference_databases__overlap=[v.strip() for v in params["database"].split(",")])
    if params.get("kind"):
        qs = qs.filter(kind__in=params["kind"].split(","))
    if params.get("technology"):
        qs = qs.filter(technology__in=params["technology"].split(","))
    for name in ("active_on", "active_after", "active_before"):
        raw = params.get(name)
        if not raw:
            continue
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            errors[name] = [f"Use a date as YYYY-MM-DD, not {raw!r}."]
            continue
        if name in ("active_on", "active_after"):  # still in use on or after the day
            qs = qs.filter(Q(ended__isnull=True) | Q(ended__gte=day))
        if name in ("active_on", "active_before"):  # begun by the day
            qs = qs.filter(Q(started__isnull=True) | Q(started__lte=day))
    return qs, errors


def documented_per_use(deployment: Deployment) -> list[dict]:
    """For each usage figure with a period: the published incidents of the same period linked to
    the deployment, or of its system and operator, set beside it, with the floor warning."""
    rows = []
    for figure in deployment.figures.all():
        if figure.kind != FigureKind.USAGE or not (figure.period_end or figure.period_start):
            continue
        start = figure.period_start or deployment.started or datetime.date(1900, 1, 1)
        end = figure.period_end or datetime.date.today()
        related = Q(deployment=deployment)
        if deployment.system_id:
            related |= Q(systems=deployment.system_id, operators=deployment.operator_id)
        found = list(Incident.objects.filter(related, status=Status.PUBLISHED, incident_date__range=(start, end))
                     .values_list("public_id", flat=True).distinct().order_by("public_id"))
        per = float(figure.value) / len(found) if found else None
        rows.append({"figure": figure, "start": start, "end": end, "incidents": found, "count": len(found),
                     "one_in": round(per) if per else None, "warning": FLOOR_WARNING})
    return rows


def deployments_of(*, system=None, organization=None) -> list[Deployment]:
    qs = public_deployments()
    if system is not None:
        qs = qs.filter(system=system)
    if organization is not None:
        qs = qs.filter(Q(operator=organization) | Q(system__vendor=organization))
    return list(qs)


def number(value: float) -> str:
    """A figure as people write it: 100,000 · 76 · 0.3."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}".rstrip("0").rstrip(".")


def for_pages(deployments) -> list[dict]:
    """What a system or organization page shows of each deployment: its record, readable labels,
    its figures as sentences, and the documented incidents beside each usage figure."""
    rows = []
    for d in deployments:
        record = deployment_record(d)
        sources = record["sources"]
        figures = []
        for f in record["figures"]:
            qualifier = "" if f["qualifier"] == "exactly" else FigureQualifier(f["qualifier"]).label + " "
            period = " to ".join(x for x in (f["period_start"], f["period_end"]) if x)
            figures.append({"text": f"{qualifier}{number(f['value'])} {f['unit']}: {f['measure']}".replace(" %:", "%:"), "period": period,
                            "provenance": FigureProvenance(f["provenance"]).label,
                            "source": sources[f["source"]] if f["source"] is not None else None})
        ratios = []
        for r in documented_per_use(d):
            f = r["figure"]
            qualifier = "" if f.qualifier == "exactly" else FigureQualifier(f.qualifier).label + " "
            ratios.append(r | {"figure_text": f"{qualifier}{number(float(f.value))} {f.unit} ({f.measure})", "one_in": number(r["one_in"]) if r["one_in"] else None})
        rows.append({"record": record, "kind": DeploymentKind(d.kind).label,
                     "place": ", ".join(x for x in (d.place, d.city, d.region, d.country) if x),
                     "databases": [ReferenceDatabase(x).label for x in d.reference_databases if x in ReferenceDatabase.values],
                     "figures": figures, "ratios": ratios})
    return rows
