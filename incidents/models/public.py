"""The public read model and what is kept beside it: counts, the public version, id counters."""


from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q


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

    incident = models.OneToOneField("Incident", on_delete=models.CASCADE, primary_key=True, related_name="public_record")
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
    # Every attribution with its claim's status, "s:12:confirmed", "v:3:reported", "t:face:denied"
    # (the tags' prefixes): the attribution qualifier filters on these, and the kept counts split
    # each system's, vendor's and operator's cases by status. The id columns above hold the
    # attributions that are not denied (what a filter without a qualifier matches).
    attributions = ArrayField(models.CharField(max_length=60), default=list)
    reported_by = models.IntegerField(null=True)  # the credited partner's id (Incident.reported_by while credit stands)
    # Full-text search: ``document`` is the record's whole search vector (title, narrative,
    # source titles, preserved copies), for matching; it is kept out of line (TOAST), so
    # the rows stay narrow. ``headline`` (the title alone, inline, with its own index) is what
    # results are ranked by: ranking every match's whole vector was most of a search's time
    # (filters.ranked_tiers).
    document = SearchVectorField(null=True)
    headline = SearchVectorField(null=True)
    # Every filterable value above as one "kind:value" tag ("s:12" system, "c:US" country,
    # "o:arrested" outcome...; public.counts.DIMENSIONS), set by a database trigger from the
    # row's own columns, so it cannot disagree with them. Filters test tags on one GIN index,
    # which intersects several filters' values itself (skipping through the long lists by the
    # short one) instead of combining one bitmap per column.
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
            models.Index(fields=["reported_by"], name="facts_reported_by", condition=models.Q(reported_by__isnull=False)),
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
