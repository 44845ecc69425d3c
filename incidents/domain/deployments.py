"""The one write path of deployments (and their figures): submit, publish, reject, correct,
withdraw, import. Each validates what it is given (``deployment_drafts``) and runs in one
transaction with its history row (``record_event``, the only writer of
``DeploymentEvent``). When a deployment's public state or content changes, the public
records of the incidents linked to it are rebuilt in the same transaction (their record
names the deployment only while it is published).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..choices import Action, DeploymentAction, Status
from ..models import Deployment, DeploymentEvent, DeploymentSource, Figure, Incident, Organization, System
from ..public import store
from . import moderation, records
from .deployment_drafts import validate_deployment

MOVES = {
    DeploymentAction.PUBLISH: ((Status.SUBMITTED,), Status.PUBLISHED),
    DeploymentAction.REJECT: ((Status.SUBMITTED,), Status.REJECTED),
    DeploymentAction.CORRECT: ((Status.PUBLISHED,), Status.PUBLISHED),
    DeploymentAction.WITHDRAW: ((Status.PUBLISHED,), Status.WITHDRAWN),
}
FIELDS = ("kind", "technology", "country", "region", "city", "place", "started", "started_precision", "ended", "ended_precision",
          "reference_databases", "reference_note", "summary")


def record_event(deployment, action, actor=None, *, from_status="", to_status="", reason="", changes=None) -> DeploymentEvent:
    """Append one row to a deployment's history (the only code that writes them)."""
    return DeploymentEvent.objects.create(deployment=deployment, actor=moderation._actor(actor), action=action, from_status=from_status,
                                          to_status=to_status or from_status, reason=reason, changes=changes or {})


def _names(deployment: Deployment, attrs: dict) -> None:
    if "operator" in attrs:
        found, unknown = records.resolve_names(Organization, [attrs["operator"]])
        deployment.operator, deployment.operator_name = (found[0] if found else None), attrs["operator"]
    if "system" in attrs:
        found, unknown = records.resolve_names(System, [attrs["system"]]) if attrs["system"] else ([], [])
        deployment.system, deployment.system_name = (found[0] if found else None), attrs["system"]
        if deployment.system is not None:
            deployment.technology = deployment.system.technology


def _set_evidence(deployment: Deployment, sources: list[dict], figures: list[dict]) -> None:
    deployment.source_links.all().delete()
    deployment.figures.all().delete()
    ordered = []
    for position, row in enumerate(sources):
        source = records.source_for(row)
        if source not in ordered:
            DeploymentSource.objects.create(deployment=deployment, source=source, position=position, title=row.get("title") or "",
                                            publisher=row.get("publisher") or "", source_type=row.get("source_type") or "news")
        ordered.append(source)
    Figure.objects.bulk_create([
        Figure(deployment=deployment, position=i, kind=f["kind"], measure=f["measure"], qualifier=f["qualifier"], value=f["value"],
               unit=f["unit"].strip(), period_start=f["period_start"], period_end=f["period_end"], provenance=f["provenance"],
               source=ordered[f["source"]])
        for i, f in enumerate(figures)])


def _apply(deployment: Deployment, attrs: dict) -> dict:
    """Set validated attributes; return {field: [before, after]} of what changed."""
    before = _plain(deployment)
    for field in FIELDS:
        if field in attrs:
            setattr(deployment, field, attrs[field])
    _names(deployment, attrs)
    _save(deployment)
    if "sources" in attrs:
        _set_evidence(deployment, attrs["sources"], attrs.get("figures") or [])
    after = _plain(deployment)
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _plain(deployment: Deployment) -> dict:
    values = {f: getattr(deployment, f) for f in FIELDS}
    values = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
    values["operator"] = deployment.operator.slug if deployment.operator_id else deployment.operator_name
    values["system"] = deployment.system.slug if deployment.system_id else deployment.system_name
    if deployment.pk:
        values["sources"] = [link.source.url for link in deployment.source_links.select_related("source")]
        values["figures"] = [f"{f.kind}: {f.value:g} {f.unit} ({f.measure})" for f in deployment.figures.all()]
    return values


def _save(deployment: Deployment) -> None:
    deployment.full_clean(exclude=["sources", "operator", "system"], validate_constraints=False)
    try:
        deployment.save()
    except IntegrityError as exc:
        raise ValidationError(str(exc).splitlines()[0]) from exc


def _refresh_linked(deployment: Deployment) -> None:
    """The deployment is a public change: rebuild its linked incidents' records and advance the
    public version (the response cache's key: system and organization pages show deployments)."""
    store.refresh(list(deployment.incidents.filter(status=Status.PUBLISHED).values_list("pk", flat=True)))
    with connection.cursor() as cursor:
        store.advance_public_version(cursor)


def submit(payload: dict, actor=None) -> Deployment:
    """Take in a deployment for the moderators (anyone may send one)."""
    attrs = validate_deployment(payload)
    with transaction.atomic():
        deployment = Deployment(status=Status.SUBMITTED)
        _apply(deployment, attrs)
        record_event(deployment, DeploymentAction.SUBMIT, actor, to_status=Status.SUBMITTED)
    return deployment


