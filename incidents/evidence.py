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


# --- claims ----------------------------------------------------------------------------
# A record's parts carry different weight: that a person was arrested may be in court
# records while the police deny that face recognition was used. Each part is a claim with
# its own status, derived from the sources that support or contradict it (``status_of``),
# unless a moderator set it. The same rule runs in SQL for the read model
# (``sql_status``, built from these sets) and tests hold the two equal on every combination.


class ClaimStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REPORTED = "reported", _("Reported")
    ALLEGED = "alleged", _("Alleged")
    DISPUTED = "disputed", _("Disputed")
    DENIED = "denied", _("Denied")


class ClaimAbout(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology involved")
    SYSTEM = "system", _("System")
    VENDOR = "vendor", _("Vendor")
    OPERATOR = "operator", _("Operator")
    SOLE_BASIS = "sole_basis", _("The match was the sole basis for action")
    HUMAN_REVIEW = "human_review", _("A human examiner reviewed the match")


# What an attributing filter matches when no ``attribution`` is given: every status but denied.
DEFAULT_ATTRIBUTION = [s.value for s in ClaimStatus if s != ClaimStatus.DENIED]
RESPONSE = {SourceType.OFFICIAL_RESPONSE}
INDEPENDENT = REPORTED - RESPONSE  # news, NGO reports, academic work, other


def status_of(supporting, contradicting=(), stated: str = "") -> str:
    """The status of a claim from the types of the sources that support and contradict it.

    confirmed: an official record, court record or the operator's own statement says so;
    reported: independent reporting says so; alleged: only a party's claim (a testimony);
    disputed: sources contradict each other; denied: only the operator's or vendor's own
    response contradicts it, and no official record supports it."""
    if stated:
        return stated
    supporting, contradicting = set(supporting), set(contradicting)
    if contradicting:
        if contradicting <= RESPONSE and not supporting & OFFICIAL:
            return ClaimStatus.DENIED.value
        return ClaimStatus.DISPUTED.value
    if supporting & (OFFICIAL | RESPONSE):
        return ClaimStatus.CONFIRMED.value
    if supporting & INDEPENDENT:
        return ClaimStatus.REPORTED.value
    return ClaimStatus.ALLEGED.value


def _in(values) -> str:
    return "ARRAY[" + ", ".join("'" + str(v) + "'" for v in sorted(values)) + "]::text[]"


def sql_status(supporting: str, contradicting: str, stated: str) -> str:
    """``status_of`` as an SQL expression over two text[] expressions and a stated status."""
    return (f"CASE WHEN coalesce({stated}, '') <> '' THEN {stated} "
            f"WHEN cardinality({contradicting}) > 0 THEN CASE WHEN {contradicting} <@ {_in(RESPONSE)} "
            f"AND NOT {supporting} && {_in(OFFICIAL)} THEN 'denied' ELSE 'disputed' END "
            f"WHEN {supporting} && {_in(OFFICIAL | RESPONSE)} THEN 'confirmed' "
            f"WHEN {supporting} && {_in(INDEPENDENT)} THEN 'reported' ELSE 'alleged' END")


# The evidence level as a summary of the claims: the best-established part of the record
# that no source contradicts (confirmed → official record; reported; alleged → testimony).
LEVEL_OF_STATUS = {
    ClaimStatus.CONFIRMED.value: EvidenceLevel.OFFICIAL_RECORD.value,
    ClaimStatus.REPORTED.value: EvidenceLevel.REPORTED.value,
    ClaimStatus.ALLEGED.value: EvidenceLevel.TESTIMONY_ONLY.value,
}


def level_of_claims(statuses, source_types) -> str:
    """The record's evidence level from its claims' statuses; from its sources when it makes
    no claim that stands uncontested (nothing attributed, no outcome)."""
    levels = {LEVEL_OF_STATUS[s] for s in statuses if s in LEVEL_OF_STATUS}
    for level in EvidenceLevel:
        if level.value in levels:
            return level.value
    return level_of(source_types)
