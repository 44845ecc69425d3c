"""Evidence levels: derived from a record's sources, never typed by hand.

An official record (a court record, a regulator's action, a government document) ranks
above independent reporting (news, NGO reports, academic work, the operator's own
response), which ranks above a person's own testimony alone. The level is worked out from
the sources whenever a record changes (this rule in Python; the same rule in SQL in
public.record_sql, held equal by tests; the read model takes it from the record), so adding a court filing raises it at once.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import SourceType


class EvidenceLevel(models.TextChoices):
    OFFICIAL_RECORD = "official_record", _("Official record")
    REPORTED = "reported", _("Independently reported")
    TESTIMONY_ONLY = "testimony_only", _("Personal testimony only")


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
