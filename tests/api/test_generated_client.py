"""A client generated from the OpenAPI schema by openapi-python-client works for the whole
round trip: submit anonymously, claim and publish with a moderator's token, page the list by
cursor, export as JSON Lines and CSV. Strict generators fail on a schema that only looks
right (nullable without a type, an impossible default, security on public calls)."""

import csv
import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from tests.factories import payload, publish_new

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    subprocess.run([sys.executable, "manage.py", "spectacular", "--format", "openapi-json", "--file", str(path)],
                   cwd=ROOT, check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def wir(schema_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("client")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(BIN / "openapi-python-client"), "generate", "--path", str(schema_file), "--meta", "none",
                           "--output-path", str(out / "wir_client"), "--config", str(Path(__file__).with_name("openapi-python-client.yaml"))],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    yield lambda name: importlib.import_module(f"wir_client.{name}")
    sys.path.remove(str(out))
    for name in [m for m in sys.modules if m.startswith("wir_client")]:
        del sys.modules[name]


def test_the_schema_is_valid_openapi(schema_file):
    validate(json.loads(schema_file.read_text()))


def test_public_operations_ask_for_no_authentication(schema_file):
    schema = json.loads(schema_file.read_text())
    assert "security" not in schema
    for path in ("/api/v1/incidents/", "/api/v1/stats/", "/api/v1/incidents/export.csv", "/api/v1/submissions/status/{token}/"):
        assert "security" not in schema["paths"][path]["get"], path
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/moderation/submissions/"]["get"]["security"]


def test_a_generated_client_submits_moderates_pages_and_exports(wir, live_server, moderator):
    from api.models import ApiToken

    client_module = wir("client")
    public = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    staff = client_module.AuthenticatedClient(base_url=live_server.url, token=ApiToken.issue(moderator)[1], prefix="Token",
                                              raise_on_unexpected_status=True)
    SubmissionRequest = wir("models").SubmissionRequest
    created = wir("api.submissions.v1_submissions_create").sync(client=public, body=SubmissionRequest.from_dict(payload()))
    assert created.status == "submitted" and created.token

    wir("api.moderation.moderation_submission_claim").sync_detailed(id=created.id, client=staff)
    published = wir("api.moderation.moderation_submission_publish").sync(id=created.id, client=staff)
    assert published.public_id.startswith("WIR-")

    for n in range(4):
        publish_new(moderator, title=f"Another published case number {n}")
    listing, seen, cursor = wir("api.incidents.v1_incidents_list"), [], None
    while True:
        page = listing.sync(client=public, page_size=2, **({"cursor": cursor} if cursor else {}))
        seen += [row.public_id for row in page.results]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == page.count == 5 and published.public_id in seen

    lines = wir("api.export.v1_incidents_export_jsonl_retrieve").sync_detailed(client=public).content.decode().splitlines()
    assert sorted(json.loads(line)["public_id"] for line in lines) == sorted(seen)
    table = wir("api.export.v1_incidents_export_csv_retrieve").sync(client=public)
    assert sorted(row["public_id"] for row in csv.DictReader(io.StringIO(table))) == sorted(seen)


def test_the_schema_passes_redoclys_spec_rules(schema_file):
    redocly = ROOT / "node_modules" / ".bin" / "redocly"
    if not redocly.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Redocly CLI is missing: `make test` installs it (npm ci).")
        pytest.skip("Redocly CLI is missing: run `make tools` (npm ci).")
    done = subprocess.run([str(redocly), "lint", str(schema_file), "--config", str(ROOT / "redocly.yaml"), "--format", "stylish"],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"})
    assert done.returncode == 0, done.stdout + done.stderr
