"""Writing an incident's content: drafts from submissions, edits, evidence moves.

Status changes are not made here; ``incidents.moderation`` calls these helpers
inside its transaction.
"""

from django.core.exceptions import ValidationError
from django.db import connection

from ..choices import ProposalKind, Status
from ..models import (
    Incident,
    IncidentSource,
    IncidentVersion,
    ModerationEvent,
    Organization,
    Outcome,
    ProposedName,
    Source,
    Submission,
    System,
    Translation,
)
from ..public import search, store
from ..text import lookup_keys, normalize_url
from . import claims
from .drafts import validate_draft

SCALAR_FIELDS = (
    "title", "narrative", "language", "incident_date", "date_precision", "country", "region", "city",
    "identification_mode", "error_type", "contributing_factors", "reference_database",
    "human_review", "sole_basis", "external_ids", "deployment_id",
)
AFFECTED_FIELDS = {"count": "affected_count", "has_minor": "affected_minor", "name": "affected_name", "name_public": "affected_name_public"}


def resolve_names(model, names: list[str]) -> tuple[list, list[str]]:
    """Return (known records, unknown names) for slugs, names or aliases, in one query per call."""
    keyed = {name: lookup_keys(name) for name in names}
    all_keys = sorted({k for keys in keyed.values() for k in keys})
    rows = list(model.objects.filter(lookup_keys__overlap=all_keys)) if all_keys else []
    found, unknown = [], []
    for name, keys in keyed.items():
        match = next((row for row in rows if set(keys) & set(row.lookup_keys)), None)
        if match is None:
            unknown.append(name)
        elif match not in found:
            found.append(match)
    return found, unknown


def _set_names(incident: Incident, systems=None, operators=None) -> None:
    for names, model, relation, kind in (
        (systems, System, incident.systems, ProposalKind.SYSTEM),
        (operators, Organization, incident.operators, ProposalKind.OPERATOR),
    ):
        if names is None:
            continue
        found, unknown = resolve_names(model, names)
        relation.set(found)
        incident.proposed_names.filter(kind=kind).delete()
        ProposedName.objects.bulk_create([ProposedName(incident=incident, kind=kind, name=n) for n in unknown])


CITATION_FIELDS = ("title", "publisher", "published_date", "date_precision", "language", "source_type")


def citation_values(row: dict) -> dict:
    """What a record says about one of its sources, from a validated draft row."""
    values = {f: row.get(f) for f in CITATION_FIELDS}
    for f in ("title", "publisher", "language"):
        values[f] = values[f] or ""
    values["date_precision"] = values["date_precision"] or "day"
    values["source_type"] = values["source_type"] or "news"
    return values


def source_for(row: dict) -> Source:
    """Return the shared source for a URL, creating it from ``row`` the first time it is seen.

    An existing source is never changed: what a record says about it is its own citation
    (``IncidentSource``), so one record's draft cannot alter another's published text.
    """
    existing = Source.objects.filter(normalized_url=normalize_url(row["url"])).first() if row.get("url") else None
    if existing:
        return existing
    fields = {k: row.get(k) for k in ("url", "title", "publisher", "published_date", "date_precision", "language", "source_type")}
    # A new source is preserved once this transaction commits (preservation.queue).
    return Source.objects.create(**{k: v for k, v in fields.items() if v is not None})


def _set_evidence(incident: Incident, sources: list[dict], outcomes: list[dict] | None) -> None:
    """Replace the incident's sources and outcomes; outcomes refer to sources by position."""
    incident.source_links.all().delete()
    incident.outcomes.all().delete()
    ordered = []
    for position, row in enumerate(sources):
        source = source_for(row)
        if source not in ordered:
            IncidentSource.objects.create(incident=incident, source=source, position=position, **citation_values(row))
        ordered.append(source)
    for position, row in enumerate(outcomes or []):
        outcome = Outcome.objects.create(
            incident=incident, position=position, type=row["type"], date=row.get("date"),
            date_precision=row.get("date_precision") or "day", detail=row.get("detail") or "",
            days=row.get("days"), amount=row.get("amount"), currency=row.get("currency") or "",
            stated_status=row.get("status") or "",
        )
        outcome.sources.set({ordered[i] for i in row["sources"]})
        claims.set_outcome_claim(outcome, row, ordered)


def _scalar_values(attrs: dict) -> dict:
    values = {f: attrs[f] for f in SCALAR_FIELDS if f in attrs}
    affected = attrs.get("affected")
    if affected is not None:
        values.update({model_field: affected[key] for key, model_field in AFFECTED_FIELDS.items() if key in affected})
    if "affected_name_public" in attrs:
        values["affected_name_public"] = attrs["affected_name_public"]
    if values.get("affected_minor"):
        values["affected_name"], values["affected_name_public"] = "", False
    return values


