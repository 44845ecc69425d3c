"""Timeouts on every wait (#13): a stuck transaction holding a row lock makes moderators'
requests answer 503 with Retry-After within the lock timeout, while public reads keep
answering; an unreachable database answers 503, JSON under /api/. Real server processes
and real connections."""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection

from api.models import ApiToken
from tests.factories import make_moderator, publish_new, submit
from tests.servers import Server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def call(url, method="GET", token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, json.dumps(body or {}).encode() if method == "POST" else None, headers, method=method)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode(), time.monotonic() - started


def raw_connection():
    s = connection.settings_dict
    params = {"host": s["HOST"] or None, "port": s["PORT"] or None, "user": s["USER"], "password": s["PASSWORD"] or None, "dbname": s["NAME"]}
    return psycopg.connect(**{k: v for k, v in params.items() if v})


def test_a_stuck_lock_costs_no_more_than_the_lock_timeout_and_public_reads_go_on():
    moderator = make_moderator(username="lock-mod")
    token = ApiToken.issue(moderator)[1]
    publish_new(moderator)
    draft, submission, _ = submit()
    server = Server(threads=6, DB_LOCK_TIMEOUT="2s", PUBLIC_CACHE_SECONDS="0").wait()
    stuck = raw_connection()
    try:
        stuck.execute("SELECT id FROM incidents_incident WHERE id = %s FOR UPDATE", [draft.pk])  # held: the transaction stays open
        with ThreadPoolExecutor(6) as pool:
            claims = [pool.submit(call, f"{server.url}/api/v1/moderation/submissions/{submission.pk}/claim/", "POST", token) for _ in range(4)]
            time.sleep(0.3)
            reads = [call(f"{server.url}/api/v1/incidents/") for _ in range(3)]
            answers = [c.result() for c in claims]
        for status, headers, body, took in answers:
            assert status == 503 and headers["Retry-After"] and json.loads(body)["error"]["code"] == "timeout", body
            assert took < 5, took
        for status, _, body, took in reads:
            assert status == 200 and took < 2, (status, took)
        stuck.rollback()
        status, _, body, _ = call(f"{server.url}/api/v1/moderation/submissions/{submission.pk}/claim/", "POST", token)
        assert status == 200 and json.loads(body)["status"] == "in_review"
    finally:
        stuck.close()
        server.stop()


def test_an_unreachable_database_answers_503_not_500():
    server = Server(DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere").wait()
    try:
        status, headers, body, _ = call(f"{server.url}/api/v1/incidents/")
        assert status == 503 and headers["Retry-After"] and json.loads(body)["error"]["code"] == "unavailable"
        status, headers, body, _ = call(f"{server.url}/incidents/")
        assert status == 503 and headers["Retry-After"] and "Try again shortly" in body
    finally:
        server.stop()
