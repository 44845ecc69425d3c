"""Systems and organisations: the named things incidents cite."""


from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from .. import choices
from ..text import lookup_keys

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
