from django.core.management.base import BaseCommand

from ...interchange.exports import jsonl_rows
from ...interchange.progress import Progress
from ...public.selectors import public_facts


class Command(BaseCommand):
    help = "Export the published incidents as JSON Lines (the format import_incidents reads)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="Output file, or - for standard output.")

    def handle(self, path, **options):
        queryset = public_facts().order_by("published_at", "incident_id")
        progress = Progress("exporting", queryset.count(), self.stderr)
        to_stdout = path == "-"
        out = self.stdout if to_stdout else open(path, "w", encoding="utf-8")
        write = (lambda text: out.write(text, ending="")) if to_stdout else out.write
        try:
            for n, line in enumerate(jsonl_rows(queryset), start=1):
                write(line)
                progress.update(n)
        finally:
            if not to_stdout:
                out.close()
        progress.done()
