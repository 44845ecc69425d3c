"""A record's claims as the incident page shows them: what is claimed, how well it is
established, and by which sources (numbered as the page numbers them)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..choices import Technology
from ..evidence import ClaimAbout, ClaimStatus


def _names(record: dict) -> dict[tuple[str, str], str]:
    names = {("system", s["slug"]): s["name"] for s in record["systems"]}
    names |= {("vendor", s["vendor"]["slug"]): s["vendor"]["name"] for s in record["systems"] if s.get("vendor")}
    names |= {("operator", o["slug"]): o["name"] for o in record["operators"]}
    return names


def _refs(positions) -> list[int]:
    return [p + 1 for p in positions]


def claim_rows(record: dict) -> list[dict]:
    """One row per claim of a version 2 record: label, subject, status (value and words), sources."""
    names = _names(record)
    rows = []
    for claim in record.get("claims") or []:
        about, value = claim["about"], claim["value"]
        if about == ClaimAbout.TECHNOLOGY:
            subject = Technology(value).label if value in Technology.values else value
        elif isinstance(value, bool):
            subject = _("Yes") if value else _("No")
        else:
            subject = names.get((about, value), value)
        rows.append({"about": ClaimAbout(about).label, "subject": subject, "kind": about, "value": value, **status_of(claim)})
    return rows


def status_of(claim: dict) -> dict:
    """A claim's (or an outcome's) status for a page: its value, its words, who set it, its sources."""
    status = claim.get("status") or ClaimStatus.REPORTED.value
    return {"status": status, "status_label": ClaimStatus(status).label, "stated": claim.get("stated", False),
            "supporting": _refs(claim.get("sources") or []), "contradicting": _refs(claim.get("contradicted_by") or [])}


def attributed(record: dict) -> dict:
    """The record's systems (with their vendors) and operators, each with its claim's status, for the facts list."""
    by_subject = {(c["about"], c["value"]): status_of(c) for c in record.get("claims") or [] if isinstance(c["value"], str)}
    systems = [{**s, "claim": by_subject.get(("system", s["slug"])),
                "vendor_claim": by_subject.get(("vendor", s["vendor"]["slug"])) if s.get("vendor") else None} for s in record["systems"]]
    operators = [{**o, "claim": by_subject.get(("operator", o["slug"]))} for o in record["operators"]]
    return {"systems": systems, "operators": operators}


def differing_values(outcome: dict) -> list[str]:
    """ "Sources differ: 5 days (source 3), 6 days (sources 1, 2)" for each field whose values differ."""
    lines = []
    by_field: dict[str, list] = {}
    for value in outcome.get("values") or []:
        by_field.setdefault(value["field"], []).append(value)
    for field, values in by_field.items():
        parts = []
        for value in values:
            refs = ", ".join(str(n) for n in _refs(value["sources"]))
            shown = (ngettext("%(n)s day", "%(n)s days", int(value["value"])) % {"n": value["value"]} if field == "days"
                     else value["value"])
            parts.append(ngettext("%(value)s (source %(refs)s)", "%(value)s (sources %(refs)s)", len(value["sources"]))
                         % {"value": shown, "refs": refs})
        rule = _("the lowest is counted") if field in ("days", "amount") else _("the earliest is counted")
        lines.append(_("Sources differ: %(values)s; %(rule)s.") % {"values": "; ".join(parts), "rule": rule})
    return lines
