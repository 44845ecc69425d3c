"""One selector decides what the public may see."""

import pytest

from incidents.domain import moderation
from incidents.models import Incident
from incidents.public import selectors
from tests.factories import publish_new, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_state(moderator):
    """Return {status: incident} with one record in each status."""
    records = {}
    records["submitted"], _, _ = submit(title="SECRET submitted")
    records["in_review"], _, _ = submit(title="SECRET in review")
    moderation.claim(records["in_review"], moderator)
    records["changes_requested"], _, _ = submit(title="SECRET changes")
    moderation.claim(records["changes_requested"], moderator)
    moderation.request_changes(records["changes_requested"], moderator, "More please.")
    records["rejected"], _, _ = submit(title="SECRET rejected")
    moderation.reject(records["rejected"], moderator, "No.")
    records["withdrawn"] = publish_new(moderator, title="SECRET withdrawn")
    moderation.withdraw(records["withdrawn"], moderator, "Gone.")
    records["published"] = publish_new(moderator, title="Visible published")
    records["merged"] = publish_new(moderator, title="SECRET merged")
    moderation.merge(records["merged"], moderator, into=records["published"])
    return records


def test_it_shows_only_published_records(every_state):
    visible = list(selectors.public_incidents())
    assert visible == [every_state["published"]]
    assert {i.status for i in Incident.objects.all()} == set(every_state)


def test_public_systems_count_only_public_incidents(moderator):
    from tests.factories import SystemFactory

    system = SystemFactory()
    publish_new(moderator, systems=[system.name])
    hidden, _, _ = submit(systems=[system.slug])
    row = selectors.public_systems().get(pk=system.pk)
    assert row.incident_count == 1
    assert selectors.counts_by(selectors.public_facts(), "system") == [(system.slug, system.name, 1)]


def test_public_ids_are_stable_and_never_reused(moderator):
    first = publish_new(moderator)
    second = publish_new(moderator)
    kept = {first.pk: first.public_id, second.pk: second.public_id}
    moderation.withdraw(first, moderator, "Retracted.")
    moderation.merge(second, moderator, into=publish_new(moderator))
    moderation.correct(publish_new(moderator), moderator, {"city": "Flint"}, "City.")
    later = [publish_new(moderator).public_id for _ in range(3)]
    for pk, public_id in kept.items():
        assert Incident.objects.get(pk=pk).public_id == public_id
    all_ids = list(Incident.objects.exclude(public_id=None).values_list("public_id", flat=True))
    assert len(all_ids) == len(set(all_ids))
    assert not set(later) & set(kept.values())


def test_public_name_needs_a_moderator_and_never_a_minor(moderator):
    incident = publish_new(moderator, affected={"count": 1, "has_minor": False, "name": "Jane Roe"})
    assert incident.affected_name == "Jane Roe" and incident.public_name == ""
    moderation.correct(incident, moderator, {"affected_name_public": True}, "Ms Roe spoke to the press under her name.")
    incident.refresh_from_db()
    assert incident.public_name == "Jane Roe"


def test_the_database_refuses_a_minors_name():
    from django.db import IntegrityError, transaction

    incident, _, _ = submit(affected={"count": 1, "has_minor": True})
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(affected_name="Child Name")


def test_the_detail_reads_the_read_model_and_still_answers_when_a_row_is_missing(client, moderator, settings):
    settings.PUBLIC_CACHE_SECONDS = 0  # the second answer must be built, not served from the cache
    from incidents.models import PublicRecord
    from incidents.public.format import public_record

    incident = publish_new(moderator, title="Read from the read model")
    stored = client.get(f"/api/v1/incidents/{incident.public_id}/").json()
    assert selectors.public_incident(incident.public_id).stored_record is not None
    PublicRecord.objects.filter(incident=incident).delete()  # as a missed refresh would leave it
    rebuilt = client.get(f"/api/v1/incidents/{incident.public_id}/").json()
    assert rebuilt == stored and {k: v for k, v in rebuilt.items() if not k.endswith("_url")} == public_record(incident)
    assert selectors.public_incident("WIR-1999-0001") is None
