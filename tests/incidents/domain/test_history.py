"""History is append-only in the database, whoever asks."""

import pytest
from django.db import (
    IntegrityError,
    InternalError,
    ProgrammingError,
    connection,
    transaction,
)

from incidents.domain import moderation
from incidents.models import IncidentVersion, ModerationEvent
from tests.factories import publish_new

pytestmark = pytest.mark.django_db

REFUSED = (InternalError, ProgrammingError, IntegrityError)


@pytest.fixture
def event(moderator):
    incident = publish_new(moderator)
    moderation.withdraw(incident, moderator, "Retracted.")
    return ModerationEvent.objects.filter(incident=incident).latest("id")


@pytest.mark.parametrize("sql", [
    "UPDATE incidents_moderationevent SET reason = 'rewritten' WHERE id = %s",
    "DELETE FROM incidents_moderationevent WHERE id = %s",
])
def test_raw_sql_cannot_change_a_history_row(event, sql):
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.reason == "Retracted."


def test_the_orm_cannot_update_or_delete_history(event):
    with pytest.raises(REFUSED), transaction.atomic():
        ModerationEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(REFUSED), transaction.atomic():
        event.delete()
    event.refresh_from_db()
    assert event.reason == "Retracted."


def test_public_versions_are_append_only_too(moderator):
    incident = publish_new(moderator)
    version = IncidentVersion.objects.get(incident=incident)
    with pytest.raises(REFUSED), transaction.atomic():
        IncidentVersion.objects.filter(pk=version.pk).update(note="rewritten")
    with pytest.raises(REFUSED), transaction.atomic():
        IncidentVersion.objects.filter(pk=version.pk).delete()
    assert IncidentVersion.objects.get(pk=version.pk).note == "First published."


def test_the_admin_offers_no_way_to_change_or_delete_history(moderator, rf):
    from django.contrib.admin.sites import site

    admin = site._registry[ModerationEvent]
    request = rf.get("/")
    request.user = moderator
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert not admin.has_add_permission(request)
