"""Nothing unpublished, no submitter contact, no private name ever leaves through a public surface.

One world holds a record in every non-public state, each carrying a unique marker in every
free-text field, plus published records with private details (submitter contact, a private
name, a rejected proposed system name). Every public URL, with and without filters and
searches aimed at the markers, must answer without any marker.
"""

import re

import pytest
from rest_framework.test import APIClient

from incidents.domain import actions, deployments, moderation
from tests.factories import OrganizationFactory, SystemFactory, publish_new, submit

pytestmark = pytest.mark.django_db

SECRETS = {
    "submitted": "Zyxsubmittedmarker",
    "in_review": "Zyxinreviewmarker",
    "changes_requested": "Zyxchangesmarker",
    "rejected": "Zyxrejectedmarker",
    "withdrawn": "Zyxwithdrawnmarker",
    "merged": "Zyxmergedmarker",
}
CONTACT = "zyx.secret.contact@example.org"
PRIVATE_NAME = "Zyxprivatename Person"
PROPOSED = "Zyxproposedscanner"
PROPOSED_OPERATOR = "Zyxproposedpolice"
MINOR_NOTE = "Zyxminorschool"
DEPLOYMENT_SECRETS = {"submitted": "Zyxdeploymentsubmitted", "rejected": "Zyxdeploymentrejected", "withdrawn": "Zyxdeploymentwithdrawn"}

ALL_MARKERS = [*SECRETS.values(), *DEPLOYMENT_SECRETS.values(), CONTACT, PRIVATE_NAME, PROPOSED, PROPOSED_OPERATOR, "zyx"]


def _deployment(marker):
    """A deployment of the public system by the public operator, with the marker in every text and in a figure."""
    return {"operator": "public-police", "system": "public-face-search", "country": "US", "city": f"City{marker}", "place": f"Site{marker}",
            "summary": f"Summary {marker}", "reference_note": f"Database {marker}",
            "sources": [{"url": f"https://example.org/{marker}", "title": f"Source {marker}", "publisher": f"Pub {marker}"}],
            "figures": [{"kind": "usage", "measure": f"Uses {marker}", "value": 12345, "unit": "uses", "provenance": "operator", "source": 0}]}


def _marked(marker, evidence=None, **extra):
    """Every text carries the marker; an operator's response (its own source) denies face recognition
    and, where the record names systems, each of them: claims no public count or filter may see."""
    evidence = evidence or marker
    claims = [{"about": "technology", "subject": "face", "contradicted_by": [1]}]
    claims += [{"about": "system", "subject": name, "contradicted_by": [1]} for name in extra.get("systems", []) if name != PROPOSED]
    return dict(
        title=f"Case {marker}", narrative=f"Narrative {marker}.", region=f"Region{marker}", city=f"City{marker}",
        sources=[{"url": f"https://example.org/{evidence}", "title": f"Source {evidence}", "publisher": f"Pub {evidence}", "source_type": "news"},
                 {"url": f"https://example.org/{evidence}-response", "title": f"Response {evidence}", "publisher": f"Pub {evidence}",
                  "source_type": "official_response"}],
        outcomes=[{"type": "arrested", "detail": f"Detail {evidence}", "sources": [0], "contradicted_by": [1],
                   "values": [{"field": "date", "value": "2020", "sources": [0]}, {"field": "date", "value": "2021", "sources": [1]}]}],
        claims=claims, submitter={"role": "affected_person", "contact_email": CONTACT}, **extra,
    )


