"""Limits that hold across processes (#13): two servers share one limit, because the counters
live in the shared cache (the database cache here; Redis with REDIS_URL)."""

import json
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache

from tests.factories import payload
from tests.servers import Server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def post(url: str, body: dict) -> int:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_two_server_processes_share_one_submission_limit():
    cache.clear()
    servers = [Server(SUBMISSION_RATE="5/hour"), Server(SUBMISSION_RATE="5/hour")]
    try:
        for server in servers:
            server.wait()
        answers = [post(f"{servers[i % 2].url}/api/v1/submissions/", payload()) for i in range(10)]
    finally:
        for server in servers:
            server.stop()
        cache.clear()
    assert answers.count(201) == 5 and answers.count(429) == 5, answers
    assert answers[:5] == [201] * 5


@pytest.mark.django_db
def test_the_shared_cache_prunes_expired_entries_and_culls_to_its_size(settings):
    from django.core.cache import caches
    from django.test import override_settings

    with override_settings(CACHES={"default": {**settings.CACHES["default"], "OPTIONS": {"MAX_ENTRIES": 10}}}):
        cache_ = caches.create_connection("default")
        cache_.clear()
        for n in range(5):
            cache_.set(f"gone{n}", n, -1)  # already expired
        for n in range(30):
            cache_.set(f"kept{n}", n, 60)
        left = cache_.prune()
        assert left <= 10 and cache_.get("gone0") is None
        cache_.clear()
