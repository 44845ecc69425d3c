"""The append-only history: moderation events and published versions."""


from django.conf import settings
from django.db import models
from django.utils import timezone

from .. import choices
from .incident import Incident


class HistoryQuerySet(models.QuerySet):
    def public(self):
        return self.filter(incident__in=Incident.objects.public())


class ModerationEvent(models.Model):
    """One row per transition or edit. The database refuses UPDATE and DELETE on this table."""

    incident = models.ForeignKey("Incident", on_delete=models.PROTECT, related_name="events")
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

    incident = models.ForeignKey("Incident", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # A default, not auto_now_add: a restore writes each version with the time it was published.
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="field: [before, after]")
    snapshot = models.JSONField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["incident", "number"], name="incident_version_once")]
