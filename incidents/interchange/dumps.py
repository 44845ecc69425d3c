"""Full dumps that restore the registry, not only its current records.

A dump is gzipped JSON Lines:

1. a header: ``{"kind": "wir-dump", "format": 1, "counters": {"2026": 16}}``,
   the last public id number handed out in each year;
2. every public record in the public format (``wir-incident/1``) with its public history
   (``"history"``: each version's number, time, note and public diff, as the history page
   shows them);
3. a line per retired id: ``{"kind": "withdrawn", "public_id", "published_at", "reason"}`` and
   ``{"kind": "merged", "public_id", "published_at", "into"}``; their content is not in the dump
   (a withdrawn record is out of public view for good);
4. a line per published deployment: ``{"kind": "deployment", "record": {…}}`` with its record
   (``wir-deployment/1``), restored with the same id and linked again to its incidents.

Restoring into an empty registry (``restore``) gives back the same answer for every old
address (200, a 301 to the same target, a 410 with the same reason), the same public
history, and counters past every id ever given, so a new publication never reuses one.
"""

import json
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from rest_framework.exceptions import ValidationError

from .. import choices
from ..domain import deployments
from ..domain.deployment_drafts import validate_deployment
from ..domain.moderation import record_events
from ..models import Incident, Organization, PublicIdCounter, System
from ..public import store
from ..public.deployments import deployment_record, public_deployments
from ..public.selectors import history_public, public_incidents
from .importing import import_records, parse_lines, reserve_ids

DUMP_KIND = "wir-dump"
DUMP_FORMAT = 1


class RestoreError(Exception):
    """The dump cannot be restored here; nothing was written."""


def header() -> dict:
    return {"kind": DUMP_KIND, "format": DUMP_FORMAT,
            "counters": {str(year): last for year, last in PublicIdCounter.objects.order_by("year").values_list("year", "last")}}


def _history(incident_ids) -> dict[int, list[dict]]:
    """The public history of these records, as the history page shows it."""
    out = {}
    for incident in Incident.objects.filter(pk__in=incident_ids).only("id", "redacted_at"):
        out[incident.pk] = [{"version": v.number, "at": v.at.isoformat(), "note": v.note, "changes": v.public_changes}
                            for v in history_public(incident)]
    return out


