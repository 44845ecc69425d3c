"""Writing a record's claims: which sources support and contradict each attribution and
outcome, the statuses people set, and the values sources give where they differ.

Called by ``records`` inside the caller's transaction (create, edit, answer, correct,
import); the rule that turns sources into a status is ``incidents.evidence.status_of``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..evidence import ClaimAbout
from ..models import Claim, ClaimSource, Incident, Outcome, OutcomeValue, Source, Stance
from ..text import lookup_keys


def cited_sources(incident: Incident) -> list[Source]:
    """The record's sources in the order positions refer to."""
    return [link.source for link in incident.source_links.select_related("source").order_by("position", "id")]


def _subjects(incident: Incident) -> dict[str, list]:
    systems = list(incident.systems.select_related("vendor"))
    vendors = list({s.vendor_id: s.vendor for s in systems if s.vendor_id}.values())
    return {ClaimAbout.SYSTEM: systems, ClaimAbout.VENDOR: vendors, ClaimAbout.OPERATOR: list(incident.operators.all())}


def _find(candidates, name: str):
    keys = set(lookup_keys(name))
    return next((c for c in candidates if keys & set(c.lookup_keys)), None)


def set_claims(incident: Incident, rows: list[dict], sources: list[Source]) -> None:
    """Replace the record's claims by ``rows`` (validated ``drafts.ClaimDraft`` data, source
    positions into ``sources``). A claim must be about one of the record's own attributions:
    anything else is an error naming the claim, and nothing is written."""
    subjects = _subjects(incident)
    made, errors = [], {}
    for i, row in enumerate(rows):
        about, subject = row["about"], row["subject"]
        fields = {}
        if about in subjects:
            found = _find(subjects[about], subject)
            if found is None:
                errors[f"claims.{i}.subject"] = _("{name} is not one of the record's {kind}: name one of them, or add it to the record first.").format(
                    name=repr(subject), kind={ClaimAbout.SYSTEM: _("systems"), ClaimAbout.VENDOR: _("vendors"), ClaimAbout.OPERATOR: _("operators")}[about])
                continue
            fields = {"system": found} if about == ClaimAbout.SYSTEM else {"organization": found}
        elif about == ClaimAbout.TECHNOLOGY:
            fields = {"technology": subject}
        elif getattr(incident, about) is None:
            errors[f"claims.{i}.about"] = _("The record does not say whether {what}: set it before giving its sources.").format(
                what=ClaimAbout(about).label.lower())
            continue
        made.append((Claim(incident=incident, about=about, stated_status=row.get("status") or "", **fields), row))
    if errors:
        raise ValidationError(errors)
    Claim.objects.filter(incident=incident).delete()
    Claim.objects.bulk_create([claim for claim, _row in made])
    ClaimSource.objects.bulk_create([
        ClaimSource(claim=claim, source=sources[n], stance=stance)
        for claim, row in made for key, stance in (("sources", Stance.SUPPORTS), ("contradicted_by", Stance.CONTRADICTS))
        for n in dict.fromkeys(row.get(key) or []) if n < len(sources)
    ], ignore_conflicts=True)


def set_outcome_claim(outcome: Outcome, row: dict, sources: list[Source]) -> None:
    """An outcome's contradicting sources, stated status and differing values (its supporting
    sources are set with it)."""
    contradicting = [sources[n] for n in row.get("contradicted_by") or [] if n < len(sources)]
    if contradicting:
        outcome.contradicted_by.set(contradicting)
    for position, value in enumerate(row.get("values") or []):
        stored = OutcomeValue.objects.create(outcome=outcome, field=value["field"], value=value["value"], position=position)
        stored.sources.set({sources[n] for n in value["sources"] if n < len(sources)})


def claims_of(incident: Incident) -> list[str]:
    """The record's stated claims, as plain text for a history diff."""
    positions = {s.pk: i for i, s in enumerate(cited_sources(incident))}
    lines = []
    for claim in Claim.objects.filter(incident=incident).select_related("system", "organization").prefetch_related("stances").order_by("about", "id"):
        subject = (claim.system or claim.organization or claim.technology or "")
        stances = {Stance.SUPPORTS: [], Stance.CONTRADICTS: []}
        for stance in claim.stances.all():
            stances[stance.stance].append(positions.get(stance.source_id, "?"))
        lines.append(" ".join(str(part) for part in (
            claim.about, getattr(subject, "slug", subject), claim.stated_status and f"status={claim.stated_status}",
            stances[Stance.SUPPORTS] and f"sources={sorted(stances[Stance.SUPPORTS], key=str)}",
            stances[Stance.CONTRADICTS] and f"contradicted_by={sorted(stances[Stance.CONTRADICTS], key=str)}") if part))
    return lines


def drop_unattributed(incident: Incident) -> None:
    """Delete the claims about systems, vendors and operators the record no longer names."""
    subjects = _subjects(incident)
    for claim in Claim.objects.filter(incident=incident, about__in=list(subjects)).select_related("system", "organization"):
        if (claim.system or claim.organization) not in subjects[claim.about]:
            claim.delete()

