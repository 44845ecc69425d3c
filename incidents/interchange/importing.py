"""JSON Lines import: every line validated with the submission's rules, then written in
bulk in one transaction (all or nothing), and the public read model built once at the end.
"""

import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from .. import choices
from ..domain import claims as claim_writer
from ..domain import drafts
from ..domain.moderation import record_events
from ..domain.records import (
    _scalar_values,
    citation_values,
)
from ..models import (
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
from ..public import store
from ..public.format import SCHEMA_ID, SCHEMA_V1, public_records
from ..public.search import refresh_search_vectors
from ..text import lookup_keys, normalize_url
from .derived import drop_derived


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

    schema = serializers.ChoiceField(choices=[SCHEMA_V1, SCHEMA_ID], required=False)
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


def parse_line(number: int, line: str, seen_ids: set) -> dict | None:
    """One line validated with the submission's rules (None for a blank line); raise
    ``ImportError_`` naming the line and the field. ``seen_ids`` collects the file's public ids."""
    if not line.strip():
        return None
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ImportError_(number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ImportError_(number, "each line must be one JSON object")
    data.pop("published_at", None) if data.get("published_at") is None else None
    drop_derived(data)
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
    return attrs


def _refuse_taken_ids(records: list[dict]) -> None:
    given = [a["public_id"] for a in records if a.get("public_id")]
    if given:
        taken = set(Incident.objects.filter(public_id__in=given).values_list("public_id", flat=True))
        for attrs in records:
            if attrs.get("public_id") in taken:
                raise ImportError_(attrs["_line"], {"public_id": [f"{attrs['public_id']} already exists in this registry."]})


def parse_lines(lines: Iterable[str], progress=None) -> list[dict]:
    """Validate every line first; raise ``ImportError_`` naming the first bad line and field."""
    records, seen_ids = [], set()
    for number, line in enumerate(lines, start=1):
        if progress:
            progress(number)
        attrs = parse_line(number, line, seen_ids)
        if attrs is not None:
            records.append(attrs)
    _refuse_taken_ids(records)
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
    with transaction.atomic(), store.deferred_counts():
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
    # A testimony without a link is a source of its own (keyed by its place in the batch).
    keys = {id(s): normalize_url(s["url"]) if s.get("url") else ("testimony", id(s)) for attrs in batch for s in attrs["sources"]}
    wanted = {keys[id(s)]: s for attrs in batch for s in attrs["sources"]}
    existing = {s.normalized_url: s for s in Source.objects.filter(normalized_url__in=[k for k in wanted if isinstance(k, str)])}
    new_keys, new_sources = [], []
    for key, row in wanted.items():
        if key not in existing:
            source = Source(normalized_url=key if isinstance(key, str) else None, **{k: row.get(k) for k in ("url", "title", "publisher", "published_date", "date_precision", "language", "source_type")})
            source.url, source.title, source.publisher, source.language = source.url or "", source.title or "", source.publisher or "", source.language or ""
            new_keys.append(key)
            new_sources.append(source)
    Source.objects.bulk_create(new_sources)
    existing.update(zip(new_keys, new_sources))

    links, outcomes, outcome_sources, sys_links, op_links, claimed = [], [], [], [], [], []
    for incident, attrs in zip(incidents, batch):
        ordered = [existing[keys[id(s)]] for s in attrs["sources"]]
        cited = set()
        for position, (source, row) in enumerate(zip(ordered, attrs["sources"])):
            if source.pk not in cited:
                cited.add(source.pk)
                links.append(IncidentSource(incident=incident, source=source, position=position, **citation_values(row)))
        for position, row in enumerate(attrs.get("outcomes") or []):
            outcome = Outcome(incident=incident, position=position, type=row["type"], date=row.get("date"),
                              date_precision=row.get("date_precision") or "day", detail=row.get("detail") or "",
                              days=row.get("days"), amount=row.get("amount"), currency=row.get("currency") or "",
                              stated_status=row.get("status") or "")
            outcomes.append((outcome, {ordered[i] for i in row["sources"]}, row, ordered))
        systems = [names.system(ref) for ref in attrs["systems"]]
        operators = [names.org(ref) for ref in attrs["operators"]]
        sys_links += [Incident.systems.through(incident=incident, system=system) for system in systems]
        op_links += [Incident.operators.through(incident=incident, organization=org) for org in operators]
        if attrs.get("claims"):
            claimed.append((incident, attrs, ordered))
    IncidentSource.objects.bulk_create(links)
    Outcome.objects.bulk_create([o for o, *_ in outcomes])
    for outcome, sources, _row, _ordered in outcomes:
        outcome_sources += [Outcome.sources.through(outcome=outcome, source=s) for s in sources]
    Outcome.sources.through.objects.bulk_create(outcome_sources)
    Incident.systems.through.objects.bulk_create(sys_links, ignore_conflicts=True)
    Incident.operators.through.objects.bulk_create(op_links, ignore_conflicts=True)
    _import_claims(claimed, outcomes)

    ids = [i.pk for i in incidents]
    refresh_search_vectors(ids)
    store.refresh(ids)

    record_events([
        {"incident": i, "actor": actor, "action": choices.Action.IMPORT, "to_status": i.status,
         "reason": i.withdrawn_reason if i.status == choices.Status.WITHDRAWN else "Restored from a dump." if restoring else "Imported."}
        for i in incidents
    ])
    snapshots = store.stored_records(ids)  # a withdrawn record (from a dump) has none stored
    snapshots.update(public_records([pk for pk in ids if pk not in snapshots]))
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


def _import_claims(claimed, outcomes) -> None:
    """The claims and outcome evidence of the batch's version 2 records: few records state any,
    so they go through the one writer of claims (domain.claims), which names a claim about
    something the record does not attribute."""
    for outcome, _sources, row, ordered in outcomes:
        if row.get("contradicted_by") or row.get("values"):
            claim_writer.set_outcome_claim(outcome, row, ordered)
    for incident, attrs, ordered in claimed:
        try:
            claim_writer.set_claims(incident, attrs["claims"], ordered)
        except ValidationError as exc:
            raise ImportError_(attrs["_line"], exc.message_dict) from None


def import_lines(lines: Iterable[str], actor=None, progress=None) -> list[str]:
    """Validate and import JSON Lines; all or nothing."""
    return import_records(parse_lines(lines), actor=actor, progress=progress)
