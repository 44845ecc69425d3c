"""Health checks for a load balancer or an orchestrator.

``/healthz``: the process answers (liveness; touches nothing). ``/readyz``: the database
answers, with the worker's last heartbeat and the queue's depth, so a stopped worker is
visible, and each read replica's state and lag; 503 when the primary does not answer (a
replica down is reported, not fatal: reads fall back to the primary).
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import replicas, worker

WORKER_STALE_SECONDS = 120


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    try:
        from django_tasks_db.models import DBTaskResult

        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queued = DBTaskResult.objects.ready().count()
        heartbeat = worker.last_heartbeat()
    except DatabaseError as exc:
        response = JsonResponse({"status": "unavailable", "database": f"not answering ({exc.__class__.__name__})"}, status=503)
        response["Retry-After"] = "10"
        return response
    age = (timezone.now() - heartbeat).total_seconds() if heartbeat else None
    return JsonResponse({
        "status": "ok", "database": "ok",
        "worker": {"last_heartbeat": heartbeat.isoformat() if heartbeat else None, "age_seconds": round(age, 1) if age is not None else None,
                   "ok": age is not None and age < WORKER_STALE_SECONDS},
        "queue": {"due": queued},
        # Each read replica as asked now: whether public reads may use it, and its replay lag.
        "replicas": [{"alias": alias, "usable": ok, "lag_seconds": None if lag is None else round(lag, 2)}
                     for alias in settings.REPLICA_DATABASES for ok, lag in [replicas.replica_state(alias)]],
    })
