"""The public record format (schema ``wir-incident/1``), and JSON Lines import and export.

``public_record`` is the one definition of what a published incident looks like
outside the registry: the API detail, the JSON Lines export, the version snapshots
and the dump all use it.
"""

import datetime
import json
from collections.abc import Iterable, Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.utils import timezone
from rest_framework import serializers

from . import choices, drafts, evidence
from .models import (
    Incident,
    IncidentSource,
    IncidentVersion,
    ModerationEvent,
    Organization,
    Outcome,
    PublicIdCounter,
    Source,
    System,
)
from .text import lookup_keys, normalize_url

SCHEMA_ID = "wir-incident/1"


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
    "id", "public_id", "version", "title", "narrative", "incident_date", "date_precision", "country", "region", "city",
    "identification_mode", "error_type", "contributing_factors", "reference_database", "human_review", "sole_basis",
    "external_ids", "affected_count", "affected_minor", "affected_name", "affected_name_public", "published_at", "updated_at",
)


def with_record_data(queryset):
    """Annotate incidents with everything their public record shows, so one query (one row
    per incident, related rows as JSON arrays built by PostgreSQL) feeds ``record_from_row``.
    """
    mine = {"incident_id": OuterRef("pk")}
    systems = Incident.systems.through.objects.filter(**mine).order_by("system__name", "system_id").values(json=JSONObject(
        slug="system__slug", name="system__name", technology="system__technology", aliases="system__aliases",
        vendor_slug="system__vendor__slug", vendor_name="system__vendor__name"))
    operators = Incident.operators.through.objects.filter(**mine).order_by("organization__name", "organization_id").values(json=JSONObject(
        slug="organization__slug", name="organization__name", kind="organization__kind", country="organization__country"))
    sources = IncidentSource.objects.filter(**mine).order_by("position", "id").values(json=JSONObject(
        id="source_id", url="source__url", title="title", publisher="publisher", published_date="published_date",
        date_precision="date_precision", language="language", source_type="source_type",
        preserved_at="source__preserved__fetched_at", preserved_status="source__preserved__http_status",
        preserved_final_url="source__preserved__final_url", preserved_type="source__preserved__content_type",
        preserved_sha256="source__preserved__sha256", dead_since="source__dead_since", changed_since="source__changed_at"))
    outcomes = Outcome.objects.filter(**mine).order_by("position", "id").values(json=JSONObject(
        type="type", date="date", date_precision="date_precision", detail="detail", days="days", amount="amount", currency="currency",
        source_ids=ArraySubquery(Outcome.sources.through.objects.filter(outcome_id=OuterRef("pk")).values("source_id"))))
    return queryset.annotate(
        record_systems=ArraySubquery(systems), record_operators=ArraySubquery(operators),
        record_sources=ArraySubquery(sources), record_outcomes=ArraySubquery(outcomes),
    ).values(*RECORD_FIELDS, "record_systems", "record_operators", "record_sources", "record_outcomes")


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


def record_from_row(row: dict) -> dict:
    """Return the public record of one incident row from ``with_record_data``.

    This is the one definition of a record's public shape. Only public fields: no
    submitter, no contact, no private name, no draft state.
    """
    position = {source["id"]: i for i, source in enumerate(row["record_sources"])}
    return {
        "schema": SCHEMA_ID,
        "public_id": row["public_id"],
        "version": row["version"],
        "title": row["title"],
        "narrative": row["narrative"],
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
        "evidence_level": evidence.level_of(s["source_type"] for s in row["record_sources"]),
        "affected": {"count": row["affected_count"], "has_minor": row["affected_minor"],
                     "name": Incident.public_name_of(row["affected_name"], row["affected_name_public"], row["affected_minor"]) or None},
        "sources": [
            {"url": s["url"], "title": s["title"], "publisher": s["publisher"],
             "published_date": _json_date(s["published_date"], s["date_precision"]),
             "language": s["language"], "source_type": s["source_type"], "preservation": preservation_of(s)}
            for s in row["record_sources"]
        ],
        "outcomes": [
            {"type": o["type"], "date": _json_date(o["date"], o["date_precision"]), "detail": o["detail"], "days": o["days"],
             "amount": float(o["amount"]) if o["amount"] is not None else None, "currency": o["currency"] or None,
             "sources": sorted(position[i] for i in o["source_ids"] if i in position),
             "single_source": len(o["source_ids"]) == 1}
            for o in row["record_outcomes"]
        ],
        "published_at": _timestamp(row["published_at"]),
        "updated_at": _timestamp(row["updated_at"]),
    }


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


