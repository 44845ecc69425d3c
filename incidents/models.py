"""Records of the registry: systems, organisations, incidents, sources, outcomes,
submissions and the append-only histories.

The default managers are unfiltered because moderators need drafts; what the public
may see is decided by ``Incident.objects.public()`` alone.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from . import choices
from .text import lookup_keys, normalize_url

country_code = RegexValidator(r"^[A-Z]{2}$", "Use an ISO 3166-1 alpha-2 code in capitals, such as US or GB.")


class NamedQuerySet(models.QuerySet):
    def matching(self, value: str):
        """Return rows whose slug, name or an alias matches ``value`` ignoring case and accents."""
        keys = lookup_keys(value)
        return self.filter(lookup_keys__overlap=keys) if keys else self.none()


class NamedEntity(models.Model):
    """A thing found by slug, name or alias: the common part of systems and organisations."""

    slug = models.SlugField("slug", max_length=120, unique=True)
    name = models.CharField("name", max_length=200)
    aliases = ArrayField(models.CharField(max_length=200), verbose_name="aliases", default=list, blank=True)
    description = models.TextField("description", blank=True)
    lookup_keys = ArrayField(models.CharField(max_length=220), default=list, editable=False)

    objects = NamedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name)
        self.lookup_keys = lookup_keys(self.slug, self.name, *self.aliases)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"lookup_keys"}
        super().save(*args, **kwargs)


def unique_slug(model, name: str) -> str:
    base = slugify(name)[:100] or "unnamed"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class Organization(NamedEntity):
    """A vendor or an operator: a police force, an agency, a city government, a retailer."""

    kind = models.CharField("kind", max_length=30, choices=choices.OrganizationKind.choices, default=choices.OrganizationKind.OTHER)
    country = models.CharField("country", max_length=2, blank=True, validators=[country_code])

    class Meta(NamedEntity.Meta):
        indexes = [GinIndex(fields=["lookup_keys"], name="org_lookup_gin")]

    def get_absolute_url(self):
        return reverse("incidents:organization", args=[self.slug])


class System(NamedEntity):
    """An identification product or programme, such as Mobile Fortify or CBP One."""

    technology = models.CharField("technology", max_length=30, choices=choices.Technology.choices, default=choices.Technology.FACE)
    identification_modes = ArrayField(
        models.CharField(max_length=30, choices=choices.IdentificationMode.choices), default=list, blank=True,
        verbose_name="identification modes",
    )
    vendor = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="systems_made", verbose_name="vendor")

    class Meta(NamedEntity.Meta):
        indexes = [GinIndex(fields=["lookup_keys"], name="system_lookup_gin")]

    def get_absolute_url(self):
        return reverse("incidents:system", args=[self.slug])


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
    incident_date = models.DateField("incident date", null=True, blank=True)
    date_precision = models.CharField("date precision", max_length=5, choices=choices.DatePrecision.choices, default=choices.DatePrecision.DAY)
    country = models.CharField("country", max_length=2, validators=[country_code])
    region = models.CharField("region", max_length=300, blank=True)
    city = models.CharField("city", max_length=120, blank=True)

    systems = models.ManyToManyField(System, blank=True, related_name="incidents", verbose_name="systems")
    operators = models.ManyToManyField(Organization, blank=True, related_name="operated_incidents", verbose_name="operators")
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
    redacted_at = models.DateTimeField(
        "personal details last removed", null=True, blank=True, editable=False,
        help_text="Set by a redaction: the preserved source texts then stay out of this record's search index.",
    )

    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    published_at = models.DateTimeField("first published", null=True, blank=True, editable=False)
    # What the duplicate check compares submissions with (records.SEARCH_VECTOR_SQL); the
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


class Source(models.Model):
    """A public document about one or more incidents; shared, never copied per incident.

    Its title, publisher, date and type are what the first citation said, kept for the
    moderators and the preservation worker; no record shows them: a record shows its own
    citation (``IncidentSource``).
    """

    url = models.URLField("URL", max_length=2000)
    normalized_url = models.CharField(max_length=2000, unique=True, editable=False)
    title = models.CharField("title", max_length=500, blank=True)
    publisher = models.CharField("publisher", max_length=200, blank=True)
    published_date = models.DateField("published", null=True, blank=True)
    date_precision = models.CharField("date precision", max_length=5, choices=choices.DatePrecision.choices, default=choices.DatePrecision.DAY)
    language = models.CharField("language", max_length=12, blank=True, help_text="BCP 47, e.g. en or es")
    source_type = models.CharField("type", max_length=30, choices=choices.SourceType.choices, default=choices.SourceType.NEWS)
    created_at = models.DateTimeField(auto_now_add=True)

    # Preservation (incidents/preservation.py): the first good copy is kept as cited;
    # later checks say whether the link has died or the document changed since.
    preserved = models.ForeignKey("SourceCapture", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False)
    last_checked_at = models.DateTimeField("last checked", null=True, blank=True, editable=False)
    dead_since = models.DateTimeField("link dead since", null=True, blank=True, editable=False)
    changed_at = models.DateTimeField("changed since preserved", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["published_date", "id"]
        indexes = [models.Index(fields=["last_checked_at", "id"], name="source_check_due")]

    def __str__(self):
        return self.title or self.url

    def save(self, *args, **kwargs):
        self.normalized_url = normalize_url(self.url)
        super().save(*args, **kwargs)


class SourceCapture(models.Model):
    """One fetch of a source that told us something new: the first copy, a change, a death.

    The body itself is kept only for PDFs (HTML is kept as its extracted main text);
    nothing fetched is ever executed or served as HTML.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="captures")
    fetched_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ok = models.BooleanField(default=False)
    error_kind = models.CharField(max_length=20, blank=True)
    error = models.CharField(max_length=500, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the body as received")
    text_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the extracted text: what 'changed' compares")
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    body = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-fetched_at", "-id"]

    def __str__(self):
        return f"{'copy' if self.ok else 'failed fetch'} of {self.source_id} at {self.fetched_at:%Y-%m-%d %H:%M}"


class PublicRecord(models.Model):
    """The public read model: one row per public incident holding everything a public
    surface reads, written by one function (``incidents.public.store.refresh``).

    The stored record (the API detail and the JSON Lines export), its list row, its CSV
    line, the columns and tags lists filter, order and count on, and the search documents.
    A row exists only while its incident is published (a database trigger refuses any
    other and deletes the row the moment the incident stops being public); the kept counts
    (``PublicCount``) are triggers on this table. The narrow columns stay inline and the
    texts out of line (TOAST), so counts and filters scan a small table.
    """

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, primary_key=True, related_name="public_record")
    public_id = models.CharField(max_length=20, unique=True)
    published_at = models.DateTimeField()
    incident_date = models.DateField(null=True)
    year = models.SmallIntegerField(null=True)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=300, blank=True)
    identification_mode = models.CharField(max_length=30)
    error_type = models.CharField(max_length=30)
    affected_minor = models.BooleanField(null=True)
    evidence = models.CharField(max_length=20)
    contributing_factors = ArrayField(models.CharField(max_length=40), default=list)
    system_ids = ArrayField(models.IntegerField(), default=list)
    operator_ids = ArrayField(models.IntegerField(), default=list)
    vendor_ids = ArrayField(models.IntegerField(), default=list)
    technologies = ArrayField(models.CharField(max_length=30), default=list)
    outcome_types = ArrayField(models.CharField(max_length=30), default=list)
    # Full-text search: ``document`` is the record's whole search vector (title, narrative,
    # source titles, preserved copies), for matching; it is kept out of line (TOAST), so
    # the rows stay narrow. ``headline`` (the title alone, inline, with its own index) is what
    # results are ranked by: ranking every match's whole vector was most of a search's time
    # at 100k (filters.ranked_tiers).
    document = SearchVectorField(null=True)
    headline = SearchVectorField(null=True)
    # Every filterable value above as one "kind:value" tag ("s:12" system, "c:US" country,
    # "o:arrested" outcome...; facts.TAG_PREFIXES), set by a database trigger from the row's
    # own columns, so it cannot disagree with them. Filters test tags on one GIN index, which
    # intersects several filters' values itself (skipping through the long lists by the short
    # one) instead of combining one bitmap per column: 2-3x faster at 100,000 incidents.
    tags = ArrayField(models.CharField(max_length=60), default=list, editable=False)
    record = models.TextField()  # the public record as JSON text (incidents.public.format)
    summary = models.TextField()  # its list row, as JSON text
    csv_line = models.TextField()  # its CSV export line after the public id and page address

    class Meta:
        indexes = [
            GinIndex(fields=["document"], name="facts_document"),
            GinIndex(fields=["headline"], name="facts_headline"),
            GinIndex(fields=["tags"], name="facts_tags"),
            models.Index(fields=["-published_at", "-incident"], name="facts_newest"),
            models.Index(fields=["country", "region"], name="facts_place"),
            models.Index(fields=["incident_date"], name="facts_date"),
        ]

    def __str__(self):
        return f"public record of incident {self.incident_id}"