def _transition(deployment_id: int, action: str, actor, *, reason: str = "", apply=None) -> Deployment:
    if not moderation.is_moderator(actor):
        raise moderation.NotAModerator("Only moderators can do this.")
    sources, target = MOVES[action]
    with transaction.atomic():
        deployment = Deployment.objects.select_for_update().get(pk=deployment_id)
        before = deployment.status
        if before not in sources:
            raise moderation.InvalidTransition(f"Cannot {DeploymentAction(action).label.lower()} a deployment that is {before} "
                                               f"(allowed from: {', '.join(sources)}).")
        changes = (apply(deployment) if apply else None) or {}
        deployment.status = target
        _save(deployment)
        if Status.PUBLISHED in (before, target):
            _refresh_linked(deployment)
        record_event(deployment, action, actor, from_status=before, to_status=target, reason=reason, changes=changes)
    return deployment


def _decide(deployment: Deployment, kind: str, decision: str | None):
    """A moderator's decision on an unknown operator or system name: "create" or an existing slug."""
    model = Organization if kind == "operator" else System
    name = deployment.operator_name if kind == "operator" else deployment.system_name
    if decision == "create":
        values = {"name": name} if kind == "operator" else {"name": name, "technology": deployment.technology}
        return model.objects.create(**values)
    found = model.objects.filter(slug=decision).first() if decision else None
    if found is None:
        raise ValidationError({f"proposed.{kind}": f"Decide on {name!r}: \"create\" or an existing slug."})
    return found


def publish(deployment: Deployment, actor, *, proposed: dict | None = None, note: str = "") -> Deployment:
    """Publish a submitted deployment: its operator (and system, if named) must be known or decided in ``proposed``."""
    proposed = proposed or {}

    def apply(locked):
        if locked.operator_id is None:
            locked.operator = _decide(locked, "operator", proposed.get("operator"))
        if locked.system_id is None and locked.system_name:
            locked.system = _decide(locked, "system", proposed.get("system"))
        if not locked.source_links.exists():
            raise ValidationError({"sources": "A deployment needs at least one source."})
        locked.version, locked.published_at = 1, timezone.now()
        return {"operator": locked.operator.slug, "system": locked.system.slug if locked.system_id else None}

    return _transition(deployment.pk, DeploymentAction.PUBLISH, actor, reason=note, apply=apply)


def reject(deployment: Deployment, actor, reason: str) -> Deployment:
    return _transition(deployment.pk, DeploymentAction.REJECT, actor, reason=moderation.required_text(reason, "reason"))


def withdraw(deployment: Deployment, actor, reason: str) -> Deployment:
    return _transition(deployment.pk, DeploymentAction.WITHDRAW, actor, reason=moderation.required_text(reason, "reason"))


def correct(deployment: Deployment, actor, changes: dict, note: str) -> Deployment:
    """Change a published deployment: a new version, with the public note and what changed."""
    note = moderation.required_text(note, "note")
    attrs = validate_deployment(changes, partial=True)
    if not attrs:
        raise ValidationError({"changes": "Nothing to change."})

    def apply(locked):
        diff = _apply(locked, attrs)
        if locked.operator_id is None:
            raise ValidationError({"operator": f"No known operator {locked.operator_name!r}: use an existing slug."})
        locked.version += 1
        return diff

    return _transition(deployment.pk, DeploymentAction.CORRECT, actor, reason=note, apply=apply)


def create_published(attrs: dict, actor, reason: str, *, pk: int | None = None, version: int = 1, published_at=None) -> Deployment:
    """An imported deployment (already validated and mapped by a moderator): published at once, with an import history row.
    A restore passes the dump's id, version and publication time. The caller holds the transaction."""
    deployment = Deployment(pk=pk, status=Status.PUBLISHED, version=version, published_at=published_at or timezone.now())
    _apply(deployment, attrs)
    if deployment.operator_id is None:
        raise ValidationError({"operator": f"No known operator {attrs.get('operator')!r}."})
    record_event(deployment, DeploymentAction.IMPORT, actor, to_status=Status.PUBLISHED, reason=reason)
    _refresh_linked(deployment)
    return deployment


def link_imported(deployment: Deployment, incident_ids: list[int], actor=None, reason: str = "") -> int:
    """Link imported incidents to the deployment they arose from (the demo data, an import):
    their public records are rebuilt and each gets a history row. Moderators link one
    incident through ``edit_draft`` or ``correct`` (the ``deployment`` field)."""
    with transaction.atomic():
        incidents = list(Incident.objects.select_for_update().filter(pk__in=incident_ids))
        Incident.objects.filter(pk__in=[i.pk for i in incidents]).update(deployment=deployment)
        store.refresh([i.pk for i in incidents])
        moderation.record_events([{"incident": i, "action": Action.IMPORT, "actor": actor, "from_status": i.status,
                                   "reason": reason or f"Linked to deployment {deployment.pk}.", "changes": {"deployment": [None, deployment.pk]}}
                                  for i in incidents])
    return len(incidents)
