"""The generic checks every public endpoint gets, as NetBox's test bases give every API view:
nothing private in the answer (the no-leak world, ``tests/test_no_leaks.py``), the
standing actors see what they should, and a query budget that does not grow with the data.

A new public route joins by being listed in ``public_api_urls`` or ``public_page_urls``.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SystemFactory, publish_new
from tests.test_no_leaks import assert_no_marker, public_api_urls, public_page_urls, world  # noqa: F401  (world: the fixture)

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12  # per public request, whatever the number of records


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    assert response.status_code in (200, 301, 404, 410), (url, response.status_code)
    return len(captured.captured_queries), body


def test_every_public_endpoint_keeps_a_query_budget_that_does_not_grow_with_the_data(visitor, world, moderator, settings):  # noqa: F811
    settings.PUBLIC_CACHE_SECONDS = 0  # every request runs its queries
    urls = [u for u in public_api_urls(world) + public_page_urls(world) if u != "/api/schema/"]
    before = {url: _queries(visitor, url)[0] for url in urls}
    more = SystemFactory(name="Another Search", slug="another-search")
    for n in range(6):
        publish_new(moderator, title=f"Later case {n}", systems=[more.slug, "public-face-search"], sources=[
            {"url": f"https://later.example/{n}/{k}", "source_type": "news", "title": f"Report {k}"} for k in range(3)])
    grown = {}
    for url in urls:
        count, body = _queries(visitor, url)
        assert_no_marker(url, body)
        grown[url] = count
    over = {url: n for url, n in grown.items() if n > QUERY_BUDGET}
    assert not over, over
    changed = {url: (before[url], grown[url]) for url in urls if grown[url] != before[url]}
    assert not changed, changed


def test_the_standing_actors_see_what_they_should(visitor, submitter, moderator, mod_client):
    status = visitor.get(submitter.status_url)
    assert status.status_code == 200 and "Waiting for a moderator" in status.content.decode()
    assert visitor.get(f"/api/v1/incidents/?q={submitter.incident.title.split()[0]}").json()["count"] == 0  # not public yet
    assert visitor.get("/api/v1/moderation/submissions/").status_code in (401, 403)
    queue = mod_client.get("/api/v1/moderation/submissions/").json()
    assert any(item["id"] == submitter.submission.pk for item in (queue["results"] if isinstance(queue, dict) else queue))
