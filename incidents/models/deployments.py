"""Deployments: an operator using a system (or a technology, when the product is unknown)
in a place over a period, searching some reference databases; and the figures documented
about it (how often it is used, how well it performs), each with its source.

A deployment is moderated like an incident (submitted, published or rejected, corrected,
withdrawn, with an append-only history, ``DeploymentEvent``), through
``incidents.domain.deployments`` only. Figures belong to a deployment: a figure is always
about someone's use of a system, a test included (a test is a deployment of kind "test",
its tester the operator), and is published and corrected with it.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from .. import choices


class Deployment(models.Model):
    status = models.CharField(max_length=20, choices=choices.Status.choices, default=choices.Status.SUBMITTED, db_index=True)
    kind = models.CharField(max_length=20, choices=choices.DeploymentKind.choices, default=choices.DeploymentKind.OPERATIONAL)
    operator = models.ForeignKey("Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="deployments")
    operator_name = models.CharField("operator as given", max_length=200, blank=True)
    system = models.ForeignKey("System", on_delete=models.PROTECT, null=True, blank=True, related_name="deployments")
    system_name = models.CharField("system as given", max_length=200, blank=True)
    technology = models.CharField(max_length=30, choices=choices.Technology.choices, default=choices.Technology.FACE)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=200, blank=True)
    place = models.CharField("site", max_length=300, blank=True, help_text="A crossing, a station, a store: more precise than the city.")
    started = models.DateField(null=True, blank=True)
    started_precision = models.CharField(max_length=5, choices=choices.DatePrecision.choices, default=choices.DatePrecision.DAY)
    ended = models.DateField(null=True, blank=True)
    ended_precision = models.CharField(max_length=5, choices=choices.DatePrecision.choices, default=choices.DatePrecision.DAY)
    reference_databases = ArrayField(models.CharField(max_length=30, choices=choices.ReferenceDatabase.choices), default=list, blank=True)
    reference_note = models.CharField("databases searched, as named", max_length=500, blank=True)
    summary = models.TextField(max_length=5000, blank=True)
    sources = models.ManyToManyField("Source", through="DeploymentSource", related_name="deployments", blank=True)
    version = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["started", "id"]
        indexes = [models.Index(fields=["status", "system"], name="deployment_system"),
                   models.Index(fields=["status", "operator"], name="deployment_operator"),
                   models.Index(fields=["status", "country"], name="deployment_country")]
        constraints = [models.CheckConstraint(condition=models.Q(ended__isnull=True) | models.Q(started__isnull=True) | models.Q(ended__gte=models.F("started")),
                                              name="deployment_ends_after_it_starts",
                                              violation_error_message="The end date is before the start date.")]

    def __str__(self):
        return f"{self.operator or self.operator_name} · {self.system or self.system_name or self.get_technology_display()}"


class DeploymentSource(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="source_links")
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="deployment_links")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    source_type = models.CharField(max_length=30, choices=choices.SourceType.choices, default=choices.SourceType.NEWS)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["deployment", "source"], name="deployment_source_once")]


class Figure(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=choices.FigureKind.choices)
    measure = models.CharField("what exactly was measured", max_length=300)
    qualifier = models.CharField(max_length=10, choices=choices.FigureQualifier.choices, default=choices.FigureQualifier.EXACTLY)
    value = models.DecimalField(max_digits=16, decimal_places=4)
    unit = models.CharField(max_length=40, help_text='"uses", "%", "travellers", "vehicles"…')
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    provenance = models.CharField(max_length=20, choices=choices.FigureProvenance.choices)
    source = models.ForeignKey("Source", on_delete=models.PROTECT, related_name="figures")

    class Meta:
        ordering = ["position", "id"]


class DeploymentEvent(models.Model):
    """One row of a deployment's history; append-only (a database trigger refuses changes)."""

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=20, choices=choices.DeploymentAction.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]
