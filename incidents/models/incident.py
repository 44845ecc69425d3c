"""The incident, its outcomes and proposed names."""


from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .. import choices
from ..evidence import ClaimStatus
from .catalogue import country_code


class IncidentQuerySet(models.QuerySet):
    def public(self):
        """Return the incidents the public may see: published, not withdrawn, not merged."""
        return self.filter(status=choices.PUBLIC_STATE)

    def open(self):
        """Return the records waiting for a moderator."""
        return self.filter(status__in=choices.OPEN_STATES)


class Incident(models.Model):
    """One case of a person (or a group) wrongly identified, as the registry records it.

    A record starts life as a submission draft (status submitted) and gets its
    public id at first publication; it is never deleted afterwards.
    """

    public_id = models.CharField("public id", max_length=20, unique=True, null=True, blank=True, editable=False)
    status = models.CharField("status", max_length=20, choices=choices.Status.choices, default=choices.Status.SUBMITTED, editable=False)
    version = models.PositiveIntegerField("version", default=0, editable=False)

    title = models.CharField("title", max_length=300)
    narrative = models.TextField("narrative", max_length=20000)
    language = models.CharField("language", max_length=12, default="en",
                                help_text="BCP 47 tag of the language the title and narrative are written in, e.g. en, es, pt-BR")
    incident_date = models.DateField("incident date", null=True, blank=True)
    date_precision = models.CharField("date precision", max_length=5, choices=choices.DatePrecision.choices, default=choices.DatePrecision.DAY)
    country = models.CharField("country", max_length=2, validators=[country_code])
    region = models.CharField("region", max_length=300, blank=True)
    city = models.CharField("city", max_length=120, blank=True)

    systems = models.ManyToManyField("System", blank=True, related_name="incidents", verbose_name="systems")
    operators = models.ManyToManyField("Organization", blank=True, related_name="operated_incidents", verbose_name="operators")
    identification_mode = models.CharField("identification mode", max_length=30, choices=choices.IdentificationMode.choices, default=choices.IdentificationMode.UNKNOWN)
    error_type = models.CharField("error type", max_length=30, choices=choices.ErrorType.choices, default=choices.ErrorType.OTHER)
    contributing_factors = ArrayField(
        models.CharField(max_length=40, choices=choices.ContributingFactor.choices), default=list, blank=True,
        verbose_name="contributing factors",
    )
    reference_database = models.CharField("database searched", max_length=30, choices=choices.ReferenceDatabase.choices, blank=True, default="")
    human_review = models.BooleanField("a human examiner reviewed the match", null=True, blank=True)
    sole_basis = models.BooleanField("the match was the sole basis for action", null=True, blank=True)
    external_ids = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, verbose_name="ids in other databases",
        help_text="The same case elsewhere, e.g. AIID:74 or AIAAIC:0512.",
    )

    affected_count = models.PositiveIntegerField("people affected", null=True, blank=True, validators=[MinValueValidator(1)])
    affected_minor = models.BooleanField("a minor is among them", null=True, blank=True)
    affected_name = models.CharField(
        "name of the affected person", max_length=200, blank=True,
        help_text="Only an adult whose name is already public; never a minor's.",
    )
    affected_name_public = models.BooleanField("name may be published", default=False)

    sources = models.ManyToManyField("Source", through="IncidentSource", related_name="incidents", blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", editable=False)
    withdrawn_reason = models.TextField("withdrawal reason", blank=True, editable=False)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False)
    deployment = models.ForeignKey(
        "Deployment", on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents",
        help_text="The deployment it arose from, where known (public once that deployment is published).",
    )
    reported_by = models.ForeignKey(
        "Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="credited", editable=False,
        help_text="Public credit: the partner that sent it, when the partner asks for credit and the moderator keeps it.",
    )
    redacted_at = models.DateTimeField(
        "personal details last removed", null=True, blank=True, editable=False,
        help_text="Set by a redaction: the preserved source texts then stay out of this record's search index.",
    )

    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    published_at = models.DateTimeField("first published", null=True, blank=True, editable=False)
    # What the duplicate check compares submissions with (public.search.SEARCH_VECTOR_SQL); the
    # public search reads the read model's copy (PublicRecord.document).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="incident_public_id_once_published",
                condition=~Q(status__in=choices.IDENTIFIED_STATES) | (Q(public_id__isnull=False) & Q(published_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="incident_no_minor_name",
                condition=~Q(affected_minor=True) | (Q(affected_name="") & Q(affected_name_public=False)),
            ),
            models.CheckConstraint(name="incident_merged_has_target", condition=~Q(status=choices.Status.MERGED) | Q(merged_into__isnull=False)),
            models.CheckConstraint(name="incident_country_code", condition=Q(country__regex=r"^[A-Z]{2}$")),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="incident_public_order"),
            models.Index(fields=["status", "created_at"], name="incident_queue"),
            # Last-Modified of every public read is MAX(updated_at): an index makes it one row.
            models.Index(fields=["-updated_at"], name="incident_updated"),
            models.Index(fields=["country", "region"], name="incident_place"),
            models.Index(fields=["identification_mode"], name="incident_mode"),
            models.Index(fields=["error_type"], name="incident_error"),
            models.Index(fields=["incident_date"], name="incident_date"),
            models.Index(fields=["affected_minor"], name="incident_minor"),
            GinIndex(fields=["contributing_factors"], name="incident_factors_gin"),
            GinIndex(fields=["search_vector"], name="incident_search_gin"),
        ]

    def __str__(self):
        return f"{self.public_id or f'draft #{self.pk}'}: {self.title}"

    def get_absolute_url(self):
        return reverse("incidents:incident", args=[self.public_id]) if self.public_id else ""

    @property
    def is_public(self) -> bool:
        return self.status == choices.PUBLIC_STATE

    @property
    def public_name(self) -> str:
        return self.public_name_of(self.affected_name, self.affected_name_public, self.affected_minor)

    @staticmethod
    def public_name_of(name: str, marked_public: bool, minor) -> str:
        """Return the affected person's name only where a moderator allowed it, and never a minor's."""
        return name if marked_public and not minor else ""


