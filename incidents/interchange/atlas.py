"""Deployments from a CSV in the shape the EFF's Atlas of Surveillance publishes (agency,
city, state, technology, vendor, links), mapped by a moderator to the registry's
organizations and systems, and imported all or nothing.

Every row is checked first; the first bad row stops the import with its line and column
and nothing is written. Rows of technologies outside the registry's scope (licence-plate
readers, drones, body cameras …) are skipped and counted, not refused: an Atlas export
holds many. The mapping (a JSON object, optional):

    {"agencies": {"<Agency as in the file>": "<organization slug>" | "create"},
     "vendors": {"<Vendor as in the file>": "<system slug>"},
     "technologies": {"<Technology as in the file>": "face" | "iris" | "fingerprint" | "identity_database"},
     "agency_kind": "police"}

An agency found by name or alias needs no mapping; one neither found nor mapped is an
error naming the row. A vendor maps to a system (the product); without one the deployment
records the technology only.
"""

import csv
import re

from django.db import transaction
from rest_framework import serializers

from ..choices import OrganizationKind, Technology
from ..domain import deployments
from ..domain.deployment_drafts import validate_deployment
from ..models import Organization, System
from ..text import lookup_keys

TECHNOLOGIES = {"face recognition": Technology.FACE, "facial recognition": Technology.FACE, "face": Technology.FACE,
                "iris recognition": Technology.IRIS, "fingerprint": Technology.FINGERPRINT, "biometrics": Technology.OTHER}
US_STATES = {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA",
             "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX",
             "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR"}


class AtlasError(Exception):
    """A row cannot be imported; nothing was."""

    def __init__(self, line: int, column: str, message: str):
        self.line, self.column = line, column
        super().__init__(f"line {line}, column {column!r}: {message}")


def _column(row: dict, *names: str) -> str:
    lowered = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
    for name in names:
        if lowered.get(name):
            return lowered[name]
    return ""


def _links(row: dict) -> list[str]:
    found = []
    for key, value in row.items():
        key = (key or "").strip().lower()
        if key == "links" or re.fullmatch(r"link( \d+)?", key):
            found += [v for v in re.split(r"[\s|]+", value or "") if v]
    return list(dict.fromkeys(found))


def _find(model, name: str):
    keys = lookup_keys(name)
    return model.objects.filter(lookup_keys__overlap=keys).first() if keys else None


def parse(text: str, mapping: dict | None = None, country: str = "US") -> tuple[list[dict], int]:
    """Check every row; return (deployment drafts with their decisions, rows skipped as out of scope)."""
    mapping = mapping or {}
    technologies = {k.lower(): v for k, v in (mapping.get("technologies") or {}).items()} | TECHNOLOGIES
    rows, skipped = [], 0
    reader = csv.DictReader(text.splitlines())
    missing = {"agency", "technology"} - {(h or "").strip().lower() for h in reader.fieldnames or []}
    if missing:
        raise AtlasError(1, ", ".join(sorted(missing)), "the header lacks these columns (the Atlas of Surveillance's are Agency, City, "
                                                         "State, Technology, Vendor, Link 1 …).")
    for line, row in enumerate(reader, start=2):
        agency, technology = _column(row, "agency"), _column(row, "technology")
        if not agency:
            raise AtlasError(line, "agency", "empty.")
        tech = technologies.get(technology.lower())
        if tech is None:
            skipped += 1
            continue
        decision = (mapping.get("agencies") or {}).get(agency)
        operator = Organization.objects.filter(slug=decision).first() if decision and decision != "create" else _find(Organization, agency)
        if operator is None and decision != "create":
            raise AtlasError(line, "agency", f"{agency!r} is not a known organization: map it to a slug or \"create\" in the mapping.")
        vendor = _column(row, "vendor")
        system_slug = (mapping.get("vendors") or {}).get(vendor)
        system = System.objects.filter(slug=system_slug).first() if system_slug else None
        if system_slug and system is None:
            raise AtlasError(line, "vendor", f"the mapping sends {vendor!r} to system {system_slug!r}, which does not exist.")
        state = _column(row, "state").upper()
        if country == "US" and state and state not in US_STATES:
            raise AtlasError(line, "state", f"{state!r} is not a US state code.")
        links = _links(row)
        if not links:
            raise AtlasError(line, "link 1", "no link: every deployment needs a source.")
        draft = {"operator": operator.slug if operator else agency, "system": system.slug if system else "", "technology": tech,
                 "country": country, "region": state, "city": _column(row, "city"),
                 "summary": _column(row, "summary", "description") or (f"{agency} uses {technology.lower()}" + (f" from {vendor}." if vendor else ".")),
                 "sources": [{"url": url, "title": f"Atlas of Surveillance entry: {agency}, {technology}", "source_type": "other"} for url in links]}
        try:
            attrs = validate_deployment(draft)
        except serializers.ValidationError as exc:
            raise AtlasError(line, "links" if "sources" in exc.detail else next(iter(exc.detail)), str(exc.detail)) from None
        rows.append({"line": line, "attrs": attrs, "create_operator": operator is None, "agency": agency})
    return rows, skipped


def import_rows(rows: list[dict], actor, mapping: dict | None = None) -> list[int]:
    """Write checked rows in one transaction (organizations to create first); return the new deployment ids."""
    kind = (mapping or {}).get("agency_kind") or OrganizationKind.POLICE
    ids = []
    with transaction.atomic():
        created = {}
        for row in rows:
            if row["create_operator"]:
                if row["agency"] not in created:
                    created[row["agency"]] = _find(Organization, row["agency"]) or Organization.objects.create(name=row["agency"], kind=kind)
                row["attrs"]["operator"] = created[row["agency"]].slug
            ids.append(deployments.create_published(row["attrs"], actor, reason=f"Imported from an Atlas of Surveillance CSV (line {row['line']}).").pk)
    return ids
