"""Claims: each attribution and outcome of a record with its own status, derived from the sources
that support and contradict it (or set by a moderator, with a history row), values kept where
sources differ, and the attribution qualifier and split counts on every surface that attributes."""

import csv
import io
import itertools
import json
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from incidents.domain import moderation, redaction
from incidents.evidence import ClaimStatus, sql_status, status_of
from incidents.models import Claim, Incident, IncidentVersion, Organization, Submission, System
from incidents.public import selectors
from incidents.public.counts import attribution_counts
from incidents.public.format import public_record
from tests.factories import OrganizationFactory, SystemFactory, publish_new, submit

pytestmark = pytest.mark.django_db


def _source(n, kind, publisher="Example"):
    return {"url": f"https://claims.example.org/{kind}-{n}", "title": f"{kind} {n}", "publisher": publisher, "source_type": kind}


def test_each_status_is_derived_from_the_sources():
    assert status_of(["court_record"]) == "confirmed"
    assert status_of(["news", "official_response"]) == "confirmed"  # the operator's own statement
    assert status_of(["news", "ngo_report"]) == "reported"
    assert status_of(["personal_testimony"]) == "alleged"
    assert status_of([]) == "alleged"
    assert status_of(["news"], ["official_response"]) == "denied"
    assert status_of([], ["official_response"]) == "denied"
    assert status_of(["court_record"], ["official_response"]) == "disputed"  # an official record against the operator's word
    assert status_of(["news"], ["news"]) == "disputed"  # two reports naming different systems
    assert status_of(["news"], ["official_response", "news"]) == "disputed"
    assert status_of(["news"], ["official_response"], stated="reported") == "reported"  # a moderator's word stands


def test_the_sql_rule_is_the_python_rule_on_every_combination():
    kinds = ["court_record", "official_response", "news", "personal_testimony", "other"]
    sets = [list(c) for r in range(3) for c in itertools.combinations(kinds, r)]
    cases = [{"s": s, "c": c, "st": st} for s in sets for c in sets for st in ("", "alleged")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql_status('v.s', 'v.c', 'v.st')} FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS e(x, n), "
            "LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(x->'s')) AS s, ARRAY(SELECT jsonb_array_elements_text(x->'c')) AS c, "
            "x->>'st' AS st) v ORDER BY n", [json.dumps(cases)])
        got = [row[0] for row in cursor.fetchall()]
    assert got == [status_of(c["s"], c["c"], c["st"]) for c in cases]
    assert len(cases) > 500


@pytest.fixture
def world(moderator):
    """Three published cases: two systems disputed for one search, a system and technology the
    operator denies, and a detention whose length sources give differently."""
    clearview = SystemFactory(name="Clearview AI", vendor=OrganizationFactory(name="Clearview", kind="vendor"))
    idemia = SystemFactory(name="IDEMIA Face Expert", vendor=OrganizationFactory(name="IDEMIA", kind="vendor"))
    police = OrganizationFactory(name="Riverside County Police")
    disputed = publish_new(moderator, title="Two systems named for one search", systems=[clearview.slug, idemia.slug], operators=[police.slug],
                           sources=[_source(1, "news"), _source(2, "news"), _source(3, "court_record")],
                           outcomes=[{"type": "arrested", "sources": [2]}],
                           claims=[{"about": "system", "subject": "Clearview AI", "sources": [0], "contradicted_by": [1]},
                                   {"about": "system", "subject": idemia.slug, "sources": [1], "contradicted_by": [0]}])
    denied = publish_new(moderator, title="Police deny using face recognition", systems=[clearview.slug], operators=[police.slug],
                         sources=[_source(4, "court_record"), _source(5, "official_response", "Riverside County Police")],
                         outcomes=[{"type": "arrested", "sources": [0]}],
                         claims=[{"about": "system", "subject": clearview.slug, "contradicted_by": [1]},
                                 {"about": "technology", "subject": "face", "contradicted_by": [1]}])
    differ = publish_new(moderator, title="Five or six days in jail", systems=[clearview.slug],
                         sources=[_source(6, "news"), _source(7, "ngo_report")],
                         outcomes=[{"type": "detained", "days": 6, "sources": [0, 1],
                                    "values": [{"field": "days", "value": "6", "sources": [0]}, {"field": "days", "value": "5", "sources": [1]}]}])
    return {"clearview": clearview, "idemia": idemia, "police": police, "disputed": disputed, "denied": denied, "differ": differ}


