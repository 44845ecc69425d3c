import gzip
import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from incidents.record_sql import json_lines
from incidents.progress import Progress
from incidents.selectors import public_incidents


class Command(BaseCommand):
    help = ("Write the full public dump: every published incident as gzipped JSON Lines (schema wir-incident/1), "
            "plus a .sha256 file in the format `sha256sum -c` reads. Restore with import_incidents.")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=".", help="Folder for the dump (default: the current folder).")

    def handle(self, output, **options):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"wir-dump-{timezone.now():%Y%m%d}.jsonl.gz"
        queryset = public_incidents().order_by("published_at", "id")
        progress = Progress("dumping", queryset.count(), self.stderr)
        digest, count = hashlib.sha256(), 0
        tmp = path.with_suffix(".tmp")
        # mtime=0 keeps the gzip header stable, so the same registry gives the same checksum.
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            for count, line in enumerate(json_lines(queryset), start=1):
                out.write(line.encode())
                if count % 1000 == 0:
                    progress.update(count)
        tmp.replace(path)
        progress.done()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        checksum = folder / (path.name + ".sha256")
        checksum.write_text(f"{digest.hexdigest()}  {path.name}\n")
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} incidents to {path} and its checksum to {checksum}."))
