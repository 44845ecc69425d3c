from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from ...interchange import demo_deployments
from ...interchange.importing import import_lines
from ...models import Incident

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo.jsonl"


class Command(BaseCommand):
    help = ("Load the demo incidents (real, publicly documented cases) and deployments (from the articles the project started from) "
            "once; do nothing if any incident exists.")

    def handle(self, **options):
        if Incident.objects.exists():
            self.stdout.write("The registry already holds incidents; demo data not loaded.")
            return
        with transaction.atomic():
            ids = import_lines(DEMO.read_text(encoding="utf-8").splitlines())
            deployed = demo_deployments.load()
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(ids)} demo incidents and {len(deployed)} deployments."))
