"""Public reads through each cache backend, in one run: what moving the response cache and
the rate-limit counters from each process's memory into a shared store costs.

    EMBEDDED_DB_NAME=registry_cachebench .venv/bin/python bench/cache_backends.py [--requests 300]

In-process (Django's test client, no network), on the demo data: for each backend, one
request per URL fills the cache, then the median and p95 of repeated hits, and of a
rate-limited submission refused by the limit (the counter read and written each time).
Figures, not pass/fail; record them in docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("PRESERVATION_ENABLED", "0")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.disable(logging.WARNING)  # the refused submissions are expected

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

BACKENDS = {
    "per-process memory (before)": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "Django database cache": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "registry_cache"},
    "PostgresCache (now)": {"BACKEND": "registry.cache.PostgresCache", "LOCATION": "registry_cache"},
}
URLS = ["/api/v1/incidents/?country=US", "/api/v1/stats/", "/incidents/", "/incidents/WIR-2026-0001/"]


def timed(call, n):
    out = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    out.sort()
    return statistics.median(out), out[int(len(out) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    n = parser.parse_args().requests
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("loaddemo", verbosity=0)
    print("| backend | cached page hit, median / p95 ms | refused submission (limit counter), median / p95 ms |\n| --- | --- | --- |")
    for label, config in BACKENDS.items():
        with override_settings(CACHES={"default": config}, PUBLIC_CACHE_SECONDS=60):
            caches["default"].clear()
            client = Client()
            for url in URLS:
                client.get(url)
            hits = timed(lambda: [client.get(url) for url in URLS], n // len(URLS))
            hit = (hits[0] / len(URLS), hits[1] / len(URLS))
            for _ in range(25):  # use up the limit
                client.post("/api/v1/submissions/", {}, content_type="application/json")
            refused = timed(lambda: client.post("/api/v1/submissions/", {}, content_type="application/json"), n // 3)
            caches["default"].clear()
        print(f"| {label} | {hit[0]:.2f} / {hit[1]:.2f} | {refused[0]:.2f} / {refused[1]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
