"""Background tasks (django-tasks, database backend), run by ``manage.py run_worker``.

Each task is a thin shell around ``incidents.preservation``; the periodic check
re-enqueues itself with ``run_after``, so one pending check always exists once the
worker has started (``ensure_check_scheduled``), with no separate scheduler.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .domain import notices, retention
from .preservation import capture as preservation


@task()
def preserve_source(source_id: int) -> bool:
    """Fetch a newly added source and keep its copy; True when a copy was stored."""
    capture = preservation.record_fetch(source_id)
    return bool(capture and capture.ok)


@task()
def check_sources() -> int:
    """Re-fetch the sources that are due, then schedule the next round."""
    try:
        return preservation.check_due()
    finally:
        schedule_check(after=timedelta(minutes=10) if preservation.due_sources(1) else timedelta(hours=1))


@task()
def clear_contacts() -> int:
    """Clear contact addresses past their retention, then schedule the next day's run."""
    try:
        return retention.clear_old_contacts()
    finally:
        clear_contacts.using(run_after=timezone.now() + timedelta(days=1)).enqueue()


@task()
def prune_cache() -> int:
    """Prune the shared database cache (registry.cache.PostgresCache), then again in ten minutes."""
    from django.core.cache import cache

    try:
        return cache.prune() if hasattr(cache, "prune") else 0
    finally:
        prune_cache.using(run_after=timezone.now() + timedelta(minutes=10)).enqueue()


@task()
def send_notices() -> int:
    """Mail the submitters' notices that are due (domain.notices), then make sure one run is
    waiting: at the next retry if one is due sooner, else in ten minutes (a sweep, in case a
    wake-up was lost)."""
    from django_tasks_db.models import DBTaskResult

    try:
        return notices.send_due()
    finally:
        later = timezone.now() + timedelta(minutes=10)
        due = notices.next_due()
        if not DBTaskResult.objects.filter(task_path=send_notices.module_path, status="READY").exists():
            send_notices.using(run_after=min(due, later) if due is not None else later).enqueue()


def _wake_for_notices(sender, **kwargs):
    """A notice was queued and its transaction committed: send it now rather than at the next round."""
    send_notices.enqueue()


# Connected here, where the task is: the domain only announces that notices are waiting.
notices.notice_queued.connect(_wake_for_notices, dispatch_uid="incidents-send-notices")


def ensure_retention_scheduled() -> bool:
    """Enqueue the daily contact clearance and the cache pruning unless they are already waiting; True when one was added."""
    from django_tasks_db.models import DBTaskResult

    added = False
    for periodic in (clear_contacts, prune_cache, send_notices):
        if not DBTaskResult.objects.filter(task_path=periodic.module_path, status="READY").exists():
            periodic.enqueue()
            added = True
    return added


def schedule_check(after: timedelta = timedelta(0)):
    return check_sources.using(run_after=timezone.now() + after).enqueue()


def ensure_check_scheduled() -> bool:
    """Enqueue the periodic check unless one is already waiting; True when one was added."""
    from django_tasks_db.models import DBTaskResult

    if not settings.PRESERVATION_ENABLED:
        return False
    # READY includes checks scheduled for later (run_after in the future).
    if DBTaskResult.objects.filter(task_path=check_sources.module_path, status="READY").exists():
        return False
    schedule_check()
    return True