class ImportError_(Exception):
    """A line of an import file is invalid; nothing was imported."""

    def __init__(self, line: int, errors):
        self.line, self.errors = line, errors
        super().__init__(f"line {line}: {format_errors(errors)}")


def format_errors(errors, prefix="") -> str:
    if isinstance(errors, dict):
        return "; ".join(format_errors(v, f"{prefix}{k}." if not isinstance(v, (str, list)) or (isinstance(v, list) and v and isinstance(v[0], dict)) else f"{prefix}{k}") for k, v in errors.items())
    if isinstance(errors, list):
        if errors and isinstance(errors[0], (dict, list)):
            return "; ".join(format_errors(e, f"{prefix}{i}.") for i, e in enumerate(errors) if e)
        return f"{prefix.rstrip('.')}: {' '.join(str(e) for e in errors)}" if prefix else " ".join(str(e) for e in errors)
    return f"{prefix.rstrip('.')}: {errors}" if prefix else str(errors)


class NamedRef(serializers.Serializer):
    slug = serializers.SlugField(max_length=120, required=False)
    name = serializers.CharField(max_length=200)
    technology = serializers.ChoiceField(choices=choices.Technology.choices, required=False)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)
    vendor = serializers.DictField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=choices.OrganizationKind.choices, required=False)
    country = serializers.CharField(max_length=2, required=False, allow_null=True, allow_blank=True)


class HistoryEntry(drafts.StrictSerializer):
    version = serializers.IntegerField(min_value=1)
    at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True, max_length=20000)
    changes = serializers.DictField(required=False, default=dict)


class ImportedIncident(drafts.IncidentDraft):
    """A record of the public format, plus what a restore needs."""

    schema = serializers.ChoiceField(choices=[SCHEMA_ID], required=False)
    public_id = serializers.RegexField(r"^[A-Z]{2,5}-\d{4}-\d{4,}$", required=False, allow_null=True)
    version = serializers.IntegerField(min_value=1, required=False, default=1)
    status = serializers.ChoiceField(choices=[choices.Status.PUBLISHED, choices.Status.WITHDRAWN], required=False, default=choices.Status.PUBLISHED)
    withdrawn_reason = serializers.CharField(required=False, allow_blank=True, default="")
    systems = serializers.ListField(child=serializers.JSONField(), max_length=drafts.MAX_NAMES, required=False, default=list)
    operators = serializers.ListField(child=serializers.JSONField(), max_length=drafts.MAX_NAMES, required=False, default=list)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    updated_at = serializers.DateTimeField(required=False, allow_null=True)
    history = serializers.ListField(child=serializers.DictField(), required=False, max_length=10000,
                                    help_text="In a dump: the record's public versions (version, at, note, changes), oldest first.")

    def validate_history(self, value):
        versions = []
        for i, row in enumerate(value):
            version = HistoryEntry(data=row)
            if not version.is_valid():
                raise serializers.ValidationError({i: version.errors})
            versions.append(dict(version.validated_data))
        numbers = [v["version"] for v in versions]
        if numbers != sorted(set(numbers)):
            raise serializers.ValidationError("Versions must be numbered once each, oldest first.")
        return versions

    def _refs(self, value, field):
        refs = []
        for item in value:
            ref = NamedRef(data={"name": item} if isinstance(item, str) else item)
            if not ref.is_valid():
                raise serializers.ValidationError({field: ref.errors})
            refs.append(dict(ref.validated_data))
        return refs

    def validate(self, attrs):
        systems, operators = attrs.pop("systems", []), attrs.pop("operators", [])
        attrs = super().validate(attrs)
        # In the public format a name appears only when it is public, so an exported
        # name comes back public; a file may still say name_public: false.
        affected, raw = attrs.get("affected"), self.initial_data.get("affected") or {}
        if affected and affected.get("name") and "name_public" not in raw:
            affected["name_public"] = True
        attrs["systems"] = self._refs(systems, "systems")
        attrs["operators"] = self._refs(operators, "operators")
        if attrs["status"] == choices.Status.WITHDRAWN and not attrs.get("withdrawn_reason"):
            raise serializers.ValidationError({"withdrawn_reason": ["A withdrawn record needs its reason."]})
        history = attrs.get("history")
        if history and history[-1]["version"] != attrs.get("version", 1):
            raise serializers.ValidationError({"history": [f"The last version in the history must be the record's version ({attrs.get('version', 1)})."]})
        return attrs


