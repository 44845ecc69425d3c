"""Dumps restore the registry, not only its current records (#11, finding 4): every old
address answers as before, the public history is kept, and new publications get new ids."""

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from incidents.domain import moderation, redaction
from incidents.models import Incident, PublicIdCounter
from tests.factories import publish_new

pytestmark = pytest.mark.django_db

QUIET = {"stdout": io.StringIO(), "stderr": io.StringIO()}


def wipe_registry():
    """Empty every table of the registry, as a new database is empty."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'incidents\\_%'")
        tables = cursor.fetchone()[0]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables} CASCADE")


def answers(client, public_ids) -> dict:
    """What every old address of these ids answers: status, redirect target, body."""
    out = {}
    for pid in public_ids:
        for path in (f"/api/v1/incidents/{pid}/", f"/api/v1/incidents/{pid}/history/", f"/incidents/{pid}/", f"/incidents/{pid}/history/"):
            response = client.get(path)
            body = response.json() if path.startswith("/api/") and response.status_code != 301 else None
            if body and "versions" not in body and "public_id" in body:
                body = {k: v for k, v in body.items() if k != "sources"} | {"sources": [{k: v for k, v in s.items() if k != "preservation"} for s in body["sources"]]}
            out[path] = (response.status_code, response.get("Location"), body)
    return out


def dump(tmp_path):
    call_command("dump_registry", output=str(tmp_path), **QUIET)
    return next(tmp_path.glob("wir-dump-*.jsonl.gz"))


@pytest.fixture
def registry(moderator):
    """Published, corrected, redacted, merged and withdrawn records."""
    kept = publish_new(moderator, title="Grocer held after a face search named Zed Quorra")
    moderation.correct(kept, moderator, {"city": "Dearborn"}, "The court record gives Dearborn.")
    redaction.redact(kept, moderator, "A name removed at the request of the person concerned.", remove=["Zed Quorra"])
    duplicate = publish_new(moderator, title="The same grocer, reported twice")
    moderation.merge(duplicate, moderator, into=kept)
    gone = publish_new(moderator, title="A case whose source was retracted")
    moderation.withdraw(gone, moderator, "The only source was retracted.")
    chained = publish_new(moderator, title="Merged into a record later withdrawn")
    other = publish_new(moderator, title="Another case")
    moderation.merge(chained, moderator, into=other)
    moderation.withdraw(other, moderator, "Out of scope after all.")
    plain = publish_new(moderator, title="A plain published case")
    return [r.public_id for r in (kept, duplicate, gone, chained, other, plain)]


def test_a_dump_restores_every_old_address_history_and_counter(registry, client, moderator, tmp_path, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    before = answers(client, registry)
    assert before[f"/incidents/{registry[1]}/"][:2] == (301, f"/incidents/{registry[0]}/")
    assert before[f"/api/v1/incidents/{registry[2]}/"][0] == 410
    assert len(before[f"/api/v1/incidents/{registry[0]}/history/"][2]["versions"]) == 4
    path = dump(tmp_path)
    text = gzip.open(path, "rt").read()
    assert "Zed Quorra" not in text and "A case whose source was retracted" not in text

    wipe_registry()
    assert not Incident.objects.exists()
    call_command("import_incidents", str(path), **QUIET)

    after = answers(client, registry)
    for address, answer in before.items():
        assert after[address] == answer, address
    new = publish_new(moderator)
    assert new.public_id not in registry
    assert int(new.public_id.rsplit("-", 1)[1]) == max(int(p.rsplit("-", 1)[1]) for p in registry) + 1
    listing = client.get("/api/v1/incidents/").json()
    assert {r["public_id"] for r in listing["results"]} == {registry[0], registry[5], new.public_id}


def test_a_restore_into_a_registry_that_holds_records_is_refused(registry, tmp_path):
    path = dump(tmp_path)
    counters = list(PublicIdCounter.objects.values_list("year", "last"))
    count = Incident.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_incidents", str(path), **QUIET)
    assert Incident.objects.count() == count and list(PublicIdCounter.objects.values_list("year", "last")) == counters


def test_a_dump_with_a_merge_into_an_unknown_id_restores_nothing(registry, tmp_path):
    path = dump(tmp_path)
    lines = gzip.open(path, "rt").read().splitlines()
    lines.append(json.dumps({"kind": "merged", "public_id": "WIR-2026-0999", "published_at": "2026-01-01T00:00:00+00:00", "into": "WIR-2026-0998"}))
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n")
    wipe_registry()
    with pytest.raises(CommandError, match="WIR-2026-0998"):
        call_command("import_incidents", str(broken), **QUIET)
    assert not Incident.objects.exists()
