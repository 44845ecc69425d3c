"""Inputs that never reach a 500 (#13): each abusive input found in testing answers 400 (or
404/405) in the documented error shape, quickly, and changes nothing."""

import base64
import json
import time

import pytest
from rest_framework.test import APIClient

from incidents.models import Incident
from tests.factories import payload, publish_new, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def no_throttle(rate_limits):
    rate_limits(submissions="1000/minute", corrections="1000/minute")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def assert_error(response, status=400):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()["error"]
    assert body["status"] == status and body["code"] and body["message"]
    return body


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("depth", [50, 5000, 30000])
def test_deeply_nested_json_is_refused_everywhere(api, mod_client, moderator, depth):
    record = publish_new(moderator)
    draft, _, _ = submit()
    count = Incident.objects.count()
    bodies = [
        (api, "/api/v1/submissions/", '{"title": ' + nested(depth) + "}"),
        (api, f"/api/v1/incidents/{record.public_id}/corrections/", '{"details": ' + nested(depth) + "}"),
        (mod_client, f"/api/v1/moderation/submissions/{draft.submission.pk}/publish/", '{"proposed": ' + nested(depth) + "}"),
        (mod_client, f"/api/v1/moderation/incidents/{record.public_id}/correct/", '{"changes": {"title": ' + nested(depth) + '}, "note": "x"}'),
    ]
    for client, url, body in bodies:
        started = time.monotonic()
        response = client.generic("POST", url, body, content_type="application/json")
        assert_error(response)
        assert time.monotonic() - started < 2, url
    assert Incident.objects.count() == count


@pytest.mark.parametrize("values", [["n", "2026-01-01T00:00:00+00:00", "12"], ["n", "2026-01-01T00:00:00+00:00", None],
                                    ["n", "2026-01-01T00:00:00+00:00", [1]], ["o", "2026-01-01T00:00:00+00:00", 2 ** 70],
                                    ["n", "2026-01-01T00:00:00+00:00", True], ["n", ["x"], 1], ["r", [1e308, "2026-01-01"], "1"]])
@pytest.mark.parametrize("where", ["/api/v1/incidents/", "/incidents/"])
def test_a_fabricated_cursor_is_a_400_not_a_500(api, moderator, values, where):
    publish_new(moderator)
    params = {"cursor": cursor(values)}
    if values[0] == "o":
        params["ordering"] = "oldest"
    if values[0] == "r":
        params["q"] = "arrested"
    response = api.get(where, params)
    if where.startswith("/api/"):
        assert_error(response)
    else:
        assert response.status_code == 400


@pytest.mark.parametrize("offset", ["9223372036854775808", str(10 ** 30), "-1", "x"])
def test_the_moderation_queue_refuses_an_offset_out_of_range(mod_client, offset):
    response = mod_client.get("/api/v1/moderation/submissions/", {"offset": offset})
    assert "offset" in assert_error(response)["fields"]


def test_thousands_of_query_parameters_are_refused_quickly(api):
    query = "&".join(f"p{i}=1" for i in range(3000))
    started = time.monotonic()
    assert_error(api.get(f"/api/v1/incidents/?{query}"))
    assert api.get(f"/incidents/?{query}").status_code == 400
    assert time.monotonic() - started < 3


def test_every_api_error_is_json_in_the_documented_shape(api, settings):
    assert_error(api.get("/api/v1/no-such-endpoint/"), 404)
    assert_error(api.get("/api/nothing-here"), 404)
    assert_error(api.delete("/api/v1/incidents/"), 405)
    assert_error(api.put("/api/v1/submissions/", {}, format="json"), 405)


def test_an_unexpected_error_under_the_api_is_a_json_500(api, monkeypatch, settings):
    settings.DEBUG = False
    from api import views

    monkeypatch.setattr(views.IncidentList, "get", lambda self, request: 1 / 0)
    client = APIClient(raise_request_exception=False)
    body = assert_error(client.get("/api/v1/incidents/"), 500)
    assert "ZeroDivision" not in json.dumps(body)


def test_the_desk_refuses_deeply_nested_changes(client, moderator):
    record = publish_new(moderator)
    client.force_login(moderator)
    response = client.post(f"/moderation/incidents/{record.public_id}/action/",
                           {"action": "correct", "changes": '{"title": ' + nested(100000) + "}", "note": "x"})
    assert response.status_code == 302
    assert Incident.objects.get(pk=record.pk).version == 1


def test_a_valid_submission_still_works(api):
    assert api.post("/api/v1/submissions/", payload(), format="json").status_code == 201
