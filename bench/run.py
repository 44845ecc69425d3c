"""Benchmark the public API at scale, through gunicorn, against Datasette serving the same data.

    .venv/bin/python bench/run.py --incidents 100000        (or: make bench N=100000)

What it does, with progress on stderr:
1. fills its own database (`registry_bench` on the embedded server) with N synthetic incidents
   through the project's import path (manage.py import_incidents); reused when already loaded;
2. serves the registry with gunicorn (DEBUG off) and loads it with a keep-alive HTTP client:
   median, p95 and requests/s per scenario, then export throughput and worker memory;
3. exports the same incidents, loads them into SQLite with sqlite-utils (index on the system
   column), serves them with Datasette, and loads list-by-system with the same client.
It prints a Markdown report (paste it into docs/performance.md). Figures, not pass/fail.
"""

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

PY = sys.executable
DB_NAME = "registry_bench"
BENCH_VENV = ROOT / ".bench-venv"


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def bench_env():
    env = dict(os.environ, EMBEDDED_DB_NAME=DB_NAME, DEBUG="0", SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
               ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", DJANGO_SETTINGS_MODULE="registry.settings")
    return env


# --- data ------------------------------------------------------------------------------


def manage(*args, env=None, capture=False):
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env or bench_env(), check=True,
                          capture_output=capture, text=True)


def published_count(env) -> int:
    out = manage("shell", "-c", "from incidents.public.selectors import public_incidents; print(public_incidents().count())", env=env, capture=True)
    return int(out.stdout.strip().splitlines()[-1])


def reset_database(env):
    import pgserver

    server = pgserver.get_server(str(ROOT / ".pgdata" / "data"), cleanup_mode=None)
    server.psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE);")
    (ROOT / ".pgdata" / f"created-{DB_NAME}").unlink(missing_ok=True)


def load(count: int, seed: int, env):
    manage("migrate", "--no-input", "-v0", env=env)
    have = published_count(env)
    marker = ROOT / ".pgdata" / f"bench-{DB_NAME}-{count}-{seed}-{generate.VERSION}"
    if have == count and marker.exists():
        log(f"{DB_NAME} already holds {count} published incidents; reusing them (--reload to rebuild).")
        return
    if have:
        log(f"{DB_NAME} holds {have} incidents from another run: rebuilding it.")
        reset_database(env)
        manage("migrate", "--no-input", "-v0", env=env)
    path = Path(tempfile.gettempdir()) / f"wir-bench-{count}-{seed}-v2.jsonl"
    log(f"generating {count} synthetic incidents into {path} ...")
    generate.write_jsonl(path, count, seed)
    log("importing through manage.py import_incidents (all or nothing; progress below) ...")
    started = time.perf_counter()
    manage("import_incidents", str(path), "--batch-size", "1000", env=env)
    log(f"imported in {time.perf_counter() - started:.0f} s; analysing tables ...")
    manage("shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')", env=env)
    marker.touch()


# --- servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s; see the server's output above.")


