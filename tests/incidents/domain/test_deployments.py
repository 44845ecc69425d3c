"""Deployments (#17): the moderated write path, the public API and pages, figures with their
sources, incidents set beside a usage figure with the floor warning, the Atlas of
Surveillance import, and nothing unpublished anywhere public."""

import csv
import io
import json

import jsonschema
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from incidents.choices import Status
from incidents.domain import deployments, moderation
from incidents.interchange import atlas
from incidents.models import Deployment, DeploymentEvent, Incident
from incidents.public.deployments import FLOOR_WARNING
from tests.factories import OrganizationFactory, SystemFactory, publish_new

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(open("incidents/schemas/wir-deployment-1.schema.json").read())
CANARY = "Zqdeploymentcanary"


@pytest.fixture
def names():
    ice = OrganizationFactory(name="U.S. Immigration and Customs Enforcement", slug="ice", aliases=["ICE"], kind="federal_agency")
    return ice, SystemFactory(name="Mobile Fortify", slug="mobile-fortify")


def draft(**changes) -> dict:
    body = {"operator": "ICE", "system": "Mobile Fortify", "country": "US", "started": "2025-01", "reference_databases": ["immigration_biometrics"],
            "summary": "Officers photograph people in the field.",
            "sources": [{"url": "https://news.example.org/fortify", "title": "ICE uses a face app", "source_type": "news"}],
            "figures": [{"kind": "usage", "measure": "times the app was used", "qualifier": "at_least", "value": 100000, "unit": "uses",
                         "period_start": "2025-01-01", "period_end": "2025-12-31", "provenance": "operator", "source": 0}]}
    body.update(changes)
    return body


def test_a_submitted_deployment_is_nowhere_public_until_published(names, moderator, visitor):
    sent = visitor.post("/api/v1/deployments/submissions/", draft(summary=f"Draft {CANARY}"), format="json")
    assert sent.status_code == 201 and sent.json()["status"] == "submitted"
    pk = sent.json()["id"]
    for url in ("/api/v1/deployments/", f"/api/v1/deployments/{pk}/", "/api/v1/deployments/export.jsonl", "/api/v1/systems/mobile-fortify/",
                "/systems/mobile-fortify/", "/organizations/ice/"):
        response = visitor.get(url)
        text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
        assert CANARY not in text, url
    assert visitor.get(f"/api/v1/deployments/{pk}/").status_code == 404
    deployments.publish(Deployment.objects.get(pk=pk), moderator)
    record = visitor.get(f"/api/v1/deployments/{pk}/").json()
    jsonschema.validate(record, SCHEMA)
    assert record["operator"]["slug"] == "ice" and record["system"]["slug"] == "mobile-fortify" and CANARY in record["summary"]
    assert record["figures"][0]["value"] == 100000 and record["figures"][0]["provenance"] == "operator" and record["figures"][0]["source"] == 0
    assert [e.action for e in DeploymentEvent.objects.filter(deployment_id=pk)] == ["submit", "publish"]


def test_bad_input_names_the_field_and_stores_nothing(names, visitor):
    before = Deployment.objects.count()
    response = visitor.post("/api/v1/deployments/submissions/", draft(country="XX", operator=""), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"country", "operator"}
    figure = visitor.post("/api/v1/deployments/submissions/", draft(figures=[
        {"kind": "usage", "measure": "x", "value": 5, "unit": "uses", "provenance": "operator", "source": 3}]), format="json")
    assert figure.status_code == 400 and "Source 3 does not exist" in figure.content.decode()
    ended = visitor.post("/api/v1/deployments/submissions/", draft(ended="2024-01"), format="json")
    assert ended.status_code == 400 and "before the start" in ended.content.decode()
    pct = visitor.post("/api/v1/deployments/submissions/", draft(figures=[
        {"kind": "performance", "measure": "capture rate", "value": 176, "unit": "%", "provenance": "operator", "source": 0}]), format="json")
    assert pct.status_code == 400 and "percentage" in pct.content.decode()
    assert Deployment.objects.count() == before


def test_unknown_names_are_decided_by_the_moderator_when_publishing(moderator, visitor):
    pk = visitor.post("/api/v1/deployments/submissions/", draft(operator="Policía de la Ciudad", system="SRFP", country="AR"), format="json").json()["id"]
    with pytest.raises(ValidationError, match="Decide on"):
        deployments.publish(Deployment.objects.get(pk=pk), moderator)
    assert Deployment.objects.get(pk=pk).status == Status.SUBMITTED
    published = deployments.publish(Deployment.objects.get(pk=pk), moderator, proposed={"operator": "create", "system": "create"})
    assert published.operator.name == "Policía de la Ciudad" and published.system.name == "SRFP"


