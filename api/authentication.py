"""Token authentication that cannot be guessed at, expires, and needs a second factor.

``Authorization: Token <key>`` is looked up by its SHA-256 among active tokens
(``api.models.ApiToken``: not revoked, not expired); its last use is recorded (at most once a
minute). Failed tokens are counted per client address in the shared cache; after
TOKEN_FAILURE_LIMIT in TOKEN_FAILURE_WINDOW_SECONDS the address is refused (429) without a
look-up. A moderator's token works only for an account with a confirmed second factor
(incidents/mfa.py), as the desk and the admin do. A contributor's token needs none: it can
do nothing an anonymous client cannot (submit, more often, and read its partner's
submissions), and it is a machine's credential, held by a partner's script.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.throttling import BaseThrottle

from incidents.domain.partners import partner_of
from incidents.mfa import has_second_factor

from .models import ApiToken


class GuardedTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate_header(self, request):
        return self.keyword

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.lower().startswith("token "):
            return None
        failures = f"token-failures:{BaseThrottle().get_ident(request) or 'unknown'}"
        window = settings.TOKEN_FAILURE_WINDOW_SECONDS
        if (cache.get(failures) or 0) >= settings.TOKEN_FAILURE_LIMIT:
            raise exceptions.Throttled(wait=window, detail="Too many wrong tokens from this address; try again later.")
        key = header[6:].strip()
        token = ApiToken.find(key) if key and " " not in key else None
        if token is None or not token.user.is_active:
            cache.add(failures, 0, window)
            try:
                cache.incr(failures)
            except ValueError:  # expired in between
                cache.set(failures, 1, window)
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if not has_second_factor(token.user) and partner_of(token.user) is None:
            raise exceptions.AuthenticationFailed("This account has no second factor yet: sign in to the desk once to set one up.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