@pytest.fixture
def world(moderator):
    system = SystemFactory(name="Public Face Search", slug="public-face-search")
    operator = OrganizationFactory(name="Public Police", slug="public-police", kind="police", country="US")
    public = publish_new(moderator, systems=[system.slug], operators=[operator.slug], title="An ordinary published case",
                         submitter={"role": "journalist", "contact_email": CONTACT}, affected={"count": 1, "name": PRIVATE_NAME})
    # A published record whose submission proposed names the moderator rejected.
    publish_new(moderator, systems=[system.slug, PROPOSED], operators=[PROPOSED_OPERATOR], title="A case with rejected proposals",
                proposed={PROPOSED: "reject", PROPOSED_OPERATOR: "reject"})
    # A minor's case is public, but carries no name and the minor flag only.
    publish_new(moderator, systems=[system.slug], title="A child on a fugitives list", affected={"count": 1, "has_minor": True})

    incident, _, _ = submit(**_marked(SECRETS["submitted"], systems=[PROPOSED], operators=[PROPOSED_OPERATOR]))
    incident, _, _ = submit(**_marked(SECRETS["in_review"], systems=[system.slug]))
    moderation.claim(incident, moderator)
    incident, _, _ = submit(**_marked(SECRETS["changes_requested"], systems=[system.slug]))
    moderation.claim(incident, moderator)
    moderation.request_changes(incident, moderator, "Which city?")
    incident, _, _ = submit(**_marked(SECRETS["rejected"], systems=[system.slug]))
    moderation.claim(incident, moderator)
    moderation.reject(incident, moderator, "Out of scope")
    withdrawn = publish_new(moderator, **_marked(SECRETS["withdrawn"], systems=[system.slug], operators=[operator.slug]))
    # Translations of records that are then withdrawn or merged carry their markers too.
    translation = {"language": "es", "method": "human", "translator": "Voluntaria"}
    actions.perform("translate", withdrawn, moderator, translation | {"title": SECRETS["withdrawn"], "narrative": SECRETS["withdrawn"]})
    moderation.withdraw(withdrawn, moderator, "The only source retracted the story.")
    # A merge moves the duplicate's sources and outcomes to the canonical record (public by design);
    # its own title, narrative and place must not surface.
    merged = publish_new(moderator, **_marked(SECRETS["merged"], evidence="merged-evidence", systems=[system.slug]))
    actions.perform("translate", merged, moderator, translation | {"title": SECRETS["merged"], "narrative": SECRETS["merged"]})
    moderation.merge(merged, moderator, into=public)
    # Deployments that are not public: submitted, rejected, and withdrawn (after the public case was linked to it).
    deployment_ids = {}
    for state, marker in DEPLOYMENT_SECRETS.items():
        deployment = deployments.submit(_deployment(marker))
        if state == "rejected":
            deployments.reject(deployment, moderator, "Not sourced.")
        elif state == "withdrawn":
            deployments.publish(deployment, moderator)
            moderation.correct(public, moderator, {"deployment": deployment.pk}, "Linked to its deployment.")
            deployments.withdraw(deployment, moderator, "The source was retracted.")
        deployment_ids[state] = deployment.pk
    return {"public": public, "withdrawn": withdrawn, "merged": merged, "system": system, "operator": operator, "deployments": deployment_ids}


def public_api_urls(world):
    base = "/api/v1"
    public_id = world["public"].public_id
    filters = [
        "", "?q=Zyxsubmittedmarker", "?q=zyx", "?q=Narrative", "?system=public-face-search", f"?system={PROPOSED}",
        f"?operator={PROPOSED_OPERATOR}", "?country=US", "?region=RegionZyxinreviewmarker", "?outcome=arrested",
        "?has_minor=true", "?has_minor=false", "?year=2023", "?ordering=oldest", "?page_size=1",
        "?attribution=denied", "?system=public-face-search&attribution=denied", "?technology=face&attribution=denied,disputed",
    ]
    urls = []
    for query in filters:
        urls += [f"{base}/incidents/{query}", f"{base}/incidents/export.csv{query}", f"{base}/incidents/export.jsonl{query}",
                 f"{base}/stats/{query}", f"{base}/systems/public-face-search/incidents/{query}",
                 f"{base}/organizations/public-police/incidents/{query}"]
    urls += [f"{base}/stats/?group_by={g}" for g in ("system", "operator", "country", "year", "error_type", "outcome")]
    urls += [f"{base}/stats/?group_by=system&group_by=operator&split=attribution", f"{base}/stats/?country=US&group_by=system&split=attribution"]
    urls += [
        f"{base}/incidents/{public_id}/", f"{base}/incidents/{public_id}/history/",
        f"{base}/incidents/{world['withdrawn'].public_id}/", f"{base}/incidents/{world['withdrawn'].public_id}/history/",
        f"{base}/incidents/{world['merged'].public_id}/", f"{base}/incidents/{world['merged'].public_id}/history/",
        f"{base}/systems/", f"{base}/systems/public-face-search/", f"{base}/systems/{PROPOSED.lower()}/",
        f"{base}/organizations/", f"{base}/organizations/public-police/", f"{base}/organizations/{PROPOSED_OPERATOR.lower()}/",
        "/api/schema/",
    ]
    urls += [f"{base}/incidents/{world[k].public_id}/translations/" for k in ("public", "withdrawn", "merged")]
    for query in ("", "?system=public-face-search", "?operator=public-police", "?country=US", "?active_on=2025-01-01"):
        urls += [f"{base}/deployments/{query}", f"{base}/deployments/export.jsonl{query}"]
    urls += [f"{base}/deployments/{pk}/" for pk in world["deployments"].values()]
    return urls


def _body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def assert_no_marker(url, text):
    """A marker the URL itself carries may be echoed (a 404 names the slug asked for); any other is a leak."""
    # Random one-time values (the CSRF token, the form's nonce) may spell "zyx" by chance.
    lowered = re.sub(r'name="(csrfmiddlewaretoken|nonce)" value="[^"]*"', "", text).lower()
    for marker in ALL_MARKERS:
        if marker.lower() in url.lower():
            continue
        assert marker.lower() not in lowered, f"{marker!r} leaked through {url}"


