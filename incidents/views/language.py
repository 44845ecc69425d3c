"""The language switcher: a plain link, so it works without a script and on cached pages."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

CODES = {code for code, _ in settings.LANGUAGES}


@require_safe
def choose_language(request):
    """Remember the reader's language in a cookie and go back to the page they were on.

    A GET is enough: the choice changes nothing but how the site speaks to this browser, and
    a link needs no CSRF token (public pages are cached and carry none). An unknown
    language or a ``next`` pointing elsewhere is ignored."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    code = request.GET.get("lang", "")
    if code in CODES:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                            secure=request.is_secure(), httponly=True)
    response["Cache-Control"] = "no-store"
    return response
