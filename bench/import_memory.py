"""Peak memory and time of an import, reading the whole file first (``parse_lines`` then
``import_records``, the path before) against reading it a batch at a time (``import_stream``),
for files of two sizes, each in a fresh process on an emptied database, in one run.

    .venv/bin/python bench/import_memory.py --sizes 1000 4000

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
import json, resource, sys, time
sys.path.insert(0, {root!r})
import django
django.setup()
from incidents.interchange.importing import import_records, parse_lines
from incidents.interchange.streaming import import_stream
mode, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
with open(path, encoding="utf-8") as stream:
    n = len(import_records(parse_lines(stream.readlines()))) if mode == "whole" else import_stream(stream)
print(json.dumps({{"n": n, "seconds": time.perf_counter() - started, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    args = parser.parse_args()
    import generate

    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--no-input"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"{size}.jsonl"
            generate.write_jsonl(path, size)
            for mode in ("whole", "stream"):
                subprocess.run([python, "manage.py", "flush", "--no-input"], cwd=ROOT, env=ENV, check=True, capture_output=True)
                print(f"importing {size} ({mode}) …", file=sys.stderr)
                done = subprocess.run([python, "-c", CHILD.format(root=str(ROOT)), mode, str(path)], cwd=ROOT, env=ENV, check=True,
                                      capture_output=True, text=True)
                result = json.loads(done.stdout.strip().splitlines()[-1])
                rows.append((size, mode, result, path.stat().st_size / 2**20))
    print("\n| incidents | file, MB | read whole: peak MB, s | a batch at a time: peak MB, s |")
    print("|---|---|---|---|")
    for size in args.sizes:
        whole = next(r for s, m, r, _ in rows if s == size and m == "whole")
        stream = next(r for s, m, r, _ in rows if s == size and m == "stream")
        mb = next(f for s, _, _, f in rows if s == size)
        print(f"| {size} | {mb:.1f} | {whole['peak_mb']:.0f}, {whole['seconds']:.0f} | {stream['peak_mb']:.0f}, {stream['seconds']:.0f} |")


if __name__ == "__main__":
    main()