def test_moderation_through_the_api_correct_and_withdraw_with_history(names, mod_client, visitor):
    pk = visitor.post("/api/v1/deployments/submissions/", draft(), format="json").json()["id"]
    assert mod_client.get("/api/v1/moderation/deployments/").json()[0]["id"] == pk
    assert visitor.post(f"/api/v1/moderation/deployments/{pk}/publish/", {}, format="json").status_code in (401, 403)
    assert mod_client.post(f"/api/v1/moderation/deployments/{pk}/publish/", {"note": "Checked."}, format="json").status_code == 200
    corrected = mod_client.post(f"/api/v1/moderation/deployments/{pk}/correct/", {"changes": {"ended": "2025-11"}, "note": "It ended."}, format="json")
    assert corrected.status_code == 200, corrected.content
    record = visitor.get(f"/api/v1/deployments/{pk}/").json()
    assert record["ended"] == "2025-11" and record["ongoing"] is False and record["version"] == 2
    assert corrected.json()["history"][-1]["changes"]["ended"] == [None, "2025-11-01"]
    assert mod_client.post(f"/api/v1/moderation/deployments/{pk}/withdraw/", {"reason": "Source retracted."}, format="json").status_code == 200
    assert visitor.get(f"/api/v1/deployments/{pk}/").status_code == 410
    assert visitor.get("/api/v1/deployments/").json()["count"] == 0
    with pytest.raises(Exception), transaction.atomic():
        DeploymentEvent.objects.filter(deployment_id=pk).delete()  # append-only


def test_the_api_filters(names, moderator, visitor):
    ice, fortify = names
    a = deployments.publish(deployments.submit(draft()), moderator)
    b = deployments.publish(deployments.submit(draft(system="", technology="face", country="AR", operator="ICE", started="2019", ended="2020",
                                                     reference_databases=["fugitives_list"], figures=[])), moderator)
    ids = lambda query: [r["id"] for r in visitor.get(f"/api/v1/deployments/?{query}").json()["results"]]  # noqa: E731
    assert ids("system=mobile-fortify") == [a.pk]
    assert ids("operator=ICE") == [b.pk, a.pk]
    assert ids("country=ar") == [b.pk]
    assert ids("database=fugitives_list") == [b.pk]
    assert ids("active_on=2025-06-01") == [a.pk] and ids("active_before=2021-01-01") == [b.pk] and ids("active_after=2021-01-01") == [a.pk]
    assert visitor.get("/api/v1/deployments/?active_on=June").status_code == 400
    assert visitor.get("/api/v1/deployments/?colour=red").status_code == 400
    lines = b"".join(visitor.get("/api/v1/deployments/export.jsonl?country=US").streaming_content).decode().splitlines()
    assert [json.loads(x)["id"] for x in lines] == [a.pk]
    for line in lines:
        jsonschema.validate(json.loads(line), SCHEMA)
    assert visitor.get("/api/v1/schema/deployment.json").json()["title"].startswith("Wrongful Identification Registry")


def test_incidents_link_to_their_deployment_and_sit_beside_the_usage_figure_with_the_warning(names, moderator, visitor):
    deployment = deployments.publish(deployments.submit(draft()), moderator)
    linked = publish_new(moderator, title="Linked case", incident_date="2025-03-02", systems=["Mobile Fortify"], operators=["ICE"])
    moderation.correct(linked, moderator, {"deployment": deployment.pk}, "Arose from the ICE deployment.")
    publish_new(moderator, title="Outside the period", incident_date="2024-03-02", systems=["Mobile Fortify"], operators=["ICE"])
    record = visitor.get(f"/api/v1/incidents/{linked.public_id}/").json()
    assert record["deployment"] == deployment.pk
    rows = list(csv.DictReader(io.StringIO(b"".join(visitor.get("/api/v1/incidents/export.csv").streaming_content).decode())))
    assert {r["public_id"]: r["deployment"] for r in rows}[linked.public_id] == str(deployment.pk)
    assert {r["public_id"]: r["system_names"] for r in rows}[linked.public_id] == "Mobile Fortify"
    assert visitor.get(f"/api/v1/deployments/{deployment.pk}/").json()["incidents"] == [linked.public_id]
    page = visitor.get("/systems/mobile-fortify/").content.decode()
    assert "Deployments: who uses it" in page and "at least 100,000 uses" in page and "ICE uses a face app" in page
    assert "1 documented wrongful identification</strong>" in page and "1 documented case per 100,000 recorded uses" in page
    assert FLOOR_WARNING.split(":")[0] in page
    org_page = visitor.get("/organizations/ice/").content.decode()
    assert "Deployments: who uses it" in org_page
    deployments.withdraw(deployment, moderator, "Wrong operator.")
    assert visitor.get(f"/api/v1/incidents/{linked.public_id}/").json()["deployment"] is None  # an unpublished deployment is not named