def create_draft(attrs: dict, reported_by=None) -> Incident:
    """Create an unpublished incident from validated draft attributes (see ``drafts.validate_draft``)."""
    values = _scalar_values(attrs)
    values.setdefault("date_precision", "day")
    values["affected_name_public"] = False  # only a moderator can make a name public
    incident = Incident(status=Status.SUBMITTED, reported_by=reported_by, **values)
    incident.full_clean(exclude=["sources", "systems", "operators"])
    incident.save()
    _set_names(incident, attrs.get("systems", []), attrs.get("operators", []))
    _set_evidence(incident, attrs["sources"], attrs.get("outcomes"))
    if attrs.get("claims"):
        claims.set_claims(incident, attrs["claims"], claims.cited_sources(incident))
    return incident


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def validate_changes(changes: dict) -> dict:
    """Validate draft fields as sent (partial), with the API's and the form's rules."""
    return validate_draft(changes, partial=True)


def update_draft(incident: Incident, attrs: dict, *, trusted: bool) -> dict:
    """Apply validated (partial) draft attributes to ``incident``; return {field: [before, after]}.

    ``trusted`` is True only for a moderator's change: anything else (a submitter's
    answer) cannot make the affected person's name public, and turns the flag off.
    The caller saves the incident; related rows are written here.
    """
    diff = {}
    values = _scalar_values(attrs)
    if not trusted:
        values.pop("affected_name_public", None)
        if incident.affected_name_public:
            values["affected_name_public"] = False
    for field, value in values.items():
        before = getattr(incident, field)
        if before != value:
            sensitive = field == "affected_name"
            diff[field] = ["[redacted]" if sensitive and before else _plain(before), "[redacted]" if sensitive and value else _plain(value)]
            setattr(incident, field, value)
    for relation, model in (("systems", System), ("operators", Organization)):
        if relation in attrs:
            before = sorted(getattr(incident, relation).values_list("slug", flat=True))
            _set_names(incident, **{relation: attrs[relation]})
            after = sorted(getattr(incident, relation).values_list("slug", flat=True))
            if before != after:
                diff[relation] = [before, after]
    claims_before = claims.claims_of(incident)
    if "sources" in attrs:
        before = _evidence_of(incident)
        _set_evidence(incident, attrs["sources"], attrs.get("outcomes", []))
        after = _evidence_of(incident)
        for key in ("sources", "outcomes"):
            if before[key] != after[key]:
                diff[key] = [before[key], after[key]]
    if "claims" in attrs:
        claims.set_claims(incident, attrs["claims"], claims.cited_sources(incident))
    else:
        claims.drop_unattributed(incident)
    claims_after = claims.claims_of(incident)
    if claims_before != claims_after:
        diff["claims"] = [claims_before, claims_after]
    return diff


def _evidence_of(incident: Incident) -> dict:
    """The sources (URL and citation) and outcomes of a record, as plain values for a history diff."""
    sources = [f"{link.source.url} — {link.title}".rstrip(" —") for link in
               incident.source_links.select_related("source").order_by("position")]
    outcomes = [" ".join(str(v) for v in (o.type, _plain(o.date), o.days, o.amount, o.currency, o.detail,
                                            o.stated_status and f"status={o.stated_status}",
                                            *(f"{v.field}={v.value}" for v in o.values.all())) if v not in (None, ""))
                for o in incident.outcomes.prefetch_related("values").order_by("position")]
    return {"sources": sources, "outcomes": outcomes}


def _replacer(texts: list[str], marker: str):
    import re

    pattern = re.compile("|".join(re.escape(t) for t in texts), re.IGNORECASE) if texts else None

    def replace(value):
        if pattern is None:
            return value
        if isinstance(value, str):
            return pattern.sub(marker, value)
        if isinstance(value, list):
            return [replace(v) for v in value]
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items()}
        return value

    return pattern, replace


