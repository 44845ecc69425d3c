"""What a record says about who and what was involved, each with its own evidence.

A record's attributions (its technology, systems, the systems' vendors, its operators) and
two of its facts (the match was the sole basis for action; a human examiner reviewed it)
are claims. A ``Claim`` row exists only where someone said more than the record itself
does: which sources support it, which contradict it, or a status set by a moderator. A
claim without a row rests on the record's own sources (``incidents.evidence``). Outcomes
carry the same: their supporting sources, the sources that contradict them, a stated
status, and the values sources give where they differ (``OutcomeValue``).
"""

from django.db import models
from django.db.models import Q

from ..evidence import ClaimAbout, ClaimStatus


class Claim(models.Model):
    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, related_name="claims")
    about = models.CharField(max_length=20, choices=ClaimAbout.choices)
    # The subject: a system, an organisation (a vendor or an operator), a technology code;
    # none for sole_basis and human_review (the record's own yes or no is the claim).
    system = models.ForeignKey("System", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organization = models.ForeignKey("Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    technology = models.CharField(max_length=30, blank=True)
    stated_status = models.CharField("status set by a person", max_length=10, choices=ClaimStatus.choices, blank=True,
                                     help_text="Empty: derived from the sources.")
    sources = models.ManyToManyField("Source", through="ClaimSource", related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "about", "system", "organization", "technology"], nulls_distinct=False,
                                    name="claim_once"),
            models.CheckConstraint(name="claim_subject", condition=(
                (Q(about="system") & Q(system__isnull=False) & Q(organization__isnull=True) & Q(technology=""))
                | (Q(about__in=["vendor", "operator"]) & Q(system__isnull=True) & Q(organization__isnull=False) & Q(technology=""))
                | (Q(about="technology") & Q(system__isnull=True) & Q(organization__isnull=True) & ~Q(technology=""))
                | (Q(about__in=["sole_basis", "human_review"]) & Q(system__isnull=True) & Q(organization__isnull=True) & Q(technology=""))
            )),
        ]

    def __str__(self):
        return f"{self.about} claim of incident {self.incident_id}"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"


class ClaimSource(models.Model):
    """One source's stance on one claim: it says so, or it says otherwise."""

    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="stances")
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(max_length=12, choices=Stance.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "source"], name="claim_source_once")]


class OutcomeValue(models.Model):
    """A value one source gives for an outcome's days, amount or date, where sources differ.

    The outcome itself holds the value the registry counts (the documented rule: the lowest
    number, the earliest date); these rows keep every value with the sources that give it."""

    class Field(models.TextChoices):
        DAYS = "days", "days"
        AMOUNT = "amount", "amount"
        DATE = "date", "date"

    outcome = models.ForeignKey("Outcome", on_delete=models.CASCADE, related_name="values")
    field = models.CharField(max_length=10, choices=Field.choices)
    value = models.CharField(max_length=40, help_text="As written in the record: 5, 300000.00, 2020-01-09")
    sources = models.ManyToManyField("Source", related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["outcome", "field", "value"], name="outcome_value_once")]