def start_gunicorn(port, env, workers, threads):
    cmd = [str(Path(PY).parent / "gunicorn"), "registry.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
           "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    wait_for(f"http://127.0.0.1:{port}/api/v1/stats/")
    return proc


def children_rss_kib(pid) -> int:
    total = 0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total = max(total, int(line.split()[1]))
    return total


# --- load client -----------------------------------------------------------------------


def hammer(port, paths, seconds, concurrency):
    """Keep-alive GETs from `concurrency` threads for `seconds`; returns latencies (s), requests/s and errors."""
    latencies, errors, lock = [], [], threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, n = [], offset
        while time.perf_counter() < stop:
            path = paths[n % len(paths)]
            n += concurrency
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{exc!r} {path}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    begun = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begun
    return latencies, len(latencies) / elapsed, errors


def single_latencies(port, paths, repeat):
    """Unloaded latency: one request at a time (what one user waits)."""
    latencies, _, errors = [], None, []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(repeat):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            errors.append(f"{response.status} {path}")
        latencies.append(time.perf_counter() - started)
    return latencies, errors


def ms(values, q):
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def scenario_paths(env, rng):
    script = (
        "import json\n"
        "from incidents.public.selectors import public_incidents\n"
        "ids = list(public_incidents().order_by('?').values_list('public_id', flat=True)[:500])\n"
        "print(json.dumps(ids))\n"
    )
    ids = json.loads(manage("shell", "-c", script, env=env, capture=True).stdout.strip().splitlines()[-1])
    big, mid, small = "system-000", "system-007", "system-150"
    return {
        "list by system (50 rows, newest first)": [f"/api/v1/incidents/?system={s}&page_size=50" for s in (big, mid, small)],
        "list by system + country + outcome": [f"/api/v1/incidents/?system={s}&country={c}&outcome={o}&page_size=50"
                                               for s, c, o in ((big, "US", "arrested"), (mid, "GB", "detained"), (big, "BR", "deported"))],
        "full-text query": [f"/api/v1/incidents/?q={q}&page_size=50" for q in ("wrongly+accused", "mugshot+database", "%22passport+verification%22", "deported+family")],
        "detail": [f"/api/v1/incidents/{public_id}/" for public_id in ids],
        "system page (detail with counts)": [f"/api/v1/systems/{s}/" for s in (big, mid, small, "system-050")],
        "stats (by system, year, outcome)": ["/api/v1/stats/?group_by=system&group_by=year&group_by=outcome", "/api/v1/stats/?country=US&group_by=operator"],
        "page: incident list by system, with facet counts": [f"/incidents/?system={s}" for s in (big, mid, small)],
        "page: incident list, full text": ["/incidents/?q=wrongly+accused", "/incidents/?q=mugshot+database"],
        "page: system page with charts": [f"/systems/{s}/" for s in (big, mid, small)],
        "page: incident page": [f"/incidents/{public_id}/" for public_id in ids[:100]],
    }


def export_throughput(port, gunicorn_pid):
    peak, before = [0], children_rss_kib(gunicorn_pid)
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], children_rss_kib(gunicorn_pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    # Each export twice: the first read after minutes of load finds the stored records
    # (300 MB at 100k) partly out of memory; the second is the steady figure. Both reported.
    results = {}
    for attempt in ("first", "second"):
        for fmt in ("csv", "jsonl"):
            started = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/incidents/export.{fmt}", timeout=600) as response:
                rows = sum(1 for _ in response)
            elapsed = time.perf_counter() - started
            results[f"{fmt} ({attempt} run)"] = (rows - (1 if fmt == "csv" else 0), elapsed)
    done.set()
    sampler.join()
    return results, before, peak[0]


# --- Datasette -------------------------------------------------------------------------


def bench_venv():
    python = BENCH_VENV / "bin" / "python"
    if not (BENCH_VENV / ".installed").exists():
        log(f"installing Datasette and sqlite-utils (bench/requirements.txt) into {BENCH_VENV} ...")
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(ROOT / "bench" / "requirements.txt")], check=True)
        (BENCH_VENV / ".installed").touch()
    return BENCH_VENV


def build_sqlite(port, path):
    """Flatten the public export into one table, as a data journalist would publish it."""
    venv = bench_venv()  # first: it makes the directory the rows are written into
    rows_path = path.with_suffix(".rows.jsonl")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/incidents/export.jsonl", timeout=600) as response, \
            open(rows_path, "w", encoding="utf-8") as out:
        for line in response:
            r = json.loads(line)
            out.write(json.dumps({
                "public_id": r["public_id"], "title": r["title"], "published_at": r["published_at"],
                "incident_date": r["incident_date"], "country": r["country"], "region": r["region"],
                "system": r["systems"][0]["slug"] if r["systems"] else None,
                "systems": ",".join(s["slug"] for s in r["systems"]),
                "operators": ",".join(o["slug"] for o in r["operators"]),
                "identification_mode": r["identification_mode"], "error_type": r["error_type"],
                "outcome_types": ",".join(o["type"] for o in r["outcomes"]),
                "has_minor": r["affected"]["has_minor"], "sources": len(r["sources"]),
            }) + "\n")
    path.unlink(missing_ok=True)
    subprocess.run([str(venv / "bin" / "sqlite-utils"), "insert", str(path), "incidents", str(rows_path), "--nl", "--pk", "public_id"], check=True)
    subprocess.run([str(venv / "bin" / "sqlite-utils"), "create-index", str(path), "incidents", "system"], check=True)
    rows_path.unlink()


