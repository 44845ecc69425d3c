"""Partners (#18): contributor accounts and tokens, a limit per partner, bulk submission,
a partner's view of its submissions, public credit on and off on every public surface."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from incidents.choices import Action
from incidents.domain import moderation, partners
from incidents.models import Incident, ModerationEvent, Partner, Submission
from tests.factories import payload

pytestmark = pytest.mark.django_db


def contributor_client(username="lab-bot", organization="Face Search Research Lab", **options) -> tuple[APIClient, str]:
    out = io.StringIO()
    call_command("createcontributor", username, organization=organization, stdout=out, stderr=io.StringIO(), **options)
    token = out.getvalue().strip()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api, token


def test_createcontributor_makes_a_partner_an_account_and_a_working_token():
    api, token = contributor_client(website="https://lab.example.org", credit_line="the Face Search Research Lab", public_credit=True)
    partner = Partner.objects.get(name="Face Search Research Lab")
    assert partner.public_credit and partner.slug == "face-search-research-lab"
    response = api.post("/api/v1/submissions/", payload(), format="json")
    assert response.status_code == 201, response.content
    submission = Submission.objects.get(pk=response.json()["id"])
    assert submission.partner == partner and submission.contributor.username == "lab-bot"
    assert submission.incident.reported_by == partner
    # Running it again updates the account and prints a new token; the partner stays one.
    contributor_client(organization="face search research lab")
    assert Partner.objects.count() == 1


def test_a_moderator_cannot_become_a_contributor_nor_a_contributor_a_moderator(moderator):
    with pytest.raises(CommandError, match="is a moderator"):
        contributor_client(username=moderator.username)
    contributor_client(username="lab-bot")
    with pytest.raises(CommandError, match="contributor account"):
        call_command("createmoderator", "lab-bot", stdout=io.StringIO(), stderr=io.StringIO())


def test_anonymous_clients_are_limited_per_address_and_contributors_per_partner(rate_limits):
    rate_limits(submissions="2/hour", partner_submissions="5/hour")
    anonymous = APIClient()
    assert [anonymous.post("/api/v1/submissions/", payload(), format="json").status_code for _ in range(3)] == [201, 201, 429]
    first, _ = contributor_client(username="one")
    second, _ = contributor_client(username="two")  # the same partner: one allowance
    answers = [client.post("/api/v1/submissions/", payload(), format="json").status_code for client in (first, second) * 3]
    assert answers == [201, 201, 201, 201, 201, 429]
    other, _ = contributor_client(username="three", organization="Another Newsroom")
    assert other.post("/api/v1/submissions/", payload(), format="json").status_code == 201


def test_a_contributor_cannot_moderate_even_its_own_submissions():
    api, _ = contributor_client()
    submission_id = api.post("/api/v1/submissions/", payload(), format="json").json()["id"]
    for method, url in [("get", "/api/v1/moderation/submissions/"), ("get", f"/api/v1/moderation/submissions/{submission_id}/"),
                        ("post", f"/api/v1/moderation/submissions/{submission_id}/claim/"),
                        ("post", f"/api/v1/moderation/submissions/{submission_id}/publish/"),
                        ("patch", f"/api/v1/moderation/submissions/{submission_id}/")]:
        assert getattr(api, method)(url, {}, format="json").status_code == 403, url
    assert Submission.objects.get(pk=submission_id).incident.status == "submitted"


def test_bulk_submission_stores_the_good_items_and_reports_the_bad_by_line():
    api, _ = contributor_client()
    bad_url = payload(sources=[{"url": "not a link", "title": "x"}])
    items = [payload(title="First good case"), bad_url, payload(title="Second good case"), "not an object", payload(incident_date="2999-01-01")]
    before = Incident.objects.count()
    response = api.post("/api/v1/submissions/bulk/", items, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 2 and body["invalid"] == 3
    by_line = {r["line"]: r for r in body["results"]}
    assert by_line[1]["status"] == "created" and by_line[1]["status_url"].endswith(f"/api/v1/submissions/status/{by_line[1]['token']}/")
    assert by_line[2]["status"] == "invalid" and "sources.0.url" in by_line[2]["errors"]
    assert by_line[4]["errors"] == {"non_field_errors": ["Each item must be one JSON object."]}
    assert "incident_date" in by_line[5]["errors"]
    assert Incident.objects.count() == before + 2  # nothing of a failed item
    assert set(Incident.objects.filter(submission__partner__isnull=False).values_list("title", flat=True)) == {"First good case", "Second good case"}


def test_bulk_submission_takes_json_lines_and_names_a_malformed_line():
    api, _ = contributor_client()
    lines = "\n".join([json.dumps(payload(title="A case sent as a line")), "{not json", "", json.dumps(payload(title=""))])
    response = api.post("/api/v1/submissions/bulk/", lines, content_type="application/x-ndjson")
    assert response.status_code == 200, response.content
    results = {r["line"]: r for r in response.json()["results"]}
    assert results[1]["status"] == "created"
    assert results[2]["status"] == "invalid" and results[2]["errors"]["non_field_errors"][0].startswith("Malformed JSON")
    assert 3 not in results and "title" in results[4]["errors"]


def test_bulk_submission_refuses_too_many_items_and_anyone_but_contributors(settings, visitor, mod_client):
    settings.BULK_SUBMISSION_MAX_ITEMS = 3
    api, _ = contributor_client()
    before = Incident.objects.count()
    response = api.post("/api/v1/submissions/bulk/", [payload() for _ in range(4)], format="json")
    assert response.status_code == 400 and "At most 3" in response.content.decode()
    assert Incident.objects.count() == before
    assert visitor.post("/api/v1/submissions/bulk/", [payload()], format="json").status_code in (401, 403)
    assert mod_client.post("/api/v1/submissions/bulk/", [payload()], format="json").status_code == 403


def test_a_bulk_body_larger_than_a_single_submission_may_be_is_taken(settings):
    """Django caps an ordinary body at DATA_UPLOAD_MAX_MEMORY_SIZE (256 KB); a batch has its own limit."""
    api, _ = contributor_client()
    items = [payload(title=f"Long case {n}", narrative="A long account of what happened. " * 450) for n in range(20)]
    size = len(json.dumps(items))
    assert size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api.post("/api/v1/submissions/bulk/", items, format="json")
    assert response.status_code == 200 and response.json()["created"] == 20, response.content[:300]
    lines = "\n".join(json.dumps(item) for item in items)
    assert api.post("/api/v1/submissions/bulk/", lines, content_type="application/x-ndjson").json()["created"] == 20
    settings.BULK_SUBMISSION_MAX_BODY_BYTES = size // 2
    assert api.post("/api/v1/submissions/bulk/", items, format="json").status_code == 413


def test_bulk_items_count_against_the_partner_limit(rate_limits):
    rate_limits(partner_submissions="4/hour")
    api, _ = contributor_client()
    assert api.post("/api/v1/submissions/bulk/", [payload() for _ in range(3)], format="json").status_code == 200
    before = Incident.objects.count()
    assert api.post("/api/v1/submissions/bulk/", [payload() for _ in range(2)], format="json").status_code == 429
    assert Incident.objects.count() == before


def test_a_partner_sees_its_submissions_and_where_each_stands(moderator):
    api, _ = contributor_client()
    ids = [api.post("/api/v1/submissions/", payload(title=f"Case {n}"), format="json").json()["id"] for n in range(3)]
    other, _ = contributor_client(username="x", organization="Other Group")
    other.post("/api/v1/submissions/", payload(title="Not theirs"), format="json")
    incident = Submission.objects.get(pk=ids[0]).incident
    moderation.claim(incident, moderator)
    moderation.request_changes(incident, moderator, "Which court?")
    body = api.get("/api/v1/submissions/mine/").json()
    assert body["count"] == 3 and [r["id"] for r in body["results"]] == ids[::-1]
    first = body["results"][-1]
    assert first["status"] == "changes_requested" and first["change_request"] == "Which court?"
    assert "contact_email" not in first and "Not theirs" not in json.dumps(body)
    assert APIClient().get("/api/v1/submissions/mine/").status_code in (401, 403)


def _public_surfaces(client, public_id) -> dict[str, str]:
    return {
        "detail": client.get(f"/api/v1/incidents/{public_id}/").content.decode(),
        "list": client.get("/api/v1/incidents/?reported_by=face-search-research-lab").content.decode(),
        "csv": b"".join(client.get("/api/v1/incidents/export.csv").streaming_content).decode(),
        "jsonl": b"".join(client.get("/api/v1/incidents/export.jsonl").streaming_content).decode(),
        "page": client.get(f"/incidents/{public_id}/").content.decode(),
    }


def test_credit_shows_on_every_public_surface_and_withdrawing_it_takes_it_off_everywhere(moderator, visitor):
    api, _ = contributor_client(credit_line="the Face Search Research Lab", public_credit=True, website="https://lab.example.org")
    sid = api.post("/api/v1/submissions/", payload(title="Credited case"), format="json").json()["id"]
    incident = Submission.objects.get(pk=sid).incident
    moderation.claim(incident, moderator)
    published = moderation.publish(incident, moderator)
    surfaces = _public_surfaces(visitor, published.public_id)
    assert json.loads(surfaces["detail"])["reported_by"] == {"slug": "face-search-research-lab", "name": "the Face Search Research Lab",
                                                            "url": "https://lab.example.org"}
    assert published.public_id in surfaces["list"]
    assert "face-search-research-lab" in surfaces["csv"] and ",reported_by," in surfaces["csv"].splitlines()[0]
    assert '"reported_by": {"slug": "face-search-research-lab"' in surfaces["jsonl"] or "face-search-research-lab" in surfaces["jsonl"]
    assert "Reported by" in surfaces["page"] and "the Face Search Research Lab" in surfaces["page"]
    assert "lab-bot" not in "".join(surfaces.values())  # never the contributor

    partner = Partner.objects.get()
    assert partners.set_credit(partner, False) == 1
    surfaces = _public_surfaces(visitor, published.public_id)
    assert json.loads(surfaces["detail"])["reported_by"] is None
    assert published.public_id not in surfaces["list"]
    assert "face-search-research-lab" not in surfaces["csv"] + surfaces["jsonl"] and "Reported by" not in surfaces["page"]
    event = ModerationEvent.objects.filter(incident=published, action=Action.WITHDRAW_CREDIT).get()
    assert event.changes == {"reported_by": ["face-search-research-lab", None]}


def test_a_moderator_can_publish_without_the_credit(moderator, visitor, mod_client):
    api, _ = contributor_client(public_credit=True)
    sid = api.post("/api/v1/submissions/", payload(), format="json").json()["id"]
    mod_client.post(f"/api/v1/moderation/submissions/{sid}/claim/", {}, format="json")
    response = mod_client.post(f"/api/v1/moderation/submissions/{sid}/publish/", {"credit": False}, format="json")
    assert response.status_code == 200, response.content
    assert visitor.get(f"/api/v1/incidents/{response.json()['public_id']}/").json()["reported_by"] is None


def test_without_credit_asked_no_record_shows_the_partner(moderator, visitor):
    api, _ = contributor_client()  # public credit off by default
    sid = api.post("/api/v1/submissions/", payload(), format="json").json()["id"]
    incident = Submission.objects.get(pk=sid).incident
    moderation.claim(incident, moderator)
    published = moderation.publish(incident, moderator)
    assert visitor.get(f"/api/v1/incidents/{published.public_id}/").json()["reported_by"] is None


def test_moderators_manage_partners_in_the_desk_and_filter_the_queue_by_partner(client, moderator, visitor):
    client.force_login(moderator)
    response = client.post("/moderation/partners/", {"organization": "Defenders Office", "website": "https://defenders.example.org",
                                                     "public_credit": "on", "username": "defenders-bot"})
    assert response.status_code == 200
    token = response.context["new_token"][1]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    sid = api.post("/api/v1/submissions/", payload(title="Sent by the defenders"), format="json").json()["id"]
    APIClient().post("/api/v1/submissions/", payload(title="Sent by someone else"), format="json")
    queue = client.get("/moderation/?partner=defenders-office").content.decode()
    assert "Sent by the defenders" in queue and "Sent by someone else" not in queue and "from Defenders Office" in queue
    incident = Submission.objects.get(pk=sid).incident
    moderation.claim(incident, moderator)
    published = moderation.publish(incident, moderator)
    assert "Reported by" in visitor.get(f"/incidents/{published.public_id}/").content.decode()
    partner = Partner.objects.get(slug="defenders-office")
    client.post("/moderation/partners/", {"action": "credit", "partner": partner.pk})
    assert "Reported by" not in APIClient().get(f"/incidents/{published.public_id}/").content.decode()
    assert ModerationEvent.objects.filter(incident=published, action=Action.WITHDRAW_CREDIT, actor=moderator).exists()


def test_the_api_queue_filters_by_partner(mod_client):
    api, _ = contributor_client()
    api.post("/api/v1/submissions/", payload(title="From the lab"), format="json")
    APIClient().post("/api/v1/submissions/", payload(title="From a person"), format="json")
    rows = mod_client.get("/api/v1/moderation/submissions/?partner=face-search-research-lab").json()
    assert [r["title"] for r in rows] == ["From the lab"] and rows[0]["partner"] == "face-search-research-lab"


def test_a_contributor_signed_in_sees_its_partners_submissions(client, moderator):
    api, _ = contributor_client(password="a long enough passphrase 42")
    api.post("/api/v1/submissions/", payload(title="A lab case"), format="json")
    assert client.get("/partners/submissions/").status_code == 302  # sign in first
    response = client.post("/moderation/login/?next=/partners/submissions/", {"username": "lab-bot", "password": "a long enough passphrase 42"})
    assert response.status_code == 302 and response["Location"] == "/partners/submissions/"
    html = client.get("/partners/submissions/").content.decode()
    assert "A lab case" in html and "submitted" in html
    client.force_login(moderator)
    assert client.get("/partners/submissions/").status_code == 403
