"""Health checks for a load balancer or an orchestrator.

``/healthz``: the process answers (liveness; touches nothing). ``/readyz``: the database
answers, with the worker's last heartbeat and the queue's depth, so a stopped worker is
visible; 503 when the database does not answer.
"""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import worker

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
    })