def _claims(incident):
    return {(c["about"], c["value"]): c for c in public_record(incident)["claims"]}


def test_statuses_follow_the_sources_of_each_claim(world):
    disputed = _claims(world["disputed"])
    assert disputed[("system", "clearview-ai")]["status"] == disputed[("system", world["idemia"].slug)]["status"] == "disputed"
    assert disputed[("system", "clearview-ai")] | {"status": None} == {
        "about": "system", "value": "clearview-ai", "status": None, "stated": False, "sources": [0], "contradicted_by": [1]}
    # Claims nobody detailed rest on the record's own sources, a court record among them.
    assert disputed[("operator", world["police"].slug)]["status"] == "confirmed"
    assert disputed[("vendor", "clearview")]["sources"] == [0, 1, 2]
    denied = _claims(world["denied"])
    assert denied[("system", "clearview-ai")]["status"] == denied[("technology", "face")]["status"] == "denied"
    # The operator's response answers only the claims it is attached to.
    assert denied[("operator", world["police"].slug)] | {"status": None} == {
        "about": "operator", "value": world["police"].slug, "status": None, "stated": False, "sources": [0], "contradicted_by": []}
    record = public_record(world["differ"])
    assert record["outcomes"][0]["days"] == 5 and record["outcomes"][0]["status"] == "reported"
    assert record["evidence_level"] == "reported"
    assert public_record(world["denied"])["evidence_level"] == "official_record"


def test_a_moderator_sets_a_status_and_the_history_says_so(world, moderator):
    incident = world["disputed"]
    moderation.correct(incident, moderator, {"claims": [
        {"about": "system", "subject": "clearview-ai", "sources": [0, 2], "status": "confirmed"},
        {"about": "system", "subject": world["idemia"].slug, "sources": [1], "contradicted_by": [2]},
    ]}, "The court record names Clearview AI; the early report was wrong.")
    incident.refresh_from_db()
    claims = _claims(incident)
    assert claims[("system", "clearview-ai")] == {"about": "system", "value": "clearview-ai", "status": "confirmed", "stated": True,
                                                       "sources": [0, 2], "contradicted_by": []}
    assert claims[("system", world["idemia"].slug)]["status"] == "disputed"
    version = IncidentVersion.objects.get(incident=incident, number=incident.version)
    before, after = version.changes["claims"]
    assert any("status=confirmed" in line for line in after) and not any("status=" in line for line in before)
    assert incident.events.filter(action="correct").latest("at").changes["claims"] == [before, after]
    # The public history shows it too.
    history = APIClient().get(f"/api/v1/incidents/{incident.public_id}/history/").json()
    assert "claims" in history["versions"][-1]["changes"]


def test_a_claim_about_something_the_record_does_not_name_changes_nothing(world, moderator):
    incident = world["differ"]
    before = public_record(incident)
    with pytest.raises(ValidationError) as error:
        moderation.correct(incident, moderator, {"claims": [{"about": "system", "subject": world["idemia"].slug, "sources": [0]}]}, "Wrong.")
    assert "claims.0.subject" in error.value.message_dict
    incident.refresh_from_db()
    assert public_record(incident) == before
    response = APIClient().post("/api/v1/submissions/", {
        **_body(), "claims": [{"about": "operator", "subject": "Nobody Police", "sources": [0]}]}, format="json")
    assert response.status_code == 400 and "claims.0.subject" in response.json()["error"]["fields"]
    response = APIClient().post("/api/v1/submissions/", {**_body(), "claims": [{"about": "technology", "subject": "face", "sources": [5]}]}, format="json")
    assert response.status_code == 400 and "claims.0.sources" in response.json()["error"]["fields"]
    assert not Incident.objects.filter(title="A submitter marks a denial").exists()


def _body():
    return {"title": "A submitter marks a denial", "narrative": "The police say they did not use face recognition.", "country": "US",
            "sources": [_source(10, "news"), _source(11, "official_response")], "submitter": {"role": "lawyer"}}