def start_datasette(path, port):
    venv = bench_venv()
    proc = subprocess.Popen([str(venv / "bin" / "datasette"), "serve", "-i", str(path), "-p", str(port), "-h", "127.0.0.1",
                             "--setting", "default_page_size", "50", "--setting", "sql_time_limit_ms", "10000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/-/versions.json")
    return proc


# --- main ------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=int(os.environ.get("N", 10000)))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=8.0, help="Load duration per scenario.")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (one per core).")
    parser.add_argument("--threads", type=int, default=2, help="Threads per gunicorn worker.")
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="Serve with PUBLIC_CACHE_SECONDS=0: every request does its queries.")
    parser.add_argument("--load-only", action="store_true", help="Fill the database and stop (measure later, on an idle machine).")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="Measure only the scenarios whose name contains TEXT (repeatable); skips exports and Datasette.")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL is set: the benchmark fills its own embedded database. Unset DATABASE_URL and run again.")
    env = bench_env()
    load(args.incidents, args.seed, env)
    # A deployed database has been vacuumed by autovacuum; one migrated or rewritten since the
    # load (VACUUM FULL) has no visibility map yet, and every count would read the heap.
    log("vacuuming (as autovacuum would have) ...")
    manage("shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')", env=env)
    if args.load_only:
        return
    rng = random.Random(args.seed)
    paths = scenario_paths(env, rng)
    if args.only:
        paths = {name: urls for name, urls in paths.items() if any(text in name for text in args.only)}

    if args.no_cache:
        env["PUBLIC_CACHE_SECONDS"] = "0"
    port = free_port()
    log(f"starting gunicorn ({args.workers} workers x {args.threads} threads) on port {port} ...")
    server = start_gunicorn(port, env, args.workers, args.threads)
    report = [f"### {args.incidents:,} published incidents", "",
              f"`bench/run.py --incidents {args.incidents}`; gunicorn {args.workers}x{args.threads} gthread, DEBUG off; "
              f"public response cache {'off' if args.no_cache else 'on'}; "
              f"client: {args.concurrency} keep-alive connections for {args.seconds:.0f} s per scenario, on the same {os.cpu_count()}-core machine.", "",
              "| scenario | median (1 client) | p95 (1 client) | median (loaded) | p95 (loaded) | requests/s |", "|---|---|---|---|---|---|"]
    ours_rps = None
    try:
        for name, urls in paths.items():
            for url in urls:  # warm up every variant once
                single_latencies(port, [url], 2)
            single, errors = single_latencies(port, urls, max(150, len(urls)))  # 150+ requests one at a time: a median over seconds, not one
            loaded, rps, load_errors = hammer(port, urls, args.seconds, args.concurrency)
            if errors or load_errors:
                log(f"{name}: {len(errors) + len(load_errors)} errors, e.g. {(errors + load_errors)[:3]}")
            report.append(f"| {name} | {ms(single, .5):.1f} ms | {ms(single, .95):.1f} ms | {ms(loaded, .5):.1f} ms | {ms(loaded, .95):.1f} ms | {rps:,.0f} |")
            log(report[-1])
            if name.startswith("list by system ("):
                ours_rps = rps
        if args.only:
            return
        exports, rss_before, rss_peak = export_throughput(port, server.pid)
        report += [""]
        for fmt, (rows, seconds) in exports.items():
            report.append(f"- export.{fmt}: {rows:,} rows in {seconds:.1f} s = **{rows / seconds:,.0f} rows/s**")
        report.append(f"- largest gunicorn worker RSS: {rss_before / 1024:.0f} MiB before the exports, {rss_peak / 1024:.0f} MiB at peak during them")
        log("\n".join(report[-5:]))

        if not args.no_datasette:
            db_path = ROOT / ".bench-venv" / "incidents.db"
            log("exporting to SQLite for Datasette ...")
            build_sqlite(port, db_path)
            ds_port = free_port()
            datasette = start_datasette(db_path, ds_port)
            try:
                ds_paths = [f"/incidents/incidents.json?system={s}&_sort_desc=published_at&_size=50&_nosuggest=1"
                            for s in ("system-000", "system-007", "system-150")]
                for url in ds_paths:
                    single_latencies(ds_port, [url], 2)
                single, _ = single_latencies(ds_port, ds_paths, 40)
                loaded, ds_rps, errors = hammer(ds_port, ds_paths, args.seconds, args.concurrency)
                if errors:
                    log(f"Datasette: {len(errors)} errors, e.g. {errors[:3]}")
                # Measure ours again right after, so both see the same machine state.
                _, ours_again, _ = hammer(port, paths["list by system (50 rows, newest first)"], args.seconds, args.concurrency)
            finally:
                datasette.terminate()
            ours_best = max(ours_rps, ours_again)
            report += ["", "| list by system, 50 rows newest first | median (1 client) | median (loaded) | requests/s |", "|---|---|---|---|",
                       f"| Datasette {datasette_version()} (SQLite, index on system, immutable mode) | {ms(single, .5):.1f} ms | {ms(loaded, .5):.1f} ms | {ds_rps:,.0f} |",
                       f"| Registry API (PostgreSQL) | | | {ours_best:,.0f} |", "",
                       f"Registry / Datasette requests per second: **{ours_best / ds_rps:.2f}x**"]
            log("\n".join(report[-4:]))
    finally:
        server.terminate()
        server.wait(timeout=30)
        print("\n".join(report))


def datasette_version():
    out = subprocess.run([str(BENCH_VENV / "bin" / "datasette"), "--version"], capture_output=True, text=True)
    return out.stdout.strip().split()[-1] if out.returncode == 0 else "?"


if __name__ == "__main__":
    main()
