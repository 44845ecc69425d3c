"""Two moderators acting on the same record at the same moment, on real connections."""

import threading

import pytest
from django.db import connections

from incidents.choices import Action, Status
from incidents.domain import moderation
from incidents.models import Incident, ModerationEvent
from tests.factories import make_moderator, submit

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run each call in its own thread (own database connection) at the same moment."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the test inspects what was raised
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.parametrize("repeat", range(3))
def test_two_claims_at_once_one_wins_one_gets_a_conflict(repeat):
    ada, grace = make_moderator(username=f"ada{repeat}"), make_moderator(username=f"grace{repeat}")
    incident, _, _ = submit()
    results = race(lambda: moderation.claim(incident, ada), lambda: moderation.claim(incident, grace))
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["error", "ok"], results
    error = next(r[1] for r in results if r[0] == "error")
    assert isinstance(error, moderation.ModerationError)
    incident.refresh_from_db()
    assert incident.status == Status.IN_REVIEW
    claims = ModerationEvent.objects.filter(incident=incident, action=Action.CLAIM)
    assert claims.count() == 1
    assert claims.get().actor_id == incident.claimed_by_id


def test_publish_and_reject_at_once_exactly_one_takes_effect():
    ada = make_moderator(username="ada-x")
    incident, _, _ = submit()
    moderation.claim(incident, ada)
    results = race(lambda: moderation.publish(incident, ada), lambda: moderation.reject(incident, ada, "Duplicate."))
    assert sorted(r[0] for r in results) == ["error", "ok"], results
    incident.refresh_from_db()
    winner = incident.status
    assert winner in (Status.PUBLISHED, Status.REJECTED)
    actions = list(ModerationEvent.objects.filter(incident=incident).values_list("action", flat=True).order_by("id"))
    assert actions[:2] == [Action.SUBMIT, Action.CLAIM]
    assert actions[2:] == [Action.PUBLISH if winner == Status.PUBLISHED else Action.REJECT]
    assert (incident.public_id is not None) == (winner == Status.PUBLISHED)


def test_concurrent_publications_never_share_a_public_id():
    ada, grace = make_moderator(username="ada-y"), make_moderator(username="grace-y")
    first, _, _ = submit()
    second, _, _ = submit()
    moderation.claim(first, ada)
    moderation.claim(second, grace)
    results = race(lambda: moderation.publish(first, ada), lambda: moderation.publish(second, grace))
    assert [r[0] for r in results] == ["ok", "ok"], results
    ids = set(Incident.objects.filter(pk__in=[first.pk, second.pk]).values_list("public_id", flat=True))
    assert len(ids) == 2