def test_a_submitter_marks_a_denial_with_its_source(moderator, rate_limits):
    rate_limits(submissions="100000/hour")
    response = APIClient().post("/api/v1/submissions/", {**_body(), "claims": [
        {"about": "technology", "subject": "face", "sources": [0], "contradicted_by": [1]}]}, format="json")
    assert response.status_code == 201, response.json()
    incident = Submission.objects.get(pk=response.json()["id"]).incident
    moderation.claim(incident, moderator)
    published = moderation.publish(incident, moderator)
    assert _claims(published)[("technology", "face")]["status"] == "denied"


def _api(path):
    response = APIClient().get(path)
    assert response.status_code == 200, response.content
    return response


def _ids(path):
    return {r["public_id"] for r in _api(path).json()["results"]}


def test_the_attribution_qualifier_on_every_attributing_filter(world):
    d, n, f = (world[k].public_id for k in ("disputed", "denied", "differ"))
    assert _ids("/api/v1/incidents/?system=clearview-ai") == {d, f}  # denied attributions are left out by default
    assert _ids("/api/v1/incidents/?system=clearview-ai&attribution=denied") == {n}
    assert _ids("/api/v1/incidents/?system=clearview-ai&attribution=disputed,reported") == {d, f}
    assert _ids("/api/v1/incidents/?system=clearview-ai&attribution=confirmed") == set()
    assert _ids("/api/v1/incidents/?vendor=clearview&attribution=confirmed") == {d, n}
    assert _ids(f"/api/v1/incidents/?operator={world['police'].slug}&attribution=confirmed") == {d, n}
    assert _ids("/api/v1/incidents/?technology=face") == {d, f}
    assert _ids("/api/v1/incidents/?technology=face&attribution=denied") == {n}
    assert _ids("/api/v1/incidents/?attribution=denied") == {n}  # alone: any attribution with that status
    body = _api("/api/v1/incidents/?system=clearview-ai").json()
    assert body["attribution"] == {"system": {"clearview-ai": {"reported": 1, "disputed": 1}}}
    assert "attribution" not in _api("/api/v1/incidents/?system=clearview-ai&country=US").json()  # counted: on request
    body = _api("/api/v1/incidents/?system=clearview-ai&country=US&split=attribution").json()
    assert body["attribution"] == {"system": {"clearview-ai": {"reported": 1, "disputed": 1}}}
    body = _api("/api/v1/incidents/?system=clearview-ai&attribution=denied,disputed&split=attribution").json()
    assert body["count"] == 2 and body["attribution"] == {"system": {"clearview-ai": {"disputed": 1, "denied": 1}}}
    assert _api("/api/v1/systems/clearview-ai/").json()["attribution"] == {"reported": 1, "disputed": 1, "denied": 1}
    # A name that matches nothing splits into nothing (and finds nothing).
    body = _api("/api/v1/incidents/?vendor=nobody&attribution=confirmed&country=US&split=attribution").json()
    assert body["count"] == 0 and body["attribution"] == {"vendor": {}}
    response = APIClient().get("/api/v1/incidents/?system=clearview-ai&attribution=maybe")
    assert response.status_code == 400 and "attribution" in response.json()["error"]["fields"]
    # Exports and statistics take it too.
    rows = list(csv.DictReader(io.StringIO(b"".join(APIClient().get(
        "/api/v1/incidents/export.csv?system=clearview-ai&attribution=denied").streaming_content).decode())))
    assert [r["public_id"] for r in rows] == [n] and rows[0]["system_status"] == "clearview-ai: denied"
    assert rows[0]["technology_status"] == "face: denied" and rows[0]["outcome_status"] == "arrested: confirmed"
    lines = b"".join(APIClient().get("/api/v1/incidents/export.jsonl?technology=face&attribution=denied").streaming_content).decode().splitlines()
    assert [json.loads(line)["public_id"] for line in lines] == [n]
    stats = _api("/api/v1/stats/?system=clearview-ai&attribution=denied&group_by=operator").json()
    assert stats["total"] == 1
    stats = _api("/api/v1/stats/?group_by=system&split=attribution").json()
    row = next(r for r in stats["groups"]["system"] if r["key"] == "clearview-ai")
    assert row["count"] == 2 and row["attribution"] == {"reported": 1, "disputed": 1, "denied": 1}


