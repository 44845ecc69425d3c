"""A first-hand account is a source: a personal testimony needs no link, is its own source
(never shared with another record), is never fetched, and shows as the person's account."""

import json

import pytest

from incidents.domain import moderation
from incidents.models import Source
from incidents.public import selectors
from tests.factories import make_moderator, payload

pytestmark = pytest.mark.django_db


def _testimony(**source):
    body = payload()
    body["sources"] = [{"title": "", "source_type": "personal_testimony", **source}]
    body["outcomes"] = [{"type": "detained", "days": 6, "sources": [0]}]
    return body


def test_a_testimony_without_a_link_is_accepted_published_and_shown(client, rate_limits, settings):
    rate_limits(submissions="100000/hour")
    settings.PRESERVATION_ENABLED = True
    moderator = make_moderator(username="mod-testimony")
    first = client.post("/api/v1/submissions/", _testimony(), content_type="application/json")
    second = client.post("/api/v1/submissions/", _testimony(title="My own account"), content_type="application/json")
    assert first.status_code == second.status_code == 201, first.content
    testimonies = Source.objects.filter(url="")
    assert testimonies.count() == 2 and not testimonies.filter(normalized_url__isnull=False).exists()  # never shared
    from incidents.models import Submission

    incident = Submission.objects.get(pk=first.json()["id"]).incident
    moderation.claim(incident, moderator)
    moderation.publish(incident, moderator)
    incident.refresh_from_db()
    record = client.get(f"/api/v1/incidents/{incident.public_id}/").json()
    assert record["sources"][0]["url"] is None and record["sources"][0]["source_type"] == "personal_testimony"
    assert record["evidence_level"] == "testimony_only"
    assert selectors.record_of(incident)["sources"][0]["url"] is None  # the read model and the Python format agree
    page = client.get(f"/incidents/{incident.public_id}/").content.decode()
    assert "The account of the person concerned, or someone close to them" in page
    export = client.get("/api/v1/incidents/export.jsonl")
    assert json.loads(b"".join(export.streaming_content).decode().splitlines()[0])["sources"][0]["url"] is None
    csv = b"".join(client.get("/api/v1/incidents/export.csv").streaming_content).decode()
    assert incident.public_id in csv


@pytest.mark.parametrize("source_type", ["news", "court_record", "other"])
def test_any_other_source_still_needs_its_link(client, rate_limits, source_type):
    rate_limits(submissions="100000/hour")
    answer = client.post("/api/v1/submissions/", _testimony(source_type=source_type), content_type="application/json")
    assert answer.status_code == 400
    assert "Only a personal testimony" in answer.json()["error"]["fields"]["sources.0.url"][0]


def test_the_form_sends_a_testimony_without_a_link(client, rate_limits):
    rate_limits(submissions="100000/hour")
    from tests.incidents.views.test_forms_and_desk import VALID

    post = {k: v for k, v in VALID.items() if not k.startswith("sources-1")}
    post.update({"sources-0-url": "", "sources-0-title": "What happened to me", "sources-0-source_type": "personal_testimony",
                 "outcomes-0-sources": "1"})
    assert client.post("/submit/", post).status_code == 302
    post["sources-0-source_type"] = "news"
    answer = client.post("/submit/", post)
    assert answer.status_code == 400 and "Only a personal testimony" in answer.content.decode()
