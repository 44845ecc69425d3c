"""The published record format: a JSON Schema in the repository, served by the API, followed by every
export; and a full dump that restores into an empty registry equal to the original."""

import gzip
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from incidents import choices
from incidents.domain import moderation
from incidents.models import Incident
from incidents.public.format import as_v1, iter_records
from incidents.public.selectors import public_incidents
from tests.factories import publish_new

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[3] / "incidents" / "schemas"
SCHEMA = json.loads((SCHEMAS / "wir-incident-2.schema.json").read_text())
SCHEMA_V1 = json.loads((SCHEMAS / "wir-incident-1.schema.json").read_text())


@pytest.mark.parametrize("schema", [SCHEMA, SCHEMA_V1], ids=["v2", "v1"])
def test_the_schema_is_valid_and_its_enums_match_the_code(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert props["error_type"]["enum"] == list(choices.ErrorType.values)
    assert props["identification_mode"]["enum"] == list(choices.IdentificationMode.values)
    assert props["contributing_factors"]["items"]["enum"] == list(choices.ContributingFactor.values)
    assert props["outcomes"]["items"]["properties"]["type"]["enum"] == list(choices.OutcomeType.values)
    assert props["sources"]["items"]["properties"]["source_type"]["enum"] == list(choices.SourceType.values)


def test_every_exported_record_follows_the_schema(moderator):
    call_command("loaddemo", verbosity=0)
    publish_new(moderator, outcomes=[{"type": "settlement", "amount": "300000", "currency": "USD", "sources": [0]}])
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    v1 = jsonschema.Draft202012Validator(SCHEMA_V1, format_checker=jsonschema.FormatChecker())
    records = list(iter_records(public_incidents()))
    assert len(records) >= 11
    for record in records:
        errors = sorted(validator.iter_errors(record), key=str)
        assert not errors, (record["public_id"], [e.message for e in errors[:3]])
        # Version 1 is still served: the same record without its claims follows the old schema.
        errors = sorted(v1.iter_errors(as_v1(record)), key=str)
        assert not errors, (record["public_id"], [e.message for e in errors[:3]])
    # The demo keeps what its sources support: a vendor named by one secondary source, and two detention lengths.
    london = next(r for r in records if "London Bridge" in r["title"])
    assert [(c["value"], c["status"], c["sources"]) for c in london["claims"] if c["about"] == "vendor"] == [("nec", "reported", [4])]
    buenos_aires = next(r for r in records if "Buenos Aires" in r["title"])
    detained = next(o for o in buenos_aires["outcomes"] if o["type"] == "detained")
    assert detained["values"] == [{"field": "days", "value": "6", "sources": [0, 1]}, {"field": "days", "value": "5", "sources": [2]}]
    assert detained["days"] == 5  # the statistics count the lower value
    # Its sources disagree on which police force made the stop: a moderator marked the operator disputed.
    assert [(c["status"], c["stated"]) for c in buenos_aires["claims"] if c["about"] == "operator"] == [("disputed", True)]


def test_the_api_serves_the_schema_of_each_version(client):
    response = client.get("/api/v1/schema/incident.json")
    assert response.status_code == 200 and response.json()["properties"]["schema"] == {"const": "wir-incident/2"}
    response = client.get("/api/v1/schema/incident.json?record_format=1")
    assert response.status_code == 200 and response.json()["properties"]["schema"] == {"const": "wir-incident/1"}
    response = client.get("/api/v1/schema/incident.json?record_format=3")
    assert response.status_code == 400 and "record_format" in response.json()["error"]["fields"]


def test_a_dump_restores_into_an_empty_registry_equal_to_the_original(moderator, tmp_path):
    call_command("loaddemo", verbosity=0)
    corrected = publish_new(moderator, title="A case that was corrected")
    moderation.correct(corrected, moderator, {"city": "Dearborn"}, "The court record gives Dearborn.")
    withdrawn = publish_new(moderator, title="A withdrawn case")
    moderation.withdraw(withdrawn, moderator, "Retracted.")
    before = list(iter_records(public_incidents().order_by("public_id")))

    call_command("dump_registry", output=str(tmp_path), stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    dump = next(tmp_path.glob("wir-dump-*.jsonl.gz"))
    digest, name = (tmp_path / (dump.name + ".sha256")).read_text().split()
    assert name == dump.name and digest == hashlib.sha256(dump.read_bytes()).hexdigest()
    with gzip.open(dump, "rt") as f:
        lines = [json.loads(line) for line in f]
    records = [line for line in lines if line.get("schema") == "wir-incident/2"]
    assert lines[0]["kind"] == "wir-dump" and len(records) == len(before)
    assert [line["kind"] for line in lines if "kind" in line][1:] == ["withdrawn"] + ["deployment"] * 4  # the demo's deployments
    deployments_before = APIClient().get("/api/v1/deployments/").json()["results"]
    assert "A withdrawn case" not in gzip.open(dump, "rt").read()

    # Empty the registry (TRUNCATE: the append-only rule forbids row deletes, not a reset of the whole store).
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Incident,))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables}, incidents_source, incidents_system, incidents_organization, incidents_publicidcounter CASCADE")
    assert not Incident.objects.exists()

    call_command("import_incidents", str(dump), stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    after = list(iter_records(public_incidents().order_by("public_id")))
    for old, new in zip(before, after):
        differing = {k: (old[k], new[k]) for k in old if old[k] != new[k]}
        assert not differing, (old["public_id"], differing)
    assert len(after) == len(before)
    # The deployments come back with their ids, figures, sources and linked incidents.
    unstable = ("updated_at",)
    assert [{k: v for k, v in d.items() if k not in unstable} for d in APIClient().get("/api/v1/deployments/").json()["results"]] == [
        {k: v for k, v in d.items() if k not in unstable} for d in deployments_before]
