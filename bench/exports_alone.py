"""Time the exports alone (no load before them) through gunicorn, for each DB_WORK_MEM given.

    .venv/bin/python bench/exports_alone.py 4MB 16MB      (after bench/run.py --load-only)

Each setting: a fresh gunicorn (2 workers x 2 threads, response cache off) on the bench
database; CSV and JSON Lines exported twice each (the first read is the cold one), then
100 sequential list-by-system requests. Prints rows/s and the mean list latency: the
export figures of bench/run.py come after eight minutes of load, and move a lot between
runs on a small VM; these say what the export path itself does.
"""

import os
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402


def measure(work_mem: str) -> list[str]:
    os.environ["DB_WORK_MEM"] = work_mem
    env = run.bench_env() | {"PUBLIC_CACHE_SECONDS": "0"}
    port = run.free_port()
    proc = run.start_gunicorn(port, env, 2, 2)
    try:
        out = []
        for fmt in ("csv", "jsonl", "csv", "jsonl"):
            started = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/incidents/export.{fmt}", timeout=600) as response:
                rows = sum(1 for _ in response)
            out.append(f"{fmt} {int(rows / (time.perf_counter() - started)):,} rows/s")
        started = time.perf_counter()
        for _ in range(100):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/incidents/?system=system-000&page_size=50").read()
        out.append(f"list by system {1000 * (time.perf_counter() - started) / 100:.1f} ms")
        return out
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    for setting in sys.argv[1:] or ["16MB"]:
        print(setting, "; ".join(measure(setting)), flush=True)