def dump_lines(chunk_size: int = 1000) -> Iterator[str]:
    """Yield the dump's lines (each ending in a newline), in flat memory."""
    yield json.dumps(header()) + "\n"
    ids = list(public_incidents().order_by("published_at", "id").values_list("id", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start:start + chunk_size]
        histories = _history(chunk)
        order = {pk: n for n, pk in enumerate(chunk)}
        records = store.stored_records(chunk)
        missing = [pk for pk in chunk if pk not in records]  # a missed refresh: built now rather than left out
        records.update((pk, json.loads(text)) for pk, text in store.records_by_id(missing).items())
        for pk in sorted(records, key=order.__getitem__):
            record = records[pk]
            record["history"] = histories.get(pk, [])
            yield json.dumps(record, ensure_ascii=False) + "\n"
    retired = Incident.objects.filter(status__in=[choices.Status.WITHDRAWN, choices.Status.MERGED]).select_related("merged_into").order_by("published_at", "id")
    for incident in retired.iterator():
        row = {"kind": incident.status, "public_id": incident.public_id, "published_at": incident.published_at.isoformat()}
        if incident.status == choices.Status.WITHDRAWN:
            row["reason"] = incident.withdrawn_reason
        else:
            row["into"] = incident.merged_into.public_id
        yield json.dumps(row, ensure_ascii=False) + "\n"
    for deployment in public_deployments().iterator(chunk_size=500):
        yield json.dumps({"kind": "deployment", "record": deployment_record(deployment)}, ensure_ascii=False) + "\n"


def is_dump(first_line: str) -> bool:
    try:
        data = json.loads(first_line)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("kind") == DUMP_KIND


def _retired(rows: list[dict], known: set[str]) -> list[dict]:
    """Check the retired-id lines and order them so a merge target exists before its merges."""
    for row in rows:
        line = row.get("_line")
        if not isinstance(row.get("public_id"), str) or not isinstance(row.get("published_at"), str):
            raise RestoreError(f"line {line}: a retired id needs public_id and published_at.")
        if row["kind"] == "withdrawn" and not (row.get("reason") or "").strip():
            raise RestoreError(f"line {line}: a withdrawn id needs its reason.")
    ordered, waiting = [], [r for r in rows]
    placed = set(known) | {r["public_id"] for r in rows if r["kind"] == "withdrawn"}
    ordered += [r for r in rows if r["kind"] == "withdrawn"]
    waiting = [r for r in rows if r["kind"] == "merged"]
    while waiting:
        ready = [r for r in waiting if r.get("into") in placed]
        if not ready:
            r = waiting[0]
            raise RestoreError(f"line {r.get('_line')}: {r['public_id']} is merged into {r.get('into')!r}, which is not in the dump.")
        for r in ready:
            placed.add(r["public_id"])
        ordered += ready
        waiting = [r for r in waiting if r not in ready]
    return ordered


def restore(lines: Iterable[str], actor=None, progress=None) -> dict:
    """Restore a dump into an empty registry, all or nothing; return what was restored.

    Refuse (``RestoreError``) a registry that holds any record, and a dump that is not
    one or is inconsistent; a bad record line raises ``interchange.ImportError_``."""

    if Incident.objects.exists():
        raise RestoreError("This registry is not empty. Restore a dump only into a new, empty database "
                           "(migrate a fresh database, then run the restore); to add records to this one, import a JSON Lines file of records.")
    lines = list(lines)
    if not lines or not is_dump(lines[0]):
        raise RestoreError("The first line is not a dump header; is this a dump_registry file?")
    head = json.loads(lines[0])
    if head.get("format") != DUMP_FORMAT:
        raise RestoreError(f"Dump format {head.get('format')!r} is not one this registry reads (it reads {DUMP_FORMAT}).")
    record_lines, retired, deployed = [], [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        if line.startswith('{"kind": "deployment"'):
            deployed.append({**(json.loads(line).get("record") or {}), "_line": number})
            record_lines.append("")
        elif line.startswith(('{"kind": "withdrawn"', '{"kind": "merged"')):
            retired.append({**json.loads(line), "_line": number})
            record_lines.append("")  # keep line numbers in parse errors
        else:
            record_lines.append(line)
    with transaction.atomic():
        records = parse_lines([""] + record_lines, progress=progress)
        retired = _retired(retired, {r["public_id"] for r in records})
        ids = import_records(records, actor=actor, restoring=True)
        _restore_retired(retired, actor)
        _restore_counters(head.get("counters") or {})
        _restore_deployments(deployed, actor)
    return {"records": len(ids), "retired": len(retired), "deployments": len(deployed)}


def _restore_retired(rows: list[dict], actor) -> None:
    for row in rows:
        into = Incident.objects.get(public_id=row["into"]) if row["kind"] == "merged" else None
        incident = Incident.objects.create(
            public_id=row["public_id"], status=row["kind"], version=1, title=row["public_id"],
            narrative="Restored from a dump: only this id, its status and its reason or target are kept.",
            country="ZZ", published_at=row["published_at"], withdrawn_reason=row.get("reason", ""), merged_into=into,
        )
        record_events([{"incident": incident, "actor": actor, "action": choices.Action.IMPORT, "to_status": incident.status,
                        "reason": row.get("reason") or f"Merged into {row.get('into')}; restored from a dump."}])


def _restore_counters(counters: dict) -> None:
    """Put each year's counter past the dump's counter and every id now in the registry."""
    reserve_ids(Incident.objects.exclude(public_id=None).values_list("public_id", flat=True), counters)


def _named(model, ref: dict, **extra):
    found = model.objects.filter(slug=ref["slug"]).first()
    return found or model.objects.create(slug=ref["slug"], name=ref["name"], **extra)


def _restore_deployments(rows: list[dict], actor) -> None:
    """Recreate each published deployment with its id, version and publication time, and link its incidents again."""
    for row in rows:
        try:
            operator = _named(Organization, row["operator"], kind=row["operator"].get("kind") or "other", country=row["operator"].get("country") or "")
            system = row.get("system")
            if system:
                vendor = _named(Organization, system["vendor"], kind="vendor") if system.get("vendor") else None
                _named(System, system, technology=system.get("technology") or "face", vendor=vendor, aliases=system.get("aliases") or [])
            draft = {key: row[key] for key in ("kind", "technology", "country", "region", "city", "place", "started", "ended",
                                               "reference_databases", "reference_note", "summary")}
            draft |= {"operator": operator.slug, "system": system["slug"] if system else "", "sources": row["sources"],
                      "figures": [{k: v for k, v in f.items()} for f in row["figures"]]}
            attrs = validate_deployment(draft)
        except (KeyError, TypeError, ValidationError) as exc:
            raise RestoreError(f"line {row.get('_line')}: a deployment that cannot be restored ({exc}).") from None
        deployment = deployments.create_published(attrs, actor, "Restored from a dump.", pk=row["id"], version=row.get("version") or 1,
                                                  published_at=row.get("published_at"))
        linked = list(Incident.objects.filter(public_id__in=row.get("incidents") or []).values_list("pk", flat=True))
        deployments.link_imported(deployment, linked, actor, reason="Restored from a dump.")
    if rows:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('incidents_deployment', 'id'), (SELECT max(id) FROM incidents_deployment))")
