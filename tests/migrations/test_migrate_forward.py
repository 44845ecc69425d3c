"""Migrations stand alone: a database from before the stored public records (migration 0004)
holding published, withdrawn and merged records migrates forward to the latest, and then
serves the same public record (#11, finding 7: 0005 used to import the app's live code and
failed on such a database).

The old database is made on the test server by the real ``migrate`` command in a separate
process (so nothing of this test run's schema leaks in), filled with literal SQL as the
code of that time wrote it, migrated forward the same way, and read through the test
client in that process.
"""

import json
import os
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

OLD_DATA = """
INSERT INTO incidents_incident (id, public_id, status, version, title, narrative, incident_date, date_precision, country, region, city,
    identification_mode, error_type, contributing_factors, reference_database, human_review, sole_basis, external_ids,
    affected_count, affected_minor, affected_name, affected_name_public, withdrawn_reason, created_at, updated_at, published_at, merged_into_id)
VALUES
 (1, 'WIR-2026-0001', 'published', 2, 'Grocer arrested after a face search', 'A grocer was held for two days after a face search.',
  '2024-03-01', 'month', 'US', 'Michigan', 'Detroit', 'investigative_search', 'false_match', '{}', '', NULL, NULL, '{}',
  1, false, '', false, '', now(), now(), now() - interval '2 days', NULL),
 (2, 'WIR-2026-0002', 'withdrawn', 1, 'Withdrawn case', 'Sources retracted.', NULL, 'day', 'GB', '', '', 'unknown', 'other',
  '{}', '', NULL, NULL, '{}', NULL, NULL, '', false, 'The only source was retracted.', now(), now(), now() - interval '3 days', NULL),
 (3, 'WIR-2026-0003', 'merged', 1, 'Duplicate case', 'Same grocer.', NULL, 'day', 'US', '', '', 'unknown', 'other',
  '{}', '', NULL, NULL, '{}', NULL, NULL, '', false, '', now(), now(), now() - interval '1 day', 1),
 (4, NULL, 'submitted', 0, 'Draft case', 'Not checked yet.', NULL, 'day', 'US', '', '', 'unknown', 'other',
  '{}', '', NULL, NULL, '{}', NULL, NULL, '', false, '', now(), now(), NULL, NULL);
INSERT INTO incidents_source (id, url, normalized_url, title, publisher, published_date, date_precision, language, source_type, created_at)
VALUES (1, 'https://example.org/grocer', 'example.org/grocer', 'Grocer wrongly held', 'Example News', '2024-03-05', 'day', 'en', 'news', now());
INSERT INTO incidents_incidentsource (incident_id, source_id, position) VALUES (1, 1, 0), (3, 1, 0), (4, 1, 0);
INSERT INTO incidents_outcome (id, incident_id, type, date, date_precision, detail, days, amount, currency, position)
VALUES (1, 1, 'detained', NULL, 'day', 'Two days in a county jail.', 2, NULL, '', 0);
INSERT INTO incidents_outcome_sources (outcome_id, source_id) VALUES (1, 1);
INSERT INTO incidents_incidentversion (incident_id, number, at, note, changes, snapshot)
VALUES (1, 1, now() - interval '2 days', 'First published.', '{}', '{}'),
       (1, 2, now() - interval '1 day', 'The city was wrong.', '{"city": ["Dearborn", "Detroit"]}', '{}');
INSERT INTO incidents_publicidcounter (year, last) VALUES (2026, 3);
SELECT setval(pg_get_serial_sequence('incidents_incident', 'id'), 10);
"""

READ_BACK = """
import json
from django.test import Client
from incidents.models import PublicRecord, PublicCount
c = Client()
detail = c.get('/api/v1/incidents/WIR-2026-0001/')
out = {
    'detail': detail.status_code, 'record': detail.json(),
    'history': c.get('/api/v1/incidents/WIR-2026-0001/history/').json(),
    'merged': [c.get('/incidents/WIR-2026-0003/').status_code, c.get('/incidents/WIR-2026-0003/')['Location']],
    'withdrawn': [c.get('/api/v1/incidents/WIR-2026-0002/').status_code, c.get('/incidents/WIR-2026-0002/').content.decode()],
    'draft': c.get('/api/v1/incidents/').json()['count'],
    'search': [r['public_id'] for r in c.get('/api/v1/incidents/', {'q': 'grocer'}).json()['results']],
    'export': c.get('/api/v1/incidents/export.jsonl').getvalue().decode().count('WIR-'),
    'facts': PublicRecord.objects.count(),
    'total': PublicCount.objects.get(scope='', scope_key='', dimension='total').n,
}
print('RESULT' + json.dumps(out))
"""


def _run(args, env):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def old_database():
    settings = connection.settings_dict
    name = f"wir_migrate_{uuid.uuid4().hex[:8]}"
    params = {"host": settings["HOST"] or None, "port": settings["PORT"] or None, "user": settings["USER"], "password": settings["PASSWORD"] or None}
    admin = psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v})
    admin.execute(f"CREATE DATABASE {name}")
    host = urllib.parse.quote(settings["HOST"] or "localhost", safe="")
    auth = urllib.parse.quote(settings["USER"]) + (":" + urllib.parse.quote(settings["PASSWORD"]) if settings["PASSWORD"] else "")
    env = {**os.environ, "DATABASE_URL": f"postgres://{auth}@{host}{':' + str(settings['PORT']) if settings['PORT'] else ''}/{name}",
           "PRESERVATION_ENABLED": "0", "PUBLIC_CACHE_SECONDS": "0"}
    try:
        yield env, {**params, "dbname": name}
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.mark.slow
def test_a_database_with_published_withdrawn_and_merged_records_migrates_from_0004_to_the_latest(old_database):
    env, params = old_database
    _run(["migrate", "incidents", "0004", "--no-input"], env)
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as old:
        old.execute(OLD_DATA)
    _run(["migrate", "--no-input"], env)
    printed = _run(["shell", "-c", READ_BACK], env)
    out = json.loads(printed.split("RESULT", 1)[1])

    assert out["detail"] == 200
    record = out["record"]
    assert record["public_id"] == "WIR-2026-0001" and record["title"] == "Grocer arrested after a face search" and record["version"] == 2
    assert record["sources"][0]["title"] == "Grocer wrongly held" and record["sources"][0]["publisher"] == "Example News"
    assert record["outcomes"][0]["days"] == 2 and record["outcomes"][0]["sources"] == [0]
    assert record["incident_date"] == "2024-03" and record["evidence_level"] == "reported"
    assert [v["version"] for v in out["history"]["versions"]] == [1, 2]
    assert out["history"]["versions"][1]["note"] == "The city was wrong."
    assert out["merged"] == [301, "/incidents/WIR-2026-0001/"]
    assert out["withdrawn"][0] == 410 and "The only source was retracted." in out["withdrawn"][1]
    assert out["draft"] == 1 and out["search"] == ["WIR-2026-0001"] and out["export"] == 1
    assert out["facts"] == 1 and out["total"] == 1
