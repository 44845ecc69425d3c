"""Before and after, in one run: the same public scenarios against an older commit and this
tree, side by side, on copies of the same data.

    git worktree add /tmp/before <old-commit> && ln -s $PWD/.venv $PWD/.pgdata /tmp/before/
    (cd /tmp/before && .venv/bin/python bench/run.py --incidents 100000 --load-only)   # the old code loads the data
    .venv/bin/python bench/compare.py --before /tmp/before --incidents 100000

What it does, with progress on stderr:
1. copies the loaded ``registry_bench`` database to ``registry_bench_before`` (the old code
   serves the copy, untouched), then migrates ``registry_bench`` with this tree's migrations
   (so the "after" figures include migrating a loaded database forward), and vacuums both;
2. serves each with gunicorn (DEBUG off, response cache off: every request runs its queries);
3. for every scenario measures old and new in turn (old, new, new, old: the machine's drift
   falls on both alike): median and p95 of one-at-a-time requests, and requests/s under load;
4. reads each export twice from each side.
It prints a Markdown report for docs/performance.md. Figures, not pass/fail.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402

BEFORE_DB = f"{run.DB_NAME}_before"


def psql(sql: str) -> str:
    import pgserver

    return pgserver.get_server(str(ROOT / ".pgdata" / "data"), cleanup_mode=None).psql(sql)


def serve(tree: Path, db: str, port: int, workers: int, threads: int):
    env = dict(run.bench_env(), EMBEDDED_DB_NAME=db, PUBLIC_CACHE_SECONDS="0")
    cmd = [str(Path(run.PY).parent / "gunicorn"), "registry.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
           "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=tree, env=env)
    run.wait_for(f"http://127.0.0.1:{port}/api/v1/stats/")
    return proc


def measure(port, urls, seconds, concurrency):
    for url in urls:
        run.single_latencies(port, [url], 2)
    single, errors = run.single_latencies(port, urls, max(150, len(urls)))
    loaded, rps, load_errors = run.hammer(port, urls, seconds, concurrency)
    if errors or load_errors:
        run.log(f"{len(errors) + len(load_errors)} errors, e.g. {(errors + load_errors)[:3]}")
    return single, loaded, rps


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True, help="A checkout of the older commit (git worktree).")
    parser.add_argument("--incidents", type=int, default=100000)
    parser.add_argument("--seconds", type=float, default=6.0, help="Load duration per scenario and side (twice each).")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1, help="Repeat each scenario's old, new, new, old pattern this many times.")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="Measure only the scenarios whose name contains TEXT (repeatable); skips the exports.")
    args = parser.parse_args()

    env = run.bench_env()
    if "(1 row)" not in psql(f"SELECT 1 FROM pg_database WHERE datname = '{BEFORE_DB}';"):
        run.log(f"copying {run.DB_NAME} to {BEFORE_DB} (the old code serves the copy) ...")
        psql(f"CREATE DATABASE {BEFORE_DB} TEMPLATE {run.DB_NAME};")
    run.log("migrating the 'after' database forward with this tree's migrations ...")
    started = time.perf_counter()
    run.manage("migrate", "--no-input", env=env)
    run.log(f"migrated in {time.perf_counter() - started:.0f} s; vacuuming both ...")
    for db in (run.DB_NAME, BEFORE_DB):
        run.manage("shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
                   env=dict(env, EMBEDDED_DB_NAME=db))
    paths = run.scenario_paths(env, random.Random(args.seed))
    if args.only:
        paths = {name: urls for name, urls in paths.items() if any(text in name for text in args.only)}

    sides = {"before": (args.before.resolve(), BEFORE_DB), "after": (ROOT, run.DB_NAME)}
    ports, servers = {}, []
    for side, (tree, db) in sides.items():
        ports[side] = run.free_port()
        run.log(f"starting the {side} server ({tree}, database {db}) on port {ports[side]} ...")
        servers.append(serve(tree, db, ports[side], args.workers, args.threads))
    report = [f"### Before and after, {args.incidents:,} incidents", "",
              f"`bench/compare.py --before {args.before} --incidents {args.incidents}`; gunicorn {args.workers}x{args.threads} gthread each, "
              f"DEBUG off, response cache off; {args.concurrency} keep-alive connections, {args.seconds:.0f} s twice per side and scenario "
              f"(order old, new, new, old), on the same {os.cpu_count()}-core machine.", "",
              "| scenario | before: median (1 client) | after | change | before: p95 | after | before: requests/s (loaded) | after | change |",
              "|---|---|---|---|---|---|---|---|---|"]
    try:
        for name, urls in paths.items():
            got = {"before": ([], [], []), "after": ([], [], [])}
            for side in ("before", "after", "after", "before") * args.rounds:
                single, loaded, rps = measure(ports[side], urls, args.seconds, args.concurrency)
                got[side][0].extend(single)
                got[side][1].extend(loaded)
                got[side][2].append(rps)
            b, a = got["before"], got["after"]
            b_rps, a_rps = sum(b[2]) / len(b[2]), sum(a[2]) / len(a[2])
            mb, ma = run.ms(b[0], .5), run.ms(a[0], .5)
            report.append(f"| {name} | {mb:.1f} ms | {ma:.1f} ms | {100 * (ma - mb) / mb:+.0f} % | {run.ms(b[0], .95):.1f} ms | "
                          f"{run.ms(a[0], .95):.1f} ms | {b_rps:,.0f} | {a_rps:,.0f} | {100 * (a_rps - b_rps) / b_rps:+.0f} % |")
            run.log(report[-1])
        if args.only:
            return
        report += ["", "| export | before: rows/s (first read, second) | after |", "|---|---|---|"]
        exports = {}
        for side in ("before", "after"):
            exports[side], _, _ = run.export_throughput(ports[side], servers[list(sides).index(side)].pid)
        for fmt in ("csv", "jsonl"):
            cells = []
            for side in ("before", "after"):
                first, second = exports[side][f"{fmt} (first run)"], exports[side][f"{fmt} (second run)"]
                cells.append(f"{first[0] / first[1]:,.0f} · {second[0] / second[1]:,.0f} ({first[0]:,} rows)")
            report.append(f"| {fmt} | {cells[0]} | {cells[1]} |")
        run.log("\n".join(report[-4:]))
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        print("\n".join(report))


if __name__ == "__main__":
    main()
