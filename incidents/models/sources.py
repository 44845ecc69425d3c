"""Shared sources, their preserved copies, and one record's citation of a source."""


from django.db import models

from .. import choices
from ..text import normalize_url


class Source(models.Model):
    """A public document about one or more incidents; shared, never copied per incident.

    Its title, publisher, date and type are what the first citation said, kept for the
    moderators and the preservation worker; no record shows them: a record shows its own
    citation (``IncidentSource``).
    """

    # A personal testimony may have no address: such a source is its own row (never shared),
    # with no normalised URL (NULLs do not collide in the unique index) and nothing to preserve.
    url = models.URLField("URL", max_length=2000, blank=True)
    normalized_url = models.CharField(max_length=2000, unique=True, null=True, editable=False)
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
        return self.title or self.url or f"Testimony #{self.pk}"

    def save(self, *args, **kwargs):
        self.normalized_url = normalize_url(self.url) if self.url else None
        super().save(*args, **kwargs)


class SourceCapture(models.Model):
    """One fetch of a source that told us something new: the first copy, a change, a death.

    The body itself is kept only for PDFs (HTML is kept as its extracted main text);
    nothing fetched is ever executed or served as HTML.
    """

    source = models.ForeignKey("Source", on_delete=models.CASCADE, related_name="captures")
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


class IncidentSource(models.Model):
    """One record's citation of a shared source.

    The source (its URL, preserved copy and link checks) is shared by every record citing
    it; what a record *says* about it (title, publisher, date, type, language) belongs to
    the citation, so it is moderated with the record: a draft citing the same URL, a
    preservation fetch or another record's correction never changes what a published
    record shows, and a redaction can remove a name from this record's citations alone.
    """

    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, related_name="source_links")
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="incident_links")
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
