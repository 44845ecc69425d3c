from django.core.management.base import BaseCommand

from ...interchange.progress import Progress
from ...models import Incident
from ...public import rebuild


class Command(BaseCommand):
    help = ("Rebuild the public read model (stored records, list rows, CSV lines, filter columns, search documents, counts) of published "
            "records: those missing any, or with --all every one (after a change to the record format).")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rebuild every published record, not only those missing a copy.")

    def handle(self, all, **options):
        ids = list(Incident.objects.public().order_by("id").values_list("id", flat=True)) if all else rebuild.stale_ids()
        progress = Progress("rebuilding", len(ids), self.stderr)
        rebuild.rebuild(ids, progress=progress.update)
        progress.done()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {len(ids)} published records."))
