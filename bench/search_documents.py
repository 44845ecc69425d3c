"""The search document before and after accent folding and per-language stemming, in one run:
the same N generated records indexed both ways in one database, sizes and query medians side
by side.

    .venv/bin/python bench/search_documents.py --records 50000 --repeat 15

Before: the title and narrative stemmed in English. After (public.search.weighted): folded by
wir_fold, stemmed in the record's language (a fifth of the records Spanish, as in the demo
data) and kept as written ('simple') beside the stems; queried with the reader's query
(public.search.reader_query: stemmed OR as written). Figures, not pass/fail; record them in
docs/performance.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("EMBEDDED_DB_NAME", "registry_searchbench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

import generate  # noqa: E402

OLD = "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', narrative), 'B')"
NEW = "wir_document(language, title, 'A') || wir_document(language, narrative, 'B')"
OLD_QUERY = "websearch_to_tsquery('english', %s)"
NEW_QUERY = "(websearch_to_tsquery('english', wir_fold(%s)) || websearch_to_tsquery('simple', wir_fold(%s)))"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print("migrating the bench database …", file=sys.stderr)
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    vocabulary = generate._vocabulary(rng)
    weights = generate._zipf_weights(len(vocabulary), 1.0)
    rows = [(n, "es" if n % 5 == 0 else "en", generate._text(rng, vocabulary, weights, rng.randint(6, 12)),
             generate._text(rng, vocabulary, weights, rng.randint(60, 140))) for n in range(args.records)]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_docs, bench_old, bench_new")
        cursor.execute("CREATE TABLE bench_docs (id int PRIMARY KEY, language text, title text, narrative text)")
        print(f"loading {args.records} records …", file=sys.stderr)
        with cursor.copy("COPY bench_docs FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        built = {}
        for name, expression in (("old", OLD), ("new", NEW)):
            started = time.perf_counter()
            cursor.execute(f"CREATE TABLE bench_{name} AS SELECT id, {expression} AS document FROM bench_docs")
            cursor.execute(f"CREATE INDEX ON bench_{name} USING gin (document)")
            cursor.execute(f"VACUUM ANALYZE bench_{name}")
            built[name] = time.perf_counter() - started
            print(f"built the {name} documents in {built[name]:.1f} s", file=sys.stderr)
        sizes = {}
        for name in ("old", "new"):
            cursor.execute(f"SELECT pg_table_size('bench_{name}'), pg_indexes_size('bench_{name}')")
            sizes[name] = cursor.fetchone()
        common, rare = "arrested", vocabulary[len(vocabulary) // 2]
        queries = {"common word": common, "rare word": rare, "two words": f"{common} {vocabulary[10]}", "phrase": f'"{common} police"'}
        timings = {(q, side): [] for q in queries for side in ("old", "new")}
        counts = {}
        for _ in range(args.repeat):
            for label, text in queries.items():
                for side, query, params in (("old", OLD_QUERY, [text]), ("new", NEW_QUERY, [text, text])):
                    started = time.perf_counter()
                    cursor.execute(f"SELECT id FROM bench_{side} WHERE document @@ {query} ORDER BY id DESC LIMIT 50", params)
                    cursor.fetchall()
                    cursor.execute(f"SELECT count(*) FROM bench_{side} WHERE document @@ {query}", params)
                    counts[(label, side)] = cursor.fetchone()[0]
                    timings[(label, side)].append((time.perf_counter() - started) * 1000)
        cursor.execute("DROP TABLE bench_docs, bench_old, bench_new")
    print(f"\n{args.records} records (a fifth Spanish), {args.repeat} rounds, both forms interleaved in one run\n")
    print("| | before (English stems) | after (folded; own language + as written) |")
    print("|---|---|---|")
    print(f"| build, s | {built['old']:.1f} | {built['new']:.1f} |")
    print(f"| table, MB | {sizes['old'][0] / 2**20:.1f} | {sizes['new'][0] / 2**20:.1f} |")
    print(f"| GIN index, MB | {sizes['old'][1] / 2**20:.1f} | {sizes['new'][1] / 2**20:.1f} |")
    for label in queries:
        old, new = timings[(label, "old")], timings[(label, "new")]
        print(f"| {label}: first page + count, median ms (matches) | {statistics.median(old):.1f} ({counts[(label, 'old')]}) "
              f"| {statistics.median(new):.1f} ({counts[(label, 'new')]}) |")


if __name__ == "__main__":
    main()
