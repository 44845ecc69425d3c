"""Cached public responses: served while the registry is unchanged, never stale after a change,
never shared with logged-in moderators or token clients."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ApiToken
from incidents.domain import moderation
from incidents.models import System
from tests.factories import publish_new

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.PUBLIC_CACHE_SECONDS = 60


@pytest.mark.parametrize("url", ["/api/v1/incidents/?country=US", "/incidents/?country=US", "/systems/clearview-ai/", "/api/v1/stats/"])
def test_a_repeat_costs_one_query_and_answers_the_same(client, moderator, url):
    System.objects.create(slug="clearview-ai", name="Clearview AI", technology="face")
    publish_new(moderator, systems=["clearview-ai"])
    publish_new(moderator, systems=["clearview-ai"], country="GB")
    first = client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url)
    assert second.status_code == first.status_code == 200
    assert second.content == first.content and second["Content-Type"] == first["Content-Type"]
    assert len(ctx) == 2  # the public version, then the shared cache


def test_every_kind_of_change_is_seen_at_once(client, moderator):
    a = publish_new(moderator, title="First case", systems=[], country="US")
    assert "First case" in client.get("/incidents/?country=US").content.decode()
    b = publish_new(moderator, title="Second case", country="US")
    assert "Second case" in client.get("/incidents/?country=US").content.decode()
    moderation.correct(a, moderator, {"title": "First case, corrected"}, "Title fixed.")
    assert "First case, corrected" in client.get("/incidents/?country=US").content.decode()
    moderation.withdraw(b, moderator, "Retracted.")
    assert "Second case" not in client.get("/incidents/?country=US").content.decode()


def test_renaming_a_system_refreshes_the_records_that_show_it(client, moderator):
    system = System.objects.create(slug="fr-van", name="FR Van", technology="face")
    record = publish_new(moderator, systems=["fr-van"])
    url = f"/api/v1/incidents/{record.public_id}/"
    assert client.get(url).json()["systems"][0]["name"] == "FR Van"
    system.name = "Live Facial Recognition Van"
    system.save()
    assert client.get(url).json()["systems"][0]["name"] == "Live Facial Recognition Van"


def test_moderators_and_token_clients_are_never_served_from_the_cache(client, moderator):
    publish_new(moderator)
    client.get("/api/v1/incidents/")
    client.force_login(moderator)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/v1/incidents/")
    assert len(ctx) > 1
    client.logout()
    token = ApiToken.issue(moderator)[1]
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Token {token}")
    assert len(ctx) > 1


def test_errors_are_not_cached(client):
    assert client.get("/api/v1/incidents/?has_minor=maybe").status_code == 400
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/incidents/?has_minor=maybe").status_code == 400
    assert len(ctx) >= 1


def test_the_cache_can_be_turned_off(client, moderator, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    publish_new(moderator)
    client.get("/api/v1/incidents/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/v1/incidents/")
    assert len(ctx) > 1


def test_a_public_request_reads_the_public_version_once(client, moderator):
    publish_new(moderator, title="A case")
    for url in ("/api/v1/incidents/", "/api/v1/stats/", "/incidents/"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert sum("incidents_publicversion" in q["sql"] for q in queries.captured_queries) == 1, url


def test_the_cache_never_answers_one_host_with_another_hosts_links(moderator, settings):
    """Part of #14: a request with another (allowed) Host header must not put that host into later responses."""
    from django.test import Client

    settings.PUBLIC_CACHE_SECONDS = 60
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    record = publish_new(moderator)
    client = Client()
    other = client.get(f"/api/v1/incidents/{record.public_id}/", HTTP_HOST="mirror.example.org").json()
    ours = client.get(f"/api/v1/incidents/{record.public_id}/").json()
    assert other["html_url"].startswith("http://mirror.example.org/") and ours["html_url"].startswith("http://testserver/")
