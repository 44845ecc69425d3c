"""Public reads from a real streaming replica; writes, moderators and a client that has just
written on the primary; a replica that lags or is down changes nothing but where reads go."""

import json
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from incidents import replicas
from tests.factories import make_moderator, payload, publish_new
from tests.replicas.conftest import _pg_ctl, start_replica, wait_for_replay

pytestmark = pytest.mark.django_db(transaction=True)


def queries(client, alias, *args, **kwargs):
    """(response, statements on the replica, statements on the primary) of one request."""
    with CaptureQueriesContext(connections[alias]) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get(*args, **kwargs)
        if response.streaming:
            response.content_bytes = b"".join(response.streaming_content)
    return response, [q["sql"] for q in on_replica.captured_queries], [q["sql"] for q in on_primary.captured_queries]


def test_public_reads_come_from_the_replica(client, replica_alias, streaming_replica):
    moderator = make_moderator(username="mod-replica")
    record = publish_new(moderator, title="Read from the replica")
    wait_for_replay()
    for path in ("/api/v1/incidents/", f"/api/v1/incidents/{record.public_id}/", "/incidents/", f"/incidents/{record.public_id}/",
                 "/api/v1/stats/", "/api/v1/incidents/export.jsonl"):
        response, on_replica, on_primary = queries(client, replica_alias, path)
        assert response.status_code == 200, path
        assert on_replica, f"{path} read nothing from the replica"
        assert not [q for q in on_primary if "incidents_" in q], f"{path} read the registry from the primary: {on_primary}"
    assert record.public_id in json.loads(client.get(f"/api/v1/incidents/{record.public_id}/").content)["public_id"]
    print(f"replica made in {streaming_replica['seconds']:.1f} s")


def test_writes_moderators_and_private_pages_use_the_primary(client, replica_alias, mod_client, rate_limits):
    rate_limits(submissions="100000/hour")
    with CaptureQueriesContext(connections[replica_alias]) as on_replica:
        created = client.post("/api/v1/submissions/", payload(), content_type="application/json")
    assert created.status_code == 201 and not [q for q in on_replica.captured_queries if "incidents_" in q["sql"]]
    for path in (f"/submissions/status/{created.json()['token']}/", "/api/v1/moderation/submissions/"):
        asker = mod_client if "moderation" in path else client
        response, on_replica, _ = queries(asker, replica_alias, path)
        assert response.status_code == 200 and not on_replica, path


def test_a_client_that_has_just_written_reads_its_write_from_the_primary(client, replica_alias, rate_limits, settings):
    rate_limits(submissions="100000/hour")
    created = client.post("/api/v1/submissions/", payload(), content_type="application/json")
    assert replicas.COOKIE in created.cookies
    _, on_replica, _ = queries(client, replica_alias, "/api/v1/incidents/")
    assert not on_replica  # the cookie: reads come from the primary for a few seconds
    client.cookies.pop(replicas.COOKIE)
    _, on_replica, _ = queries(client, replica_alias, "/api/v1/incidents/")
    assert on_replica
    assert client.get("/readyz").json()["replicas"][0]["usable"] is True
    client.cookies[replicas.COOKIE] = "forged"
    _, on_replica, _ = queries(client, replica_alias, "/api/v1/incidents/")
    assert on_replica  # an unsigned value is ignored


def test_a_replica_lagging_past_the_bound_is_skipped_until_it_catches_up(client, replica_alias, settings):
    moderator = make_moderator(username="mod-lag")
    wait_for_replay()
    with connections[replica_alias].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        settings.DATABASE_REPLICA_MAX_LAG = 0.3
        record = publish_new(moderator, title="Published while the replica lags")
        time.sleep(0.6)
        replicas.forget_health()
        ok, lag = replicas.replica_state(replica_alias)
        assert not ok and lag > 0.3
        response, on_replica, _ = queries(client, replica_alias, f"/api/v1/incidents/{record.public_id}/")
        assert response.status_code == 200 and record.public_id in response.content.decode()  # from the primary
        assert not [q for q in on_replica if "incidents_" in q]
    finally:
        with connections[replica_alias].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    replicas.forget_health()
    assert replicas.replica_state(replica_alias)[0]
    _, on_replica, _ = queries(client, replica_alias, f"/api/v1/incidents/{record.public_id}/")
    assert on_replica


def test_the_registry_keeps_working_when_the_replica_is_down(client, replica_alias, streaming_replica):
    moderator = make_moderator(username="mod-down")
    record = publish_new(moderator, title="Served while the replica is down")
    wait_for_replay()
    connections[replica_alias].close()
    code, output = _pg_ctl(streaming_replica["data"], "-m", "fast", "-w", "stop")
    assert code == 0, output
    try:
        replicas.forget_health()
        started = time.monotonic()
        for _ in range(3):
            response = client.get(f"/api/v1/incidents/{record.public_id}/")
            assert response.status_code == 200 and record.public_id in response.content.decode()
        assert time.monotonic() - started < 5  # a replica found down is not asked again on every request
        assert client.get("/incidents/").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["replicas"] == [{"alias": "replica_0", "usable": False, "lag_seconds": None}]
    finally:
        code, output = start_replica(streaming_replica["data"])
        assert code == 0, output
    wait_for_replay()
    replicas.forget_health()
    _, on_replica, _ = queries(client, replica_alias, "/api/v1/incidents/")
    assert on_replica
    assert client.get("/readyz").json()["replicas"][0]["usable"] is True
