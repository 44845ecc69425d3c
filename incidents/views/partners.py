"""Partners in the pages: moderators manage them in the desk; a contributor signed in sees
its partner's submissions and where each stands."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api.models import ApiToken

from ..domain import partners
from ..models import Partner
from .desk import moderator_required


@moderator_required
@require_http_methods(["GET", "POST"])
def partners_desk(request):
    new_token = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "credit":
                partner = get_object_or_404(Partner, pk=request.POST.get("partner"))
                on = request.POST.get("public_credit") == "on"
                changed = partners.set_credit(partner, on, request.user)
                messages.success(request, f"Public credit for {partner.name} is {'on' if on else 'off'}; {changed} published record(s) changed.")
                return redirect("incidents:desk-partners")
            partner, _ = partners.save_partner(request.POST.get("organization", ""), website=request.POST.get("website", "").strip(),
                                               credit_line=request.POST.get("credit_line", ""),
                                               public_credit=request.POST.get("public_credit") == "on", actor=request.user)
            username = request.POST.get("username", "").strip()
            if username:
                user, _ = partners.contributor_account(username, partner)
                new_token = (username, ApiToken.issue(user, f"made in the desk by {request.user.get_username()}")[1])
            messages.success(request, f"Saved {partner.name}.")
        except ValidationError as exc:
            for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]):
                for error in errors:
                    messages.error(request, f"Not saved: {field + ': ' if field else ''}{error}")
    rows = Partner.objects.annotate(n_contributors=Count("contributors", distinct=True), n_submissions=Count("submissions", distinct=True))
    return render(request, "incidents/desk/partners.html", {"partners": rows, "new_token": new_token})


@never_cache
@login_required(login_url="incidents:desk-login")
@require_http_methods(["GET"])
def my_submissions(request):
    partner = partners.partner_of(request.user)
    if partner is None:
        raise PermissionDenied("This page is for a partner's contributor accounts.")
    rows = [partners.submission_row(s) for s in partners.partner_submissions(partner)[:500]]
    return render(request, "incidents/partner_submissions.html", {"partner": partner, "rows": rows})
