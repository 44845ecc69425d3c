"""The public record format (schema ``wir-incident/2``; version 1 still served) in Python.

``record_from_row`` is the definition of what a published incident looks like outside
the registry: the API detail, the JSON Lines export, the version snapshots and the dump
all carry it. ``record_sql.RECORDS_SQL`` writes the same shape in SQL for the read model;
``tests/incidents/public/test_record_sql.py`` holds the two equal.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.functions import JSONObject

from .. import evidence
from ..evidence import ClaimAbout
from ..models import Claim, ClaimSource, Incident, IncidentSource, Organization, Outcome, OutcomeValue, System

SCHEMA_ID = "wir-incident/2"
# Version 1: the same record without its claims (``claims``, and each outcome's ``status``,
# ``stated``, ``contradicted_by`` and ``values``); still served with ?record_format=1.
SCHEMA_V1 = "wir-incident/1"


def _date(value):
    return value.isoformat() if value else None


def partial_date(value, precision):
    """Render a date as precisely as it is known: 2020, 2020-01 or 2020-01-09."""
    if not value:
        return None
    return {"year": f"{value:%Y}", "month": f"{value:%Y-%m}"}.get(precision, value.isoformat())


def system_record(system: System) -> dict:
    vendor = system.vendor
    return {
        "slug": system.slug, "name": system.name, "technology": system.technology, "aliases": list(system.aliases),
        "vendor": {"slug": vendor.slug, "name": vendor.name} if vendor else None,
    }


def organization_record(org: Organization) -> dict:
    return {"slug": org.slug, "name": org.name, "kind": org.kind, "country": org.country or None}


RECORD_FIELDS = (
    "id", "public_id", "version", "title", "narrative", "language", "incident_date", "date_precision", "country", "region", "city",
    "identification_mode", "error_type", "contributing_factors", "reference_database", "human_review", "sole_basis",
    "external_ids", "affected_count", "affected_minor", "affected_name", "affected_name_public", "published_at", "updated_at",
    "deployment_id", "deployment__status", "reported_by__slug", "reported_by__name", "reported_by__credit_line", "reported_by__website", "reported_by__public_credit",
)


def with_record_data(queryset):
    """Annotate incidents with everything their public record shows, so one query (one row
    per incident, related rows as JSON arrays built by PostgreSQL) feeds ``record_from_row``.
    """
    mine = {"incident_id": OuterRef("pk")}
    systems = Incident.systems.through.objects.filter(**mine).order_by("system__name", "system_id").values(json=JSONObject(
        id="system_id", slug="system__slug", name="system__name", technology="system__technology", aliases="system__aliases",
        vendor_id="system__vendor_id", vendor_slug="system__vendor__slug", vendor_name="system__vendor__name"))
    operators = Incident.operators.through.objects.filter(**mine).order_by("organization__name", "organization_id").values(json=JSONObject(
        id="organization_id", slug="organization__slug", name="organization__name", kind="organization__kind", country="organization__country"))
    sources = IncidentSource.objects.filter(**mine).order_by("position", "id").values(json=JSONObject(
        id="source_id", url="source__url", title="title", publisher="publisher", published_date="published_date",
        date_precision="date_precision", language="language", source_type="source_type",
        preserved_at="source__preserved__fetched_at", preserved_status="source__preserved__http_status",
        preserved_final_url="source__preserved__final_url", preserved_type="source__preserved__content_type",
        preserved_sha256="source__preserved__sha256", dead_since="source__dead_since", changed_since="source__changed_at"))
    outcomes = Outcome.objects.filter(**mine).order_by("position", "id").values(json=JSONObject(
        type="type", date="date", date_precision="date_precision", detail="detail", days="days", amount="amount", currency="currency",
        source_ids=ArraySubquery(Outcome.sources.through.objects.filter(outcome_id=OuterRef("pk")).values("source_id")),
        contradicting_ids=ArraySubquery(Outcome.contradicted_by.through.objects.filter(outcome_id=OuterRef("pk")).values("source_id")),
        stated_status="stated_status",
        values=ArraySubquery(OutcomeValue.objects.filter(outcome_id=OuterRef("pk")).order_by("position", "id").values(json=JSONObject(
            field="field", value="value",
            source_ids=ArraySubquery(OutcomeValue.sources.through.objects.filter(outcomevalue_id=OuterRef("pk")).values("source_id"))))),
    ))
    claims = Claim.objects.filter(**mine).values(json=JSONObject(
        about="about", system_id="system_id", organization_id="organization_id", technology="technology", stated_status="stated_status",
        supporting=ArraySubquery(ClaimSource.objects.filter(claim_id=OuterRef("pk"), stance="supports").values("source_id")),
        contradicting=ArraySubquery(ClaimSource.objects.filter(claim_id=OuterRef("pk"), stance="contradicts").values("source_id"))))
    return queryset.annotate(
        record_systems=ArraySubquery(systems), record_operators=ArraySubquery(operators),
        record_sources=ArraySubquery(sources), record_outcomes=ArraySubquery(outcomes), record_claims=ArraySubquery(claims),
    ).values(*RECORD_FIELDS, "record_systems", "record_operators", "record_sources", "record_outcomes", "record_claims")


def _timestamp(value):
    """UTC, always with microseconds, so the SQL-built export (record_sql.py) writes the same text."""
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds") if value else None


def _json_date(value, precision):
    return partial_date(datetime.date.fromisoformat(value), precision) if value else None


def preservation_of(source: dict) -> dict | None:
    """The public facts about a source's preserved copy (see incidents/preservation.py), or None
    while the worker has not reached it."""
    if not source.get("preserved_at") and not source.get("dead_since"):
        return None
    preserved = bool(source.get("preserved_at"))
    return {
        "status": "dead" if source.get("dead_since") else "changed" if source.get("changed_since") else "preserved",
        "retrieved_at": source.get("preserved_at"),
        "http_status": source.get("preserved_status"),
        "final_url": source.get("preserved_final_url") or None,
        "content_type": source.get("preserved_type") or None,
        "sha256": source.get("preserved_sha256") or None,
        "copy": f"/sources/{source['id']}/preserved/" if preserved else None,
        "dead_since": source.get("dead_since"),
        "changed_since": source.get("changed_since"),
    }


def credit_of(row: dict) -> dict | None:
    """The public credit of a record: its partner, while the partner asks for credit; never a person."""
    if not row["reported_by__slug"] or not row["reported_by__public_credit"]:
        return None
    return {"slug": row["reported_by__slug"], "name": row["reported_by__credit_line"] or row["reported_by__name"],
            "url": row["reported_by__website"] or None}


def record_from_row(row: dict) -> dict:
    """Return the public record of one incident row from ``with_record_data``.

    This is the one definition of a record's public shape. Only public fields: no
    submitter, no contact, no private name, no draft state.
    """
    position = {source["id"]: i for i, source in enumerate(row["record_sources"])}
    types = {source["id"]: source["source_type"] for source in row["record_sources"]}
    outcomes = [outcome_record(o, position, types) for o in row["record_outcomes"]]
    claims = claims_of_row(row, position, types)
    statuses = [c["status"] for c in claims] + [o["status"] for o in outcomes]
    return {
        "schema": SCHEMA_ID,
        "public_id": row["public_id"],
        "version": row["version"],
        "title": row["title"],
        "narrative": row["narrative"],
        "language": row["language"],
        "incident_date": partial_date(row["incident_date"], row["date_precision"]),
        "date_precision": row["date_precision"],
        "country": row["country"],
        "region": row["region"],
        "city": row["city"],
        "systems": [
            {"slug": s["slug"], "name": s["name"], "technology": s["technology"], "aliases": list(s["aliases"] or []),
             "vendor": {"slug": s["vendor_slug"], "name": s["vendor_name"]} if s["vendor_slug"] else None}
            for s in row["record_systems"]
        ],
        "operators": [
            {"slug": o["slug"], "name": o["name"], "kind": o["kind"], "country": o["country"] or None}
            for o in row["record_operators"]
        ],
        "identification_mode": row["identification_mode"],
        "error_type": row["error_type"],
        "contributing_factors": list(row["contributing_factors"]),
        "reference_database": row["reference_database"] or None,
        "human_review": row["human_review"],
        "sole_basis": row["sole_basis"],
        "external_ids": list(row["external_ids"]),
        "evidence_level": evidence.level_of_claims(statuses, (s["source_type"] for s in row["record_sources"])),
        "affected": {"count": row["affected_count"], "has_minor": row["affected_minor"],
                     "name": Incident.public_name_of(row["affected_name"], row["affected_name_public"], row["affected_minor"]) or None},
        "sources": [
            {"url": s["url"] or None, "title": s["title"], "publisher": s["publisher"],
             "published_date": _json_date(s["published_date"], s["date_precision"]),
             "language": s["language"], "source_type": s["source_type"], "preservation": preservation_of(s)}
            for s in row["record_sources"]
        ],
        "outcomes": outcomes,
        "claims": claims,
        "deployment": row["deployment_id"] if row["deployment__status"] == "published" else None,
        "reported_by": credit_of(row),
        "published_at": _timestamp(row["published_at"]),
        "updated_at": _timestamp(row["updated_at"]),
    }


def _cited(ids, position) -> list[int]:
    return sorted({position[i] for i in ids or [] if i in position})


def outcome_record(o: dict, position: dict, types: dict) -> dict:
    """One outcome of the record, a claim with its status (``evidence.status_of``)."""
    supporting, contradicting = _cited(o["source_ids"], position), _cited(o["contradicting_ids"], position)
    by_position = {p: t for i, t in types.items() if (p := position.get(i)) is not None}
    return {
        "type": o["type"], "date": _json_date(o["date"], o["date_precision"]), "detail": o["detail"], "days": o["days"],
        "amount": float(o["amount"]) if o["amount"] is not None else None, "currency": o["currency"] or None,
        "sources": supporting, "single_source": len(o["source_ids"]) == 1,
        "status": evidence.status_of((by_position[p] for p in supporting), (by_position[p] for p in contradicting), o["stated_status"]),
        "stated": bool(o["stated_status"]), "contradicted_by": contradicting,
        "values": [{"field": v["field"], "value": v["value"], "sources": _cited(v["source_ids"], position)} for v in o["values"]],
    }


def claims_of_row(row: dict, position: dict, types: dict) -> list[dict]:
    """The record's claims: one per technology, system, vendor and operator it names and for
    sole_basis and human_review where it says yes or no, in that order. A claim with no stated
    row rests on the record's sources, its operators' and vendors' responses excepted."""
    stated = {}
    for c in row["record_claims"]:
        key = c["system_id"] or c["organization_id"] or c["technology"] or ""
        stated[(c["about"], str(key))] = c
    own = sorted(p for i, p in position.items() if types[i] not in evidence.RESPONSE)
    by_position = {p: types[i] for i, p in position.items()}
    systems = sorted(row["record_systems"], key=lambda s: (s["name"], s["id"]))
    vendors = sorted({s["vendor_id"]: s for s in systems if s["vendor_id"]}.values(), key=lambda s: (s["vendor_name"], s["vendor_id"]))
    operators = sorted(row["record_operators"], key=lambda o: (o["name"], o["id"]))
    technologies = sorted({s["technology"] for s in systems} | {c["technology"] for c in row["record_claims"] if c["about"] == "technology"})
    subjects = (
        [(ClaimAbout.TECHNOLOGY, t, t) for t in technologies]
        + [(ClaimAbout.SYSTEM, s["id"], s["slug"]) for s in systems]
        + [(ClaimAbout.VENDOR, s["vendor_id"], s["vendor_slug"]) for s in vendors]
        + [(ClaimAbout.OPERATOR, o["id"], o["slug"]) for o in operators]
        + [(about, "", row[about]) for about in (ClaimAbout.SOLE_BASIS, ClaimAbout.HUMAN_REVIEW) if row[about] is not None]
    )
    claims = []
    for about, key, value in subjects:
        claim = stated.get((about.value, str(key)))
        supporting = _cited(claim["supporting"], position) if claim else own
        contradicting = _cited(claim["contradicting"], position) if claim else []
        status = evidence.status_of((by_position[p] for p in supporting), (by_position[p] for p in contradicting),
                                    claim["stated_status"] if claim else "")
        claims.append({"about": about.value, "value": value, "status": status, "stated": bool(claim and claim["stated_status"]),
                       "sources": supporting, "contradicted_by": contradicting})
    return claims


