"""Token authentication that cannot be guessed at and needs a second factor.

Failed tokens are counted per client address in the shared cache; after
TOKEN_FAILURE_LIMIT in TOKEN_FAILURE_WINDOW_SECONDS the address is refused (429) without
a look-up. A token works only for an account with a confirmed second factor
(incidents/mfa.py), as the desk and the admin do.
"""

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.throttling import BaseThrottle

from incidents.mfa import has_second_factor


class GuardedTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        if not request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("token "):
            return None
        key = "token-failures:" + BaseThrottle().get_ident(request)
        window = settings.TOKEN_FAILURE_WINDOW_SECONDS
        if (cache.get(key) or 0) >= settings.TOKEN_FAILURE_LIMIT:
            raise exceptions.Throttled(wait=window, detail="Too many wrong tokens from this address; try again later.")
        try:
            user, token = super().authenticate(request)
        except exceptions.AuthenticationFailed:
            cache.add(key, 0, window)
            try:
                cache.incr(key)
            except ValueError:  # expired in between
                cache.set(key, 1, window)
            raise
        if not has_second_factor(user):
            raise exceptions.AuthenticationFailed("This account has no second factor yet: sign in to the desk once to set one up.")
        return user, token