class PublicCount(models.Model):
    """How many public incidents have each value, over the whole registry (scope "") and
    within each single value of a dimension (one system, operator, vendor, outcome type,
    country, error type, mode, evidence level, year, minor or not): the counts behind the
    statistics, the home page, system pages and any list filtered by one value, read in one
    indexed lookup.

    Kept by statement-level triggers on the public read model (``PublicRecord``, see migration 0007), so
    every write to the facts, whatever its path, adjusts the counts in the same transaction.
    """

    scope = models.CharField(max_length=20)
    scope_key = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    n = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "scope_key", "dimension", "key"], name="public_count_once")]

    def __str__(self):
        return f"{self.scope or 'all'} {self.scope_key} {self.dimension}={self.key}: {self.n}"


class IncidentSource(models.Model):
    """One record's citation of a shared source.

    The source (its URL, preserved copy and link checks) is shared by every record citing
    it; what a record *says* about it (title, publisher, date, type, language) belongs to
    the citation, so it is moderated with the record: a draft citing the same URL, a
    preservation fetch or another record's correction never changes what a published
    record shows, and a redaction can remove a name from this record's citations alone.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="source_links")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="incident_links")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField("title", max_length=500, blank=True)
    publisher = models.CharField("publisher", max_length=200, blank=True)
    published_date = models.DateField("published", null=True, blank=True)
    date_precision = models.CharField("date precision", max_length=5, choices=choices.DatePrecision.choices, default=choices.DatePrecision.DAY)
    language = models.CharField("language", max_length=12, blank=True)
    source_type = models.CharField("type", max_length=30, choices=choices.SourceType.choices, default=choices.SourceType.NEWS)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "source"], name="incident_source_once")]


class Outcome(models.Model):
    """What happened to the person: an arrest, days in detention, a settlement, an apology."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="outcomes")
    type = models.CharField("type", max_length=30, choices=choices.OutcomeType.choices)
    date = models.DateField("date", null=True, blank=True)
    date_precision = models.CharField("date precision", max_length=5, choices=choices.DatePrecision.choices, default=choices.DatePrecision.DAY)
    detail = models.TextField("detail", max_length=4000, blank=True)
    days = models.PositiveIntegerField("days in detention", null=True, blank=True)
    amount = models.DecimalField("amount", max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField("currency", max_length=3, blank=True, help_text="ISO 4217, e.g. USD")
    sources = models.ManyToManyField(Source, related_name="outcomes", verbose_name="supporting sources")
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

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="proposed_names")
    kind = models.CharField(max_length=10, choices=choices.ProposalKind.choices)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "name"], name="proposed_name_once")]

    def __str__(self):
        return f"{self.kind}: {self.name}"