def public_records(incident_ids: Iterable[int]) -> dict[int, dict]:
    """Return {pk: public record} for these incidents, in one query."""
    return {row["id"]: record_from_row(row) for row in with_record_data(Incident.objects.filter(pk__in=list(incident_ids)))}


def public_record(incident: Incident) -> dict:
    """Return the public representation of one incident."""
    return public_records([incident.pk])[incident.pk]


def iter_records(queryset, chunk_size: int = 2000) -> Iterator[dict]:
    """Yield public records of ``queryset`` in its order, in constant memory (a server-side cursor)."""
    for row in with_record_data(queryset).iterator(chunk_size=chunk_size):
        yield record_from_row(row)


# --- import -------------------------------------------------------------------------


def summary_record(record: dict) -> dict:
    """Return the short public form of an incident for lists, from its public record."""
    return {
        "public_id": record["public_id"],
        "title": record["title"],
        "incident_date": record["incident_date"],
        "date_precision": record["date_precision"],
        "country": record["country"],
        "region": record["region"],
        "city": record["city"],
        "systems": [{"slug": x["slug"], "name": x["name"]} for x in record["systems"]],
        "operators": [{"slug": x["slug"], "name": x["name"]} for x in record["operators"]],
        "identification_mode": record["identification_mode"],
        "error_type": record["error_type"],
        "outcome_types": list(dict.fromkeys(o["type"] for o in record["outcomes"])),
        "evidence_level": record["evidence_level"],
        "has_minor": record["affected"]["has_minor"],
        "version": record["version"],
        "published_at": record["published_at"],
    }


V2_OUTCOME_KEYS = ("status", "stated", "contradicted_by", "values")


def as_v1(record: dict) -> dict:
    """The record in version 1 of the format: without its claims (the evidence level stays the
    version 2 summary, which a version 1 reader takes as the same three levels)."""
    v1 = {k: v for k, v in record.items() if k != "claims"}
    v1["schema"] = SCHEMA_V1
    v1["outcomes"] = [{k: v for k, v in o.items() if k not in V2_OUTCOME_KEYS} for o in record["outcomes"]]
    return v1