def _drop_derived(data: dict) -> None:
    """Fields the registry computes (the evidence level, single-source flags, preservation) are recomputed, not imported."""
    data.pop("evidence_level", None)
    for source in data.get("sources") or []:
        if isinstance(source, dict):
            source.pop("preservation", None)
    for outcome in data.get("outcomes") or []:
        if isinstance(outcome, dict):
            outcome.pop("single_source", None)


def parse_lines(lines: Iterable[str], progress=None) -> list[dict]:
    """Validate every line first; raise ``ImportError_`` naming the first bad line and field."""
    records, seen_ids = [], set()
    for number, line in enumerate(lines, start=1):
        if progress:
            progress(number)
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportError_(number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(data, dict):
            raise ImportError_(number, "each line must be one JSON object")
        data.pop("published_at", None) if data.get("published_at") is None else None
        _drop_derived(data)
        serializer = ImportedIncident(data=data)
        if not serializer.is_valid():
            raise ImportError_(number, serializer.errors)
        attrs = drafts.flatten_dates(dict(serializer.validated_data))
        pid = attrs.get("public_id")
        if pid:
            if pid in seen_ids:
                raise ImportError_(number, {"public_id": [f"{pid} appears twice in the file."]})
            seen_ids.add(pid)
        attrs["_line"] = number
        records.append(attrs)
    if seen_ids:
        taken = set(Incident.objects.filter(public_id__in=seen_ids).values_list("public_id", flat=True))
        for attrs in records:
            if attrs.get("public_id") in taken:
                raise ImportError_(attrs["_line"], {"public_id": [f"{attrs['public_id']} already exists in this registry."]})
    return records


class _Names:
    """Find or create systems and organisations by slug, name or alias, once per import."""

    def __init__(self):
        self.orgs = {}
        self.systems = {}

    def _find(self, model, cache, ref):
        keys = lookup_keys(*(v for v in (ref.get("slug"), ref["name"]) if v))
        for key in keys:
            if key in cache:
                return cache[key]
        row = None
        if ref.get("slug"):
            row = model.objects.filter(slug=ref["slug"]).first()
        row = row or model.objects.filter(lookup_keys__overlap=keys).first()
        return row, keys

    def org(self, ref, default_kind=choices.OrganizationKind.OTHER):
        found = self._find(Organization, self.orgs, ref)
        if isinstance(found, Organization):
            return found
        row, keys = found
        if row is None:
            row = Organization(slug=ref.get("slug") or "", name=ref["name"], kind=ref.get("kind") or default_kind,
                               country=(ref.get("country") or "").upper(), aliases=ref.get("aliases") or [])
            row.save()
        for key in keys + row.lookup_keys:
            self.orgs[key] = row
        return row

    def system(self, ref):
        found = self._find(System, self.systems, ref)
        if isinstance(found, System):
            return found
        row, keys = found
        if row is None:
            vendor = self.org(ref["vendor"], choices.OrganizationKind.VENDOR) if ref.get("vendor") else None
            row = System(slug=ref.get("slug") or "", name=ref["name"], technology=ref.get("technology") or choices.Technology.FACE,
                         aliases=ref.get("aliases") or [], vendor=vendor)
            row.save()
        for key in keys + row.lookup_keys:
            self.systems[key] = row
        return row


def allocate_public_ids(count: int, year: int) -> list[str]:
    from django.conf import settings

    if not count:
        return []
    counter, _ = PublicIdCounter.objects.select_for_update().get_or_create(year=year)
    start = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{settings.REGISTRY_PUBLIC_ID_PREFIX}-{year}-{n:04d}" for n in range(start, start + count)]


def _reserve_given_ids(records):
    """Keep each year's counter past every imported id, so a new publication never reuses one."""
    reserve_ids([attrs.get("public_id") for attrs in records])


def reserve_ids(public_ids, counters: dict | None = None) -> None:
    """Move each year's counter past these ids and past ``counters`` ({year: last})."""
    top = {int(year): int(last) for year, last in (counters or {}).items()}
    for pid in public_ids:
        if pid:
            _, year, number = pid.rsplit("-", 2)
            top[int(year)] = max(top.get(int(year), 0), int(number))
    for year, number in top.items():
        counter, _ = PublicIdCounter.objects.select_for_update().get_or_create(year=year)
        if counter.last < number:
            counter.last = number
            counter.save(update_fields=["last"])


def import_records(records: list[dict], actor=None, batch_size: int = 500, progress=None, restoring: bool = False) -> list[str]:
    """Write validated records in one transaction, in bulk; return their public ids.

    All or nothing: any failure rolls back every line. A record with a ``history`` (from a
    dump) gets its versions back as they were; any other gets one version, "Imported.".
    """

    names = _Names()
    imported = []
    now = timezone.now()
    with transaction.atomic():
        _reserve_given_ids(records)
        missing = [a for a in records if not a.get("public_id")]
        for attrs, pid in zip(missing, allocate_public_ids(len(missing), now.year)):
            attrs["public_id"] = pid
        for number, start in enumerate(range(0, len(records), batch_size), start=1):
            batch = records[start:start + batch_size]
            imported += _import_batch(batch, names, actor, now, restoring)
            if number & (number - 1) == 0:
                _analyze_imported_tables()
            if progress:
                progress(start + len(batch))
    return imported


IMPORTED_TABLES = [Incident, IncidentSource, Source, Outcome, Outcome.sources.through, Incident.systems.through,
                   Incident.operators.through, ModerationEvent, IncidentVersion]


def _analyze_imported_tables():
    """Refresh planner statistics inside the import's transaction (after batches 1, 2, 4, 8, ...).

    A large import is one transaction, so autovacuum cannot see its rows; without this the
    planner keeps believing the tables are empty and later batches slow down quadratically.
    ANALYZE counts the transaction's own new rows.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in IMPORTED_TABLES))


def _import_batch(batch, names, actor, now, restoring=False):
    from .records import _scalar_values, citation_values, refresh_search_vectors, snapshot_many

    incidents = []
    for attrs in batch:
        values = _scalar_values(attrs)
        values.setdefault("date_precision", choices.DatePrecision.DAY)
        published = attrs.get("published_at") or now
        incident = Incident(
            public_id=attrs["public_id"], status=attrs["status"], version=attrs.get("version") or 1,
            published_at=published, withdrawn_reason=attrs.get("withdrawn_reason", ""), **values,
        )
        incidents.append(incident)
    Incident.objects.bulk_create(incidents)
    # updated_at is auto_now on save; a restore keeps the time the record says it last changed.
    given = [(i, attrs["updated_at"]) for i, attrs in zip(incidents, batch) if attrs.get("updated_at")]
    if given:
        for incident, updated in given:
            incident.updated_at = updated
        Incident.objects.bulk_update([i for i, _ in given], ["updated_at"])

    # Sources are shared by normalised URL, with those already in the database.
    wanted = {normalize_url(s["url"]): s for attrs in batch for s in attrs["sources"]}
    existing = {s.normalized_url: s for s in Source.objects.filter(normalized_url__in=list(wanted))}
    new_sources = []
    for key, row in wanted.items():
        if key not in existing:
            source = Source(normalized_url=key, **{k: row.get(k) for k in ("url", "title", "publisher", "published_date", "date_precision", "language", "source_type")})
            source.title, source.publisher, source.language = source.title or "", source.publisher or "", source.language or ""
            new_sources.append(source)
    Source.objects.bulk_create(new_sources)
    existing.update({s.normalized_url: s for s in new_sources})

    links, outcomes, outcome_sources, sys_links, op_links = [], [], [], [], []
    for incident, attrs in zip(incidents, batch):
        ordered = [existing[normalize_url(s["url"])] for s in attrs["sources"]]
        cited = set()
        for position, (source, row) in enumerate(zip(ordered, attrs["sources"])):
            if source.pk not in cited:
                cited.add(source.pk)
                links.append(IncidentSource(incident=incident, source=source, position=position, **citation_values(row)))
        for position, row in enumerate(attrs.get("outcomes") or []):
            outcome = Outcome(incident=incident, position=position, type=row["type"], date=row.get("date"),
                              date_precision=row.get("date_precision") or "day", detail=row.get("detail") or "",
                              days=row.get("days"), amount=row.get("amount"), currency=row.get("currency") or "")
            outcomes.append((outcome, {ordered[i] for i in row["sources"]}))
        for ref in attrs["systems"]:
            sys_links.append(Incident.systems.through(incident=incident, system=names.system(ref)))
        for ref in attrs["operators"]:
            op_links.append(Incident.operators.through(incident=incident, organization=names.org(ref)))
    IncidentSource.objects.bulk_create(links)
    Outcome.objects.bulk_create([o for o, _ in outcomes])
    for outcome, sources in outcomes:
        outcome_sources += [Outcome.sources.through(outcome=outcome, source=s) for s in sources]
    Outcome.sources.through.objects.bulk_create(outcome_sources)
    Incident.systems.through.objects.bulk_create(sys_links, ignore_conflicts=True)
    Incident.operators.through.objects.bulk_create(op_links, ignore_conflicts=True)

    ids = [i.pk for i in incidents]
    refresh_search_vectors(ids)
    from .record_sql import refresh_public_json

    refresh_public_json(ids)
    from .moderation import record_events

    record_events([
        {"incident": i, "actor": actor, "action": choices.Action.IMPORT, "to_status": i.status,
         "reason": i.withdrawn_reason if i.status == choices.Status.WITHDRAWN else "Restored from a dump." if restoring else "Imported."}
        for i in incidents
    ])
    snapshots = snapshot_many(ids)
    versions = []
    for incident, attrs in zip(incidents, batch):
        history = attrs.get("history")
        if not history:
            versions.append(IncidentVersion(incident=incident, number=incident.version, note="Imported.", snapshot=snapshots[incident.pk]))
            continue
        for row in history:
            current = row["version"] == incident.version
            versions.append(IncidentVersion(incident=incident, number=row["version"], at=row["at"], note=row["note"],
                                            changes=row.get("changes") or {}, snapshot=snapshots[incident.pk] if current else {}))
    IncidentVersion.objects.bulk_create(versions)
    return [i.public_id for i in incidents]


def import_lines(lines: Iterable[str], actor=None, progress=None) -> list[str]:
    """Validate and import JSON Lines; all or nothing."""
    return import_records(parse_lines(lines), actor=actor, progress=progress)


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