def test_no_api_surface_shows_anything_private(world):
    client = APIClient()
    checked = 0
    for url in public_api_urls(world):
        response = client.get(url)
        assert response.status_code in (200, 301, 404, 410), (url, response.status_code)
        assert_no_marker(url, _body(response) + str(response.headers))
        checked += 1
    assert checked > 90


@pytest.mark.parametrize("query", ["q=Zyxsubmittedmarker", "q=Zyxwithdrawnmarker", "q=Zyxmergedmarker", f"system={PROPOSED}",
                                   f"operator={PROPOSED_OPERATOR}", "region=RegionZyxinreviewmarker", "q=CityZyxrejectedmarker"])
def test_filters_aimed_at_private_records_find_nothing(world, query):
    client = APIClient()
    assert client.get(f"/api/v1/incidents/?{query}").json()["count"] == 0
    assert client.get(f"/api/v1/stats/?{query}").json()["total"] == 0
    assert _body(client.get(f"/api/v1/incidents/export.jsonl?{query}")) == ""
    assert len(_body(client.get(f"/api/v1/incidents/export.csv?{query}")).strip().splitlines()) == 1


def test_unpublished_claims_count_nowhere(world):
    """Only unpublished records deny the public system and face recognition: no filter, split or
    statistic may count them (a withdrawn record's denial included)."""
    client = APIClient()
    for query in ("attribution=denied", "system=public-face-search&attribution=denied", "technology=face&attribution=denied",
                  "attribution=disputed"):
        assert client.get(f"/api/v1/incidents/?{query}").json()["count"] == 0, query
        assert client.get(f"/api/v1/stats/?{query}").json()["total"] == 0, query
    assert "denied" not in client.get("/api/v1/systems/public-face-search/").json()["attribution"]
    rows = client.get("/api/v1/stats/?group_by=system&split=attribution").json()["groups"]["system"]
    assert all("denied" not in row["attribution"] for row in rows)


def test_the_leak_test_would_notice_a_leak(world):
    """Guard against a vacuous pass: the markers really are in the database and the published record really is served."""
    from incidents.models import Incident, Submission

    assert Incident.objects.filter(title__contains="Zyx").count() == 6
    assert Submission.objects.filter(contact_email=CONTACT).count() >= 7
    body = _body(APIClient().get(f"/api/v1/incidents/{world['public'].public_id}/"))
    assert "An ordinary published case" in body
    # The merged record's sources now document the canonical case: that is public, by design.
    assert "example.org/merged-evidence" in body


def test_a_withdrawn_record_shows_only_its_reason(world):
    response = APIClient().get(f"/api/v1/incidents/{world['withdrawn'].public_id}/")
    assert response.status_code == 410
    assert "retracted" in response.json()["error"]["message"]


def test_the_minor_case_is_listed_without_any_name(world):
    rows = APIClient().get("/api/v1/incidents/?has_minor=true").json()["results"]
    assert [r["title"] for r in rows] == ["A child on a fugitives list"]
    record = APIClient().get(f"/api/v1/incidents/{rows[0]['public_id']}/").json()
    assert record["affected"] == {"count": 1, "has_minor": True, "name": None}


def public_page_urls(world):
    public_id = world["public"].public_id
    urls = ["/", "/systems/", "/stats/", "/feed.atom", "/submit/", "/submit/thanks/", "/submissions/lost-link/", "/systems/public-face-search/", "/systems/public-face-search/feed.atom",
            "/organizations/public-police/", f"/incidents/{public_id}/", f"/incidents/{public_id}/history/",
            f"/incidents/{public_id}/v/1/", f"/incidents/{public_id}/v/2/", f"/incidents/{public_id}/cite.json", f"/incidents/{public_id}/cite.ris",
            f"/incidents/{world['withdrawn'].public_id}/", f"/incidents/{world['merged'].public_id}/",
            f"/systems/{PROPOSED.lower()}/", f"/organizations/{PROPOSED_OPERATOR.lower()}/"]
    for query in ("", "?q=Zyxsubmittedmarker", "?q=zyx", "?q=Narrative", "?system=public-face-search", f"?system={PROPOSED}",
                  f"?operator={PROPOSED_OPERATOR}", "?has_minor=true", "?country=US&outcome=arrested", "?reported_by=zyx-partner",
                  "?attribution=denied", "?system=public-face-search&attribution=denied,disputed", "?technology=face&attribution=denied"):
        urls.append(f"/incidents/{query}")
    return urls


def test_no_page_or_feed_shows_anything_private(client, world):
    checked = 0
    for url in public_page_urls(world):
        response = client.get(url)
        assert response.status_code in (200, 301, 404, 410), (url, response.status_code)
        assert_no_marker(url, response.content.decode())
        checked += 1
    assert checked >= 20
