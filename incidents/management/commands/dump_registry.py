import gzip
import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...interchange.dumps import dump_lines
from ...interchange.progress import Progress
from ...public.selectors import public_incidents


class Command(BaseCommand):
    help = ("Write the full public dump: a header with the id counters, every published incident as gzipped JSON Lines "
            "(schema wir-incident/1) with its public history, and every withdrawn or merged id with its reason or target; "
            "plus a .sha256 file in the format `sha256sum -c` reads. Restore it into an empty database with "
            "`import_incidents DUMP` (it knows a dump by its header).")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=".", help="Folder for the dump (default: the current folder).")

    def handle(self, output, **options):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"wir-dump-{timezone.now():%Y%m%d}.jsonl.gz"
        progress = Progress("dumping", public_incidents().count(), self.stderr)
        digest, count = hashlib.sha256(), -1
        tmp = path.with_suffix(".tmp")
        # mtime=0 keeps the gzip header stable.
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            for count, line in enumerate(dump_lines()):
                out.write(line.encode())
                if count and count % 1000 == 0:
                    progress.update(count)
        tmp.replace(path)
        progress.done()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        checksum = folder / (path.name + ".sha256")
        checksum.write_text(f"{digest.hexdigest()}  {path.name}\n")
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} lines (header, records, retired ids) to {path} and its checksum to {checksum}."))
