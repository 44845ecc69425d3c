"""API tokens: named, expiring, listed and revocable; only a hash of each is stored."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


def new_key() -> str:
    """A random key (256 bits) that starts with a letter or digit: its prefix is typed on
    command lines (``api_tokens revoke PREFIX``), where a leading "-" reads as an option."""
    while True:
        key = secrets.token_urlsafe(32)
        if key[0].isalnum():
            return key


class ApiToken(models.Model):
    """A moderator's key to the moderation API. The key is shown once, when it is made; the
    registry keeps its SHA-256 and its first characters (to tell tokens apart in a list)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("name", max_length=100, help_text="What it is for, e.g. 'laptop script' or 'partner import'.")
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("expires")
    last_used_at = models.DateTimeField("last used", null=True, blank=True)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}… {self.name} ({self.user})"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "active"

    @classmethod
    def issue(cls, user, name: str = "API token", days: int | None = None) -> tuple["ApiToken", str]:
        """Make a token for ``user``; return it with its key (the only time the key exists in clear)."""
        key = new_key()
        days = days or settings.API_TOKEN_DAYS
        token = cls.objects.create(user=user, name=name[:100], prefix=key[:8], key_hash=hash_key(key),
                                   expires_at=timezone.now() + timedelta(days=days))
        return token, key

    @classmethod
    def find(cls, key: str):
        """The active token with this key, or None."""
        return cls.objects.active().select_related("user").filter(key_hash=hash_key(key)).first()

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
