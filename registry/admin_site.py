"""The admin asks for the second factor too: a staff account reaches it only in a session
verified by its authenticator app (incidents/mfa.py); signing in goes through the desk's
sign-in, which asks for the code."""

from urllib.parse import quote

from django.contrib import admin
from django.shortcuts import redirect


class VerifiedAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        target = quote(request.GET.get("next") or "/admin/")
        if request.user.is_authenticated:
            return redirect(f"/moderation/second-factor/?next={target}")
        return redirect(f"/moderation/login/?next={target}")


admin.site.__class__ = VerifiedAdminSite
