"""The admin: moderators search and review records there, and its actions call the moderation service."""

import pytest

from incidents.models import Incident, ModerationEvent
from tests.factories import publish_new, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, moderator):
    client.force_login(moderator)
    return client


def test_lists_search_and_inlines_render(admin_client, moderator):
    record = publish_new(moderator, title="Searchable admin case")
    listing = admin_client.get("/admin/incidents/incident/?q=Searchable")
    assert listing.status_code == 200 and "Searchable admin case" in listing.content.decode()
    page = admin_client.get(f"/admin/incidents/incident/{record.pk}/change/").content.decode()
    assert "Sources" in page or "source" in page.lower()
    assert "outcome" in page.lower()
    for path in ("/admin/incidents/system/", "/admin/incidents/organization/", "/admin/incidents/source/", "/admin/incidents/moderationevent/"):
        assert admin_client.get(path).status_code == 200, path


def test_admin_actions_go_through_the_service(admin_client, moderator):
    incident, _, _ = submit()
    admin_client.post("/admin/incidents/incident/", {"action": "claim", "_selected_action": [incident.pk]})
    incident.refresh_from_db()
    assert incident.status == "in_review" and incident.claimed_by == moderator
    admin_client.post("/admin/incidents/incident/", {"action": "publish", "_selected_action": [incident.pk]})
    incident.refresh_from_db()
    assert incident.status == "published" and incident.public_id
    assert list(ModerationEvent.objects.filter(incident=incident).order_by("id").values_list("action", flat=True)) == ["submit", "claim", "publish"]


def test_admin_cannot_delete_incidents_or_history(admin_client, moderator):
    record = publish_new(moderator)
    assert admin_client.get(f"/admin/incidents/incident/{record.pk}/delete/").status_code in (403, 302)
    event = ModerationEvent.objects.filter(incident=record).first()
    assert admin_client.get(f"/admin/incidents/moderationevent/{event.pk}/delete/").status_code in (403, 302)
    assert Incident.objects.filter(pk=record.pk).exists()
