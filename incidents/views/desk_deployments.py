"""The desk's deployments: the submitted ones with their sources and figures, published or
rejected here through ``incidents.domain.deployments``, as the API does."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..choices import Status
from ..domain import deployments
from ..models import Deployment
from .desk import _act, moderator_required


@moderator_required
@require_http_methods(["GET", "POST"])
def deployments_desk(request):
    if request.method == "POST":
        deployment = get_object_or_404(Deployment, pk=request.POST.get("deployment"))
        action = request.POST.get("action")
        if action == "publish":
            proposed = {k: request.POST.get(k) for k in ("operator", "system") if request.POST.get(k)}
            if _act(request, lambda: deployments.publish(deployment, request.user, proposed=proposed, note=request.POST.get("note", ""))):
                messages.success(request, f"Deployment {deployment.pk} published.")
        elif action == "reject":
            if _act(request, lambda: deployments.reject(deployment, request.user, request.POST.get("reason", ""))):
                messages.success(request, f"Deployment {deployment.pk} rejected.")
        else:
            messages.error(request, f"Unknown action {action!r}.")
        return redirect("incidents:desk-deployments")
    rows = (Deployment.objects.filter(status=Status.SUBMITTED).select_related("operator", "system")
            .prefetch_related("source_links__source", "figures").order_by("created_at", "id"))
    return render(request, "incidents/desk/deployments.html", {"rows": rows})
