"""Partners: organisations that collect cases (civil-liberties groups, public defenders,
newsrooms, researchers, other incident databases) and the contributor accounts that
submit for them.

A partner may ask for public credit ("Reported by …") on the records it sent; the
moderator decides, per record, whether to keep it (``Incident.reported_by``). Nothing
about the individual contributor is ever public.
"""

from django.conf import settings
from django.db import models


class Partner(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    website = models.URLField(blank=True)
    credit_line = models.CharField("public credit line", max_length=200, blank=True,
                                   help_text='Shown as "Reported by …" on records it sent; its name when blank.')
    public_credit = models.BooleanField("asks for public credit", default=False,
                                        help_text="Off: no record shows it (turning it off withdraws the credit from every record).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def credited_as(self) -> str:
        return self.credit_line or self.name


class Contributor(models.Model):
    """An account that submits for a partner: a higher submission limit, bulk submission,
    and a view of its partner's submissions; never any moderation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributor")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="contributors")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user} ({self.partner})"
