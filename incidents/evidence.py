"""Evidence levels: derived from a record's sources, never typed by hand.

An official record (a court record, a regulator's action, a government document) ranks
above independent reporting (news, NGO reports, academic work, the operator's own
response), which ranks above a person's own testimony alone. The level is recomputed
from the sources every time it is read, so adding a court filing raises it at once.
"""

from django.db import models
from django.db.models import Case, Exists, OuterRef, Value, When

from .choices import SourceType


class EvidenceLevel(models.TextChoices):
    OFFICIAL_RECORD = "official_record", "Official record"
    REPORTED = "reported", "Independently reported"
    TESTIMONY_ONLY = "testimony_only", "Personal testimony only"


OFFICIAL = {SourceType.COURT_RECORD, SourceType.REGULATOR_ACTION, SourceType.GOVERNMENT_DOCUMENT}
TESTIMONY = {SourceType.PERSONAL_TESTIMONY}
REPORTED = set(SourceType) - OFFICIAL - TESTIMONY


def level_of(source_types) -> str:
    types = set(source_types)
    if types & OFFICIAL:
        return EvidenceLevel.OFFICIAL_RECORD.value
    if types & REPORTED:
        return EvidenceLevel.REPORTED.value
    return EvidenceLevel.TESTIMONY_ONLY.value


def _has(types):
    from .models import IncidentSource

    return Exists(IncidentSource.objects.filter(incident_id=OuterRef("pk"), source__source_type__in=sorted(types)))


def level_expression():
    """The same rule in SQL, for filters and counts."""
    return Case(
        When(_has(OFFICIAL), then=Value(EvidenceLevel.OFFICIAL_RECORD.value)),
        When(_has(REPORTED), then=Value(EvidenceLevel.REPORTED.value)),
        default=Value(EvidenceLevel.TESTIMONY_ONLY.value),
        output_field=models.CharField(),
    )


def filter_levels(incidents, levels):
    return incidents.alias(evidence_level=level_expression()).filter(evidence_level__in=levels)
