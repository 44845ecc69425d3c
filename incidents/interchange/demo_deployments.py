"""The demo deployments (``fixtures/demo-deployments.json``): facts from the articles the
registry started from, each with its source, published through the deployments service and
linked to the demo incidents that arose from them."""

import json
from pathlib import Path

from django.db import transaction

from ..choices import Status
from ..domain import deployments
from ..domain.deployment_drafts import validate_deployment
from ..models import Incident

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo-deployments.json"


def load(path: Path = DEMO) -> list[int]:
    """Publish every demo deployment, all or nothing; return their ids."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    ids = []
    with transaction.atomic():
        for entry in entries:
            deployment = deployments.create_published(validate_deployment(entry["deployment"]), None, reason="Demo data.")
            ids.append(deployment.pk)
            title = entry.get("link_incidents_titled")
            if title:
                linked = list(Incident.objects.filter(title__startswith=title, status=Status.PUBLISHED).values_list("pk", flat=True))
                deployments.link_imported(deployment, linked, reason="Demo data: the incident arose from this deployment.")
    return ids
