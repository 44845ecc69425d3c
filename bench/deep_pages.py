"""Cursor pagination at depth: page 1 against page 1,000 of the same list, in one run, on the
benchmark's database (`registry_bench`, filled by bench/run.py), in-process through the API
(Django's test client, response cache off).

    .venv/bin/python bench/deep_pages.py --depth 1000 --repeat 15

Walks the cursor to the deep page once, then times page 1 and that page alternately.
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
os.environ.setdefault("EMBEDDED_DB_NAME", "registry_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("PUBLIC_CACHE_SECONDS", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=1000)
    parser.add_argument("--size", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from incidents.public.selectors import public_systems

    settings.PUBLIC_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    total = client.get("/api/v1/incidents/", {"page_size": 1}).json()["count"]
    largest = public_systems().order_by("-incident_count").first()
    print(f"{total} public incidents; largest system {largest.slug} ({largest.incident_count})", file=sys.stderr)
    rows = []
    scenarios = [("all incidents, newest first", {}), (f"system {largest.slug}", {"system": largest.slug}),
                 ("search \"wrongly accused\", by relevance", {"q": "wrongly accused"}),
                 ("search \"mugshot database\", by relevance", {"q": "mugshot database"})]
    for label, params in scenarios:
        query = {**params, "page_size": args.size}
        cursor, depth = None, 1
        while depth < args.depth:
            body = client.get("/api/v1/incidents/", {**query, **({"cursor": cursor} if cursor else {})}).json()
            if not body["next_cursor"]:
                break  # the list ends before the depth asked: time its last page
            cursor = body["next_cursor"]
            depth += 1
        first, deep = [], []
        for _ in range(args.repeat):
            for sink, extra in ((first, {}), (deep, {"cursor": cursor})):
                started = time.perf_counter()
                answer = client.get("/api/v1/incidents/", {**query, **extra})
                sink.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.content[:200]
        rows.append((label, depth, statistics.median(first), statistics.median(deep)))
        print(f"{label}: page {depth} reached", file=sys.stderr)
    print(f"\n| list ({args.size} per page) | page 1, median ms | page reached | that page, median ms |")
    print("|---|---|---|---|")
    for label, depth, a, b in rows:
        print(f"| {label} | {a:.1f} | {depth} | {b:.1f} |")


if __name__ == "__main__":
    main()