class Outcome(models.Model):
    """What happened to the person: an arrest, days in detention, a settlement, an apology."""

    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, related_name="outcomes")
    type = models.CharField("type", max_length=30, choices=choices.OutcomeType.choices)
    date = models.DateField("date", null=True, blank=True)
    date_precision = models.CharField("date precision", max_length=5, choices=choices.DatePrecision.choices, default=choices.DatePrecision.DAY)
    detail = models.TextField("detail", max_length=4000, blank=True)
    days = models.PositiveIntegerField("days in detention", null=True, blank=True)
    amount = models.DecimalField("amount", max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField("currency", max_length=3, blank=True, help_text="ISO 4217, e.g. USD")
    sources = models.ManyToManyField("Source", related_name="outcomes", verbose_name="supporting sources")
    # The outcome is a claim too (models.claims): sources that say otherwise, and a status a person set.
    contradicted_by = models.ManyToManyField("Source", related_name="+", blank=True, verbose_name="contradicting sources")
    stated_status = models.CharField("status set by a person", max_length=10, choices=ClaimStatus.choices, blank=True,
                                     help_text="Empty: derived from the sources.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["type", "incident"], name="outcome_type_incident")]
        constraints = [
            models.CheckConstraint(name="outcome_amount_has_currency", condition=Q(amount__isnull=True) | ~Q(currency="")),
        ]

    def __str__(self):
        return self.get_type_display()


class ProposedName(models.Model):
    """A system or operator a submitter named that the registry does not know yet.

    It stays private until a moderator creates it, maps it to an existing record or
    drops it when publishing.
    """

    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, related_name="proposed_names")
    kind = models.CharField(max_length=10, choices=choices.ProposalKind.choices)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "name"], name="proposed_name_once")]

    def __str__(self):
        return f"{self.kind}: {self.name}"