def remove_texts(incident: Incident, texts: list[str], marker: str) -> list[str]:
    """Replace each of ``texts`` (ignoring case) by ``marker`` in every public text of the
    record and of its outcomes and citations; drop the affected person's name if it holds
    one. Return the public fields changed ("title", "sources.0.title", "affected.name"...).
    The caller saves the incident; outcomes and citations are saved here."""
    pattern, replace = _replacer(texts, marker)
    if pattern is None:
        return []
    changed = []
    for field in ("title", "narrative", "region", "city"):
        value = getattr(incident, field)
        new = replace(value)
        if new != value:
            setattr(incident, field, new[: Incident._meta.get_field(field).max_length])
            changed.append(field)
    name = incident.affected_name
    if name and (pattern.search(name) or any(name.lower() in t.lower() for t in texts)):
        incident.affected_name, incident.affected_name_public = "", False
        changed.append("affected.name")
    for i, outcome in enumerate(incident.outcomes.order_by("position", "id")):
        new = replace(outcome.detail)
        if new != outcome.detail:
            outcome.detail = new
            outcome.save(update_fields=["detail"])
            changed.append(f"outcomes.{i}.detail")
    for i, link in enumerate(incident.source_links.order_by("position", "id")):
        fields = [f for f in ("title", "publisher") if replace(getattr(link, f)) != getattr(link, f)]
        for f in fields:
            setattr(link, f, replace(getattr(link, f))[: IncidentSource._meta.get_field(f).max_length])
            changed.append(f"sources.{i}.{f}")
        if fields:
            link.save(update_fields=fields)
    return changed


def scrub_history(incident: Incident, texts: list[str], marker: str) -> None:
    """Replace ``texts`` by ``marker`` in the record's earlier versions (notes, diffs,
    snapshots), its history rows and the submission as sent.

    The history tables refuse every UPDATE, except of these text columns inside a
    transaction that set ``registry.redaction`` (migration 0015); it is set here, for this
    transaction only, and cleared again at once.
    """
    pattern, replace = _replacer(texts, marker)
    if pattern is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('registry.redaction', 'on', true)")
    try:
        for version in IncidentVersion.objects.filter(incident=incident):
            new = (replace(version.note), replace(version.changes), replace(version.snapshot))
            if new != (version.note, version.changes, version.snapshot):
                version.note, version.changes, version.snapshot = new
                version.save(update_fields=["note", "changes", "snapshot"])
        for event in ModerationEvent.objects.filter(incident=incident):
            new = (replace(event.reason), replace(event.changes))
            if new != (event.reason, event.changes):
                event.reason, event.changes = new
                event.save(update_fields=["reason", "changes"])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('registry.redaction', 'off', true)")
    for submission in Submission.objects.filter(incident=incident):
        payload = replace(submission.payload)
        if payload != submission.payload:
            submission.payload = payload
            submission.save(update_fields=["payload"])


def check_publishable(incident: Incident) -> None:
    """Refuse to publish a record without a source, or with an outcome resting on none of its sources."""
    source_ids = set(incident.source_links.values_list("source_id", flat=True))
    if not source_ids:
        raise ValidationError({"sources": "An incident cannot be published without at least one source."})
    for outcome in incident.outcomes.prefetch_related("sources"):
        if not {s.pk for s in outcome.sources.all()} & source_ids:
            raise ValidationError({"outcomes": f"The outcome {outcome.get_type_display()!r} rests on none of the incident's sources."})
    if incident.proposed_names.exists():
        raise ValidationError({"proposed": "Decide on every proposed system and operator first."})


def move_evidence(duplicate: Incident, canonical: Incident) -> dict:
    """Move every source and outcome of ``duplicate`` to ``canonical``, losing none."""
    have = set(canonical.source_links.values_list("source_id", flat=True))
    next_position = canonical.source_links.count()
    moved_sources = []
    for link in duplicate.source_links.select_related("source"):
        if link.source_id not in have:
            IncidentSource.objects.create(incident=canonical, source_id=link.source_id, position=next_position,
                                          **{f: getattr(link, f) for f in CITATION_FIELDS})
            next_position += 1
            moved_sources.append(link.source.url)
    next_outcome = canonical.outcomes.count()
    moved_outcomes = 0
    for outcome in duplicate.outcomes.all():
        outcome.incident = canonical
        outcome.position = next_outcome + outcome.position
        outcome.save(update_fields=["incident", "position"])
        moved_outcomes += 1
    canonical.systems.add(*duplicate.systems.all())
    canonical.operators.add(*duplicate.operators.all())
    # The duplicate keeps its source links too, so its history still shows what it cited.
    return {"moved_sources": moved_sources, "moved_outcomes": moved_outcomes}


def touch(incident_ids) -> None:
    """Mark records as changed now: a new Last-Modified and ETag, and their read-model rows rebuilt."""
    from django.utils import timezone


    ids = list(incident_ids)
    if ids:
        Incident.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        search.refresh_search_vectors(ids)  # names and aliases are searchable
        store.refresh(ids)


def drop_translations(incident: Incident) -> list[str]:
    """Delete every translation of the record (inside the caller's transition); return their
    languages. A redaction calls it (a translation may carry the removed detail, in any form),
    and so does a correction of the title or narrative (it no longer says what the record says)."""
    languages = list(Translation.objects.filter(incident=incident).values_list("language", flat=True))
    Translation.objects.filter(incident=incident).delete()
    return languages
