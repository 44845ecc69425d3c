"""A moderator's API tokens: made here (the key shown once), listed, revoked. Behind the
second factor, like every desk page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from api.models import ApiToken

from .desk import moderator_required

MAX_DAYS = 365


@moderator_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            name = request.POST.get("name", "").strip()
            try:
                days = int(request.POST.get("days") or 90)
            except ValueError:
                days = 0
            if not name:
                messages.error(request, "Not done: give the token a name saying what it is for.")
            elif not 1 <= days <= MAX_DAYS:
                messages.error(request, f"Not done: a token lasts from 1 to {MAX_DAYS} days.")
            else:
                _, new_key = ApiToken.issue(request.user, name, days)
        elif action == "revoke":
            token = ApiToken.objects.filter(user=request.user, pk=request.POST.get("token") or 0).first()
            if token is None:
                messages.error(request, "Not done: no such token of yours.")
            else:
                token.revoke()
                messages.success(request, f"Revoked {token.prefix}… ({token.name}).")
                return redirect("incidents:desk-tokens")
    return render(request, "incidents/desk/tokens.html", {"tokens": ApiToken.objects.filter(user=request.user), "new_key": new_key,
                                                          "max_days": MAX_DAYS})
