"""The moderators' second factor: set up an authenticator app, then a code at each sign-in."""

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from .. import mfa


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/moderation/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/moderation/"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """Ask for a code (or a recovery code); a moderator without an app sets one up here first."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    error = ""
    if mfa.enrolled(user):
        if request.method == "POST":
            device = match_token(user, request.POST.get("code", "").replace(" ", ""))
            if device is not None:
                otp_login(request, device)
                return redirect(_next(request))
            error = "That code is not right. Use the current code from your app, or one of your recovery codes."
        return render(request, "incidents/desk/mfa_verify.html", {"error": error, "next": _next(request)}, status=400 if error else 200)
    device = mfa.pending_totp(user)
    if request.method == "POST":
        if device.verify_token(request.POST.get("code", "").replace(" ", "")):
            codes = mfa.confirm(device)
            otp_login(request, device)
            return render(request, "incidents/desk/mfa_codes.html", {"codes": codes, "next": _next(request)})
        error = "That code is not right. Check the time on your phone and enter the code the app shows now."
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    secret = __import__("base64").b32encode(device.bin_key).decode()
    return render(request, "incidents/desk/mfa_setup.html", {"qr": qr, "secret": secret, "error": error, "next": _next(request)},
                  status=400 if error else 200)
