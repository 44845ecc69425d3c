"""Moderated translations of a record's title and narrative."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Translation(models.Model):
    """A record's title and narrative in another language, added by a moderator, marked as a
    human or machine translation and with who made it. Never part of the record itself (the
    record is what the sources support, in the language it was written in): it is dropped when
    a correction changes the original's title or narrative, and by every redaction."""

    class Method(models.TextChoices):
        HUMAN = "human", _("Human translation")
        MACHINE = "machine", _("Machine translation, checked by a moderator")

    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=12, help_text="BCP 47, e.g. es or pt-BR")
    title = models.CharField(max_length=300)
    narrative = models.TextField(max_length=20000)
    method = models.CharField(max_length=10, choices=Method.choices)
    translator = models.CharField(max_length=200, help_text="Who made it, as shown to readers (a person, an organisation, a service).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(models.functions.Lower("language"), "incident", name="one_translation_per_language")]
        ordering = ["language"]

    def __str__(self):
        return f"{self.incident_id} in {self.language}"