def test_the_pages_show_statuses_splits_and_differing_values(client, world):
    page = client.get(f"/incidents/{world['disputed'].public_id}/").content.decode()
    assert "How well each part is established" in page and page.count("claim-disputed") >= 2
    page = client.get(f"/incidents/{world['differ'].public_id}/").content.decode()
    assert "Sources differ: 6 days (source 1); 5 days (source 2); the lowest is counted." in page
    page = client.get("/incidents/?system=clearview-ai&attribution=denied").content.decode()
    assert world["denied"].title in page and world["differ"].title not in page
    page = client.get("/incidents/?system=clearview-ai").content.decode()
    assert "Clearview AI: 2 cases" in page and "1 reported" in page and "1 disputed" in page
    page = client.get("/systems/clearview-ai/").content.decode()
    assert "In 1 more case the operator or vendor denies it (not counted)." in page
    page = client.get("/stats/").content.decode()
    assert "bar-disputed" in page and "each bar split by how well the attribution is established" in page


def _split_by_hand(kind):
    """{key: Counter(status)} from every public record's claims, one by one."""
    counts = {}
    for incident in Incident.objects.public().prefetch_related("systems__vendor", "operators"):
        ids = {("system", s.slug): s.pk for s in incident.systems.all()}
        ids |= {("vendor", s.vendor.slug): s.vendor_id for s in incident.systems.all() if s.vendor_id}
        ids |= {("operator", o.slug): o.pk for o in incident.operators.all()}
        for claim in public_record(incident)["claims"]:
            if claim["about"] == kind:
                key = str(ids.get((kind, claim["value"]), claim["value"]))
                counts.setdefault(key, Counter())[claim["status"]] += 1
    return counts


def _splits_equal_counting_claims():
    for kind in ("system", "vendor", "operator", "technology"):
        by_hand = _split_by_hand(kind)
        for key, counts in by_hand.items():
            assert selectors.split_of(kind, key) == selectors.ordered_split(dict(counts)), (kind, key)
            # The same counted over a filtered set (no kept counts).
            facts = selectors.public_facts().filter(attributions__overlap=[f"{p}:{key}:{s}" for p in ("s", "v", "op", "t") for s in ClaimStatus.values])
            assert selectors.ordered_split(attribution_counts(facts, kind, [key]).get(key, {})) == selectors.ordered_split(dict(counts))


def test_counts_per_status_equal_counting_the_claims_after_every_kind_of_change(world, moderator):
    _splits_equal_counting_claims()
    moderation.correct(world["disputed"], moderator, {"claims": [
        {"about": "system", "subject": "clearview-ai", "sources": [2], "status": "confirmed"}]}, "The court record names it.")
    _splits_equal_counting_claims()
    moderation.correct(world["denied"], moderator, {"systems": [world["idemia"].slug]}, "The system was IDEMIA's.")
    assert not Claim.objects.filter(incident=world["denied"], about="system").exists()  # the claim about the old system goes
    _splits_equal_counting_claims()
    redaction.redact(world["differ"], moderator, "Identifying detail.", remove=["Five or six"])
    _splits_equal_counting_claims()
    moderation.withdraw(world["differ"], moderator, "Duplicate report.")
    _splits_equal_counting_claims()
    System.objects.filter(pk=world["idemia"].pk).update(vendor=Organization.objects.get(name="Clearview"))
    from incidents.domain.records import touch
    touch(Incident.objects.public().values_list("pk", flat=True))
    _splits_equal_counting_claims()
    assert selectors.split_of("system", world["clearview"].pk) == {"confirmed": 1}


def test_the_old_record_format_is_still_served(world):
    pid = world["disputed"].public_id
    v2 = _api(f"/api/v1/incidents/{pid}/").json()
    v1 = _api(f"/api/v1/incidents/{pid}/?record_format=1").json()
    assert v2["schema"] == "wir-incident/2" and v2["claims"]
    assert v1["schema"] == "wir-incident/1" and "claims" not in v1 and "status" not in v1["outcomes"][0]
    assert {k: v for k, v in v2.items() if k not in ("schema", "claims", "outcomes")} == {
        k: v for k, v in v1.items() if k not in ("schema", "outcomes")}


