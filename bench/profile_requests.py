"""Time each SQL query of some requests against the bench database, in-process (no HTTP).

    EMBEDDED_DB_NAME=registry_bench .venv/bin/python bench/profile_requests.py /api/v1/incidents/?system=system-000 ...

Prints, per URL, the total time, then each query's time and its first characters: where a
request's time goes. Run each URL twice; the second is the warm figure.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("PUBLIC_CACHE_SECONDS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main(urls):
    client = Client()
    for url in urls:
        for attempt in ("cold", "warm"):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                elapsed = 1000 * (time.perf_counter() - start)
            sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
            print(f"{url} [{attempt}] {response.status_code}: {elapsed:.1f} ms, {len(queries)} queries, {sql_ms:.1f} ms in SQL")
            if attempt == "warm":
                for q in queries.captured_queries:
                    print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")


if __name__ == "__main__":
    main(sys.argv[1:])
