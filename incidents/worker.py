"""The background worker, made to survive: a lost database connection (a restart, a network
blip) is logged and retried with back-off instead of ending the process, and a heartbeat in
the shared cache tells ``/readyz`` the worker is alive.

It runs django-tasks' own database worker loop (``db_worker``'s ``Worker``); ``make run``
also restarts the process if it dies anyway (scripts/serve.sh).
"""

import logging
import threading
import time

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("registry.worker")

HEARTBEAT_KEY = "registry:worker-heartbeat"
HEARTBEAT_SECONDS = 10
MAX_BACKOFF_SECONDS = 30


def beat() -> None:
    """Record that a worker is alive now (in the cache every process shares)."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), HEARTBEAT_SECONDS * 30)


def last_heartbeat():
    value = cache.get(HEARTBEAT_KEY)
    return timezone.datetime.fromisoformat(value) if value else None


def _heartbeats(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            beat()
        except Exception as exc:  # the database is away: say so, and keep beating once it is back
            logger.warning("heartbeat not recorded: %s", exc.__class__.__name__)
        finally:
            connections.close_all()
        stop.wait(HEARTBEAT_SECONDS)


def run(*, interval: float, batch: bool, worker_id: str, sleep=time.sleep) -> int:
    """Run the worker loop until it ends normally; return how many times it reconnected."""
    worker = Worker(queue_names=["default"], interval=interval, batch=batch, backend_name="default", startup_delay=not batch,
                    max_tasks=None, worker_id=worker_id, excluded_queue_names=[])
    if not batch:
        worker.configure_signals()
    stop = threading.Event()
    heart = threading.Thread(target=_heartbeats, args=(stop,), daemon=True, name="worker-heartbeat")
    heart.start()
    reconnects, backoff = 0, 1.0
    try:
        while True:
            try:
                worker.run()
                return reconnects
            except (DatabaseError, InterfaceError) as exc:
                if not worker.running:
                    return reconnects
                reconnects += 1
                logger.error("worker lost the database (%s: %s); a task it was running did not finish (a source it was "
                             "fetching is fetched by the next periodic check). Reconnecting in %.0f s.",
                             exc.__class__.__name__, str(exc).strip().splitlines()[0] if str(exc).strip() else "", backoff)
                connections.close_all()
                sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
    finally:
        stop.set()
        heart.join(timeout=HEARTBEAT_SECONDS)  # its database connection is closed before the process goes on
