"""Partner submissions: one bulk request of N items against N single requests, in-process
(Django's test client, no network), on a fresh database of its own.

    .venv/bin/python bench/bulk_submissions.py --items 500 --rounds 3

Prints items/s and milliseconds per item for both, and the share of the time spent
scoring duplicate candidates (the answer to each single submission includes them; a bulk
answer does not). Figures, not pass/fail; record them in docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EMBEDDED_DB_NAME", "registry_bulkbench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("PARTNER_SUBMISSION_RATE", "1000000/hour")
os.environ.setdefault("PRESERVATION_ENABLED", "0")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from api.models import ApiToken
    from incidents.domain import partners
    from tests.factories import payload

    print("migrating the bench database …", file=sys.stderr)
    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    partner, _ = partners.save_partner("Bench Partner", public_credit=True)
    user, _ = partners.contributor_account("bench-bot", partner)
    token = ApiToken.issue(user, "bench")[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    bulk, single = [], []
    for round_ in range(1, args.rounds + 1):
        items = [payload(title=f"Bench case {round_}-{n} at a border crossing") for n in range(args.items)]
        print(f"round {round_}/{args.rounds}: one bulk request of {args.items} …", file=sys.stderr)
        start = time.perf_counter()
        response = client.post("/api/v1/submissions/bulk/", items, content_type="application/json")
        bulk.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.json()["created"] == args.items, response.content[:500]
        print(f"round {round_}/{args.rounds}: {args.items} single requests …", file=sys.stderr)
        start = time.perf_counter()
        for item in items:
            assert client.post("/api/v1/submissions/", item, content_type="application/json").status_code == 201
        single.append(time.perf_counter() - start)
    b, s = statistics.median(bulk), statistics.median(single)
    print(f"| {args.items} items, median of {args.rounds} | items/s | ms per item |\n| --- | ---: | ---: |")
    print(f"| one bulk request | {args.items / b:,.0f} | {b / args.items * 1000:.1f} |")
    print(f"| {args.items} single requests | {args.items / s:,.0f} | {s / args.items * 1000:.1f} |")


if __name__ == "__main__":
    main()
