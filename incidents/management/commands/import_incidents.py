import gzip
import itertools
import sys

from django.core.management.base import BaseCommand, CommandError

from ...interchange.dumps import RestoreError, is_dump, restore
from ...interchange.importing import ImportError_
from ...interchange.progress import Progress
from ...interchange.streaming import import_stream


class Command(BaseCommand):
    help = ("Import incidents from a JSON Lines file (one incident per line), all or nothing, with memory flat in the file's size; or restore a dump_registry "
            "dump (detected from its header) into an empty database, with its history, retired ids and id counters.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .jsonl or .jsonl.gz file (such as a dump_registry dump), or - for standard input.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, path, batch_size, **options):
        stream = self.open(path)
        with stream:
            first = stream.readline()
            if first and is_dump(first):
                return self.restore(path, [first, *stream.readlines()])
            # Counting the lines first (a quick pass, nothing kept) gives the progress line its total.
            total = self.count_lines(path) if path != "-" else 0
            progress = Progress("importing", total, self.stderr)
            try:
                count = import_stream(itertools.chain([first], stream), batch_size=batch_size, progress=progress.update)
            except ImportError_ as exc:
                progress.done()
                raise CommandError(f"Nothing was imported. {path}, {exc}. Fix that line and run the import again.") from None
        progress.done()
        self.stdout.write(self.style.SUCCESS(f"Imported {count} incidents."))

    def open(self, path):
        if path == "-":
            return sys.stdin
        if path.endswith(".gz"):
            return gzip.open(path, "rt", encoding="utf-8")
        return open(path, encoding="utf-8")

    def count_lines(self, path) -> int:
        with self.open(path) as stream:
            return sum(1 for _ in stream)

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