def test_a_draft_with_claims_shows_nothing_of_them_in_public(world, moderator):
    """A draft citing a published case's source, with its own claims, changes nothing public."""
    before = {pid: _api(f"/api/v1/incidents/{pid}/").json() for pid in (world["disputed"].public_id,)}
    split_before = _api("/api/v1/systems/clearview-ai/").json()["attribution"]
    submit(title="A draft that denies everything", systems=["clearview-ai"],
           sources=[_source(1, "news"), _source(12, "official_response")],
           claims=[{"about": "system", "subject": "clearview-ai", "contradicted_by": [1]}])
    for pid, record in before.items():
        assert _api(f"/api/v1/incidents/{pid}/").json() == record
    assert _api("/api/v1/systems/clearview-ai/").json()["attribution"] == split_before
    assert _ids("/api/v1/incidents/?attribution=denied") == {world["denied"].public_id}
    # The draft's response is no public source either: the system page lists none of it.
    page = APIClient().get("/systems/clearview-ai/").content.decode()
    assert "official_response 12" not in page and "claims.example.org/official_response-12" not in page


def test_the_desk_sets_a_claims_status_and_sources(client, world, moderator):
    client.force_login(moderator)
    incident = world["disputed"]
    page = client.get(f"/moderation/incidents/{incident.public_id}/").content.decode()
    assert "How well each claim is established" in page and 'name="claim-count"' in page
    claims = public_record(incident)["claims"]
    form = {"action": "correct", "note": "The court record names Clearview AI.", "claim-count": str(len(claims)),
            "source-type": ["news", "news", "court_record"]}
    for i, claim in enumerate(claims):  # unchanged, as the page shows them
        form |= {f"claim-{i}-about": claim["about"], f"claim-{i}-value": str(claim["value"]).lower() if isinstance(claim["value"], bool) else claim["value"],
                 f"claim-{i}-status": "", f"claim-{i}-supports": [str(p) for p in claim["sources"]],
                 f"claim-{i}-contradicts": [str(p) for p in claim["contradicted_by"]]}
        if claim["value"] == "clearview-ai":
            form |= {f"claim-{i}-status": "confirmed", f"claim-{i}-supports": ["0", "2"], f"claim-{i}-contradicts": []}
    client.post(f"/moderation/incidents/{incident.public_id}/action/", form)
    incident.refresh_from_db()
    after = _claims(incident)
    assert incident.version == 2 and after[("system", "clearview-ai")]["status"] == "confirmed" and after[("system", "clearview-ai")]["stated"]
    assert after[("system", world["idemia"].slug)]["status"] == "disputed"  # kept as it was
    # The claims left as they were still rest on the record's own sources: no row was made for them.
    assert set(Claim.objects.filter(incident=incident).values_list("about", flat=True)) == {"system"}


def test_the_report_form_marks_a_source_that_denies_face_recognition(client, moderator, rate_limits):
    rate_limits(submissions="100000/hour")
    form = {
        "title": "Police say no face search was run", "narrative": "The family says a camera matched him; the police deny it.",
        "country": "US", "sources-0-url": "https://claims.example.org/family", "sources-0-title": "Family speaks", "sources-0-source_type": "news",
        "sources-1-url": "https://claims.example.org/statement", "sources-1-title": "Police statement", "sources-1-source_type": "official_response",
        "sources-1-denies": "on", "submitter-role": "family_member",
    }
    page = client.get("/submit/").content.decode()
    assert 'name="sources-0-denies"' in page and 'id="denies-help"' in page
    response = client.post("/submit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get(title=form["title"])
    moderation.claim(incident, moderator)
    incident = moderation.publish(incident, moderator)
    assert _claims(incident)[("technology", "face")] == {"about": "technology", "value": "face", "status": "denied", "stated": False,
                                                               "sources": [0], "contradicted_by": [1]}


def test_a_response_is_listed_with_the_claims_it_answers(client, world):
    """The right of reply belongs on the system's page even when the response denies the system was used
    (a case no list counts by default)."""
    page = client.get("/systems/clearview-ai/").content.decode()
    assert f"/incidents/{world['denied'].public_id}/" in page and "denies it" in page
    assert page.count("claim-denied") >= 2  # the system and face recognition, both denied by the police's response
    page = client.get(f"/organizations/{world['police'].slug}/").content.decode()
    assert "denies it" in page
