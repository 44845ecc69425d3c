"""Limits that cannot be dodged, moderator answers nobody caches, passwords that pass the
validators (#13)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.factories import payload, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_an_hour(rate_limits):
    rate_limits(submissions="3/hour")


def test_a_forged_forwarded_for_header_does_not_reset_the_limit(three_an_hour):
    api = APIClient()
    answers = [api.post("/api/v1/submissions/", payload(), format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(6)]
    assert answers == [201, 201, 201, 429, 429, 429]


def test_the_form_shares_the_same_limit_whatever_the_header(three_an_hour, client):
    api = APIClient()
    for i in range(3):
        assert api.post("/api/v1/submissions/", payload(), format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code == 201
    response = client.post("/submit/", {"title": "x"}, HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_limit_is_per_forwarded_client(three_an_hour, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api = APIClient()
    first = [api.post("/api/v1/submissions/", payload(), format="json", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code for _ in range(4)]
    other = api.post("/api/v1/submissions/", payload(), format="json", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code
    assert first == [201, 201, 201, 429] and other == 201


@pytest.mark.parametrize("password", ["1", "password", "12345678901234", "ada"])
def test_createmoderator_refuses_a_weak_password(password):
    with pytest.raises(CommandError, match="Password refused"):
        call_command("createmoderator", "ada", "--password", password, stdout=io.StringIO(), stderr=io.StringIO())
    assert not get_user_model().objects.filter(username="ada", password__startswith="md5").exists()


def test_createmoderator_takes_a_long_passphrase():
    out = io.StringIO()
    call_command("createmoderator", "ada", "--password", "a long and unusual passphrase", stdout=out, stderr=io.StringIO())
    assert get_user_model().objects.get(username="ada").check_password("a long and unusual passphrase")


def test_no_moderator_answer_or_status_page_may_be_stored(moderator, client):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(moderator)[1]}")
    assert api.get("/api/v1/moderation/submissions/")["Cache-Control"] == "no-store, private"
    incident, submission, token = submit()
    assert "no-store" in APIClient().get(f"/api/v1/submissions/status/{token}/")["Cache-Control"]
    assert "no-store" in client.get(f"/submissions/status/{token}/")["Cache-Control"]
    client.force_login(moderator)
    assert "no-store" in client.get("/moderation/")["Cache-Control"]
    assert "no-store" in client.get("/admin/")["Cache-Control"]
    assert client.get("/")["Cache-Control"] == "no-store, private"  # a logged-in moderator's view of a public page
    client.logout()
    assert "no-store" not in client.get("/").get("Cache-Control", "")
