"""Run the background worker: source preservation now, and the periodic link check.

``make run`` starts this beside the web server (and restarts it if it dies). It makes sure
the periodic check is scheduled, then runs django-tasks' database worker loop, which
survives a lost database connection (``incidents.worker``).
"""

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from ... import worker
from ...tasks import ensure_check_scheduled, ensure_retention_scheduled


class Command(BaseCommand):
    help = "Run the background worker (source preservation and the periodic link check)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due now, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls when idle (default 2).")

    def handle(self, *args, batch=False, interval=2.0, **options):
        if ensure_check_scheduled():
            self.stdout.write("Scheduled the periodic source check.")
        if ensure_retention_scheduled():
            self.stdout.write("Scheduled the daily clearing of old contact addresses and the cache pruning.")
        self.stdout.write("Worker started: preserving new sources and checking old ones (Ctrl-C to stop).")
        reconnects = worker.run(interval=interval, batch=batch, worker_id=get_random_string(32))
        if reconnects:
            self.stdout.write(f"Worker stopped after reconnecting to the database {reconnects} time(s).")
