import sys

from django.core.management.base import BaseCommand

from incidents.interchange import iter_records, to_json_line
from incidents.progress import Progress
from incidents.selectors import public_incidents


class Command(BaseCommand):
    help = "Export the published incidents as JSON Lines (the format import_incidents reads)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="Output file, or - for standard output.")

    def handle(self, path, **options):
        queryset = public_incidents().order_by("published_at", "id")
        progress = Progress("exporting", queryset.count(), self.stderr)
        out = sys.stdout if path == "-" else open(path, "w", encoding="utf-8")
        try:
            for n, record in enumerate(iter_records(queryset), start=1):
                out.write(to_json_line(record))
                progress.update(n)
        finally:
            if out is not sys.stdout:
                out.close()
        progress.done()
