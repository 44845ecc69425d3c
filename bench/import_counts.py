"""Time of an import and the size of the kept counts it leaves, with the count triggers
updating the counter rows batch after batch (before) against one set-based count at the end
(``store.deferred_counts``, what the import does now), each in a fresh process on an emptied
database, in one run.

    .venv/bin/python bench/import_counts.py --sizes 2000 4000

Figures, not pass/fail; record them in docs/performance.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
ENV = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-only", "EMBEDDED_DB_NAME": "registry_importbench", "DJANGO_SETTINGS_MODULE": "registry.settings", "PRESERVATION_ENABLED": "0"}

CHILD = """
import contextlib, json, sys, time
sys.path.insert(0, {root!r})
import django
django.setup()
from django.db import connection
from incidents.interchange.streaming import import_stream
from incidents.public import store
mode, path = sys.argv[1], sys.argv[2]
if mode == "triggers":
    store.deferred_counts = contextlib.nullcontext
started = time.perf_counter()
with open(path, encoding="utf-8") as stream:
    n = import_stream(stream)
seconds = time.perf_counter() - started
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_total_relation_size('incidents_publiccount'), (SELECT count(*) FROM incidents_publiccount)")
    size, rows = cursor.fetchone()
print(json.dumps({{"n": n, "seconds": seconds, "counts_mb": size / 2**20, "count_rows": rows}}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000])
    args = parser.parse_args()
    import generate

    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--no-input"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"{size}.jsonl"
            generate.write_jsonl(path, size)
            for mode in ("triggers", "deferred"):
                subprocess.run([python, "manage.py", "flush", "--no-input"], cwd=ROOT, env=ENV, check=True, capture_output=True)
                print(f"importing {size} ({mode}) …", file=sys.stderr)
                done = subprocess.run([python, "-c", CHILD.format(root=str(ROOT)), mode, str(path)], cwd=ROOT, env=ENV, check=True,
                                      capture_output=True, text=True)
                rows.append((size, mode, json.loads(done.stdout.strip().splitlines()[-1])))
    print("\n| incidents | counts by triggers, per batch: s, counts MB (rows) | counted once at the end: s, counts MB (rows) |")
    print("|---|---|---|")
    for size in args.sizes:
        cells = [next(r for s, m, r in rows if s == size and m == mode) for mode in ("triggers", "deferred")]
        print(f"| {size} | " + " | ".join(f"{c['seconds']:.1f}, {c['counts_mb']:.1f} ({c['count_rows']:,})" for c in cells) + " |")


if __name__ == "__main__":
    main()