def test_a_performance_figure_has_no_ratio_and_a_system_with_only_deployments_has_a_page(moderator, visitor):
    cbp = OrganizationFactory(name="U.S. Customs and Border Protection", slug="cbp", kind="federal_agency")
    deployments.publish(deployments.submit(draft(operator="cbp", system="", kind="test", place="Anzalduas border crossing", figures=[
        {"kind": "performance", "measure": "vehicles with every occupant's face captured", "value": 76, "unit": "%", "provenance": "operator", "source": 0}])),
        moderator)
    page = visitor.get(f"/organizations/{cbp.slug}/").content.decode()
    assert "76%: vehicles with every occupant" in page and "Anzalduas border crossing" in page and "documented case per" not in page


ATLAS = """Agency,City,State,Technology,Vendor,Link 1,Link 2
ICE,,DC,Face Recognition,Vendor X,https://news.example.org/a,https://news.example.org/b
Springfield Police Department,Springfield,IL,Automated License Plate Readers,,https://news.example.org/c,
Springfield Police Department,Springfield,IL,Face Recognition,,https://news.example.org/d,
"""


def test_the_atlas_import_maps_names_skips_out_of_scope_rows_and_names_a_bad_row(names, moderator):
    with pytest.raises(atlas.AtlasError, match="line 4, column 'agency'.*Springfield Police Department"):
        atlas.parse(ATLAS)
    rows, skipped = atlas.parse(ATLAS, {"agencies": {"Springfield Police Department": "create"}, "vendors": {"Vendor X": "mobile-fortify"}})
    assert skipped == 1 and len(rows) == 2
    ids = atlas.import_rows(rows, moderator, {"agencies": {"Springfield Police Department": "create"}})
    made = Deployment.objects.filter(pk__in=ids).order_by("id")
    assert [(d.operator.name, d.system.slug if d.system else None, d.region, d.status) for d in made] == [
        ("U.S. Immigration and Customs Enforcement", "mobile-fortify", "DC", "published"), ("Springfield Police Department", None, "IL", "published")]
    assert made[0].source_links.count() == 2 and made[0].events.get().action == "import"


def test_a_bad_atlas_row_changes_nothing(names, moderator, tmp_path):
    bad = ATLAS + "ICE,,ZZ,Face Recognition,,https://news.example.org/e,\n"
    path, mapping = tmp_path / "atlas.csv", tmp_path / "map.json"
    path.write_text(bad)
    mapping.write_text(json.dumps({"agencies": {"Springfield Police Department": "create"}}))
    before = (Deployment.objects.count(), Incident.objects.count())
    with pytest.raises(CommandError, match="line 5, column 'state'"):
        call_command("import_deployments", str(path), "--as", moderator.username, "--map", str(mapping), stdout=io.StringIO())
    assert (Deployment.objects.count(), Incident.objects.count()) == before


def test_the_shipped_sample_imports(moderator):
    call_command("loaddemo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_deployments", "incidents/fixtures/atlas-sample.csv", "--as", moderator.username, "--map",
                 "incidents/fixtures/atlas-sample-map.json", stdout=out)
    assert "Imported 3 deployments" in out.getvalue()
    detroit = Deployment.objects.get(operator__slug="detroit-police-department")
    assert detroit.system.slug == "dataworks-plus-facial-recognition"
    records = APIClient().get("/api/v1/deployments/?page_size=100").json()
    assert records["count"] == 7
    for record in records["results"]:
        jsonschema.validate(record, SCHEMA)
    fortify = APIClient().get("/api/v1/deployments/?system=mobile-fortify").json()["results"][0]
    assert fortify["figures"][0]["value"] == 100000 and fortify["incidents"]


def test_the_end_cannot_precede_the_start_in_the_database(names, moderator):
    deployment = deployments.publish(deployments.submit(draft()), moderator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deployment.objects.filter(pk=deployment.pk).update(ended="2000-01-01")


def test_only_moderators_publish(names, visitor, submitter):
    deployment = deployments.submit(draft())
    with pytest.raises(moderation.NotAModerator):
        deployments.publish(deployment, None)


def test_the_desk_publishes_and_rejects_deployments(client, moderator, visitor):
    first = deployments.submit(draft(operator="Policía de la Ciudad", system="", country="AR", figures=[]))
    second = deployments.submit(draft(operator="Policía de la Ciudad", system="", country="AR", summary="Duplicate", figures=[]))
    client.force_login(moderator)
    page = client.get("/moderation/deployments/").content.decode()
    assert f"#{first.pk}" in page and "is not known" in page
    client.post("/moderation/deployments/", {"deployment": first.pk, "action": "publish"})  # no decision: refused
    assert Deployment.objects.get(pk=first.pk).status == Status.SUBMITTED
    client.post("/moderation/deployments/", {"deployment": first.pk, "action": "publish", "operator": "create"})
    assert Deployment.objects.get(pk=first.pk).status == Status.PUBLISHED
    client.post("/moderation/deployments/", {"deployment": second.pk, "action": "reject", "reason": "Same as #1."})
    assert Deployment.objects.get(pk=second.pk).status == Status.REJECTED
    assert visitor.get("/api/v1/deployments/").json()["count"] == 1
