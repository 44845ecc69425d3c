import gzip
import sys

from django.core.management.base import BaseCommand, CommandError

from ...interchange.dumps import RestoreError, is_dump, restore
from ...interchange.importing import ImportError_, import_records, parse_lines
from ...interchange.progress import Progress


class Command(BaseCommand):
    help = ("Import incidents from a JSON Lines file (one incident per line), all or nothing; or restore a dump_registry "
            "dump (detected from its header) into an empty database, with its history, retired ids and id counters.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .jsonl or .jsonl.gz file (such as a dump_registry dump), or - for standard input.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, path, batch_size, **options):
        if path == "-":
            stream = sys.stdin
        elif path.endswith(".gz"):
            stream = gzip.open(path, "rt", encoding="utf-8")
        else:
            stream = open(path, encoding="utf-8")
        with stream:
            lines = stream.readlines()
        if lines and is_dump(lines[0]):
            return self.restore(path, lines)
        progress = Progress("checking", len(lines), self.stderr)
        try:
            records = parse_lines(lines, progress=progress.update)
        except ImportError_ as exc:
            progress.done()
            raise CommandError(f"Nothing was imported. {path}, {exc}. Fix that line and run the import again.") from None
        progress.done()
        progress = Progress("importing", len(records), self.stderr)
        ids = import_records(records, batch_size=batch_size, progress=progress.update)
        progress.done()
        self.stdout.write(self.style.SUCCESS(f"Imported {len(ids)} incidents."))

    def restore(self, path, lines):
        progress = Progress("restoring", len(lines), self.stderr)
        try:
            done = restore(lines, progress=progress.update)
        except RestoreError as exc:
            raise CommandError(f"Nothing was restored. {exc}") from None
        except ImportError_ as exc:
            raise CommandError(f"Nothing was restored. {path}, {exc}. The dump is damaged; check it against its .sha256 file.") from None
        finally:
            progress.done()
        self.stdout.write(self.style.SUCCESS(f"Restored {done['records']} public records and {done['retired']} withdrawn or merged ids."))