def new_token() -> str:
    """Return a secret of 256 bits from the operating system's CSPRNG."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Submission(models.Model):
    """What a person sent in, kept as sent, with their private contact and status secret.

    Only a hash of the token is stored, so a database leak does not open status pages.
    """

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="submission")
    payload = models.JSONField("as submitted")
    submitter_role = models.CharField("submitter role", max_length=20, choices=choices.SubmitterRole.choices, default=choices.SubmitterRole.OTHER)
    contact_email = models.EmailField("contact e-mail (private)", blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Submission #{self.pk}"

    @classmethod
    def by_token(cls, token: str):
        return cls.objects.select_related("incident").filter(token_hash=hash_token(token or "")).first()


class CorrectionRequest(models.Model):
    """Someone, often the person the record is about, says a published record is wrong or
    names them. Private to the moderators: the public sees only the correction it leads to.
    """

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="correction_requests")
    kind = models.CharField("request", max_length=20, choices=choices.RequestKind.choices, default=choices.RequestKind.CORRECTION)
    requester_role = models.CharField("you are", max_length=20, choices=choices.SubmitterRole.choices, default=choices.SubmitterRole.OTHER)
    details = models.TextField("what is wrong", max_length=5000)
    evidence = models.TextField("evidence", max_length=5000, blank=True)
    contact_email = models.EmailField("contact e-mail (private)", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=20, choices=choices.RequestState.choices, default=choices.RequestState.OPEN, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision = models.TextField("decision note", blank=True, editable=False)
    resulting_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"], name="correction_request_queue")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} on {self.incident.public_id}"


class HistoryQuerySet(models.QuerySet):
    def public(self):
        return self.filter(incident__in=Incident.objects.public())


class ModerationEvent(models.Model):
    """One row per transition or edit. The database refuses UPDATE and DELETE on this table."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=20, choices=choices.Action.choices)
    from_status = models.CharField(max_length=20, choices=choices.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=choices.Status.choices, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"


class IncidentVersion(models.Model):
    """A published version of an incident, with what changed and why. Append-only like the history."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # A default, not auto_now_add: a restore writes each version with the time it was published.
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="field: [before, after]")
    snapshot = models.JSONField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["incident", "number"], name="incident_version_once")]


class PublicVersion(models.Model):
    """The version of everything the public can read: one row, advanced in the same
    transaction as every change to a public record (``incidents.public.store.refresh``, the
    one writer of the public copies) and never by a draft. The public response cache is
    keyed on it and Last-Modified is its time.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.CheckConstraint(name="public_version_one_row", condition=Q(id=1))]


class PublicIdCounter(models.Model):
    """The last number handed out per year; public ids are never reused."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
