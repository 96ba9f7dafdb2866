"""Health of a node, for the load balancer and the monitoring (issue 16).

`/healthz/live` says only that the process answers (liveness: restart it if not); it
touches nothing else. `/healthz` says whether this node can serve (readiness): the
database answers, the document storage answers, and the task queue is not lagging.
Neither needs a login, and neither tells anything about the data: each check is "ok"
or "error" (the queue's lag in whole seconds besides), and what went wrong goes to the
log, not into the answer.

The task queue is checked only if a database-backed tasks backend is configured
(settings.TASKS); how to read its lag is looked up by the backend's module in
TASK_QUEUE_LAG_CHECKS, so another backend can add its own. Without one the queue is
"not configured".
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import FileSystemStorage
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from .storage import documents_storage

logger = logging.getLogger("abitare.health")

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not configured"

# Backend module prefix -> dotted path of a function(alias, options) -> seconds that the
# oldest task ready to run has been waiting (0 when none waits).
TASK_QUEUE_LAG_CHECKS = {
    "django_tasks_db": "core.health.django_tasks_db_lag",
}


def check_database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_storage() -> str:
    storage = documents_storage()
    if isinstance(storage, FileSystemStorage):
        # The folder may not exist until the first upload: the nearest existing folder
        # on its path must let the application create it and write there.
        path = Path(storage.location)
        while not path.exists() and path != path.parent:
            path = path.parent
        if not (path.is_dir() and os.access(path, os.W_OK | os.X_OK)):
            raise PermissionError(f"document storage not writable at {path}")
    elif hasattr(storage, "bucket_name"):
        # One cheap request that needs the endpoint, the credentials and the bucket
        # (HEAD on a missing key would answer 404 for a missing bucket too).
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
    else:
        storage.listdir("")
    return OK


def task_queue_backends() -> list[tuple[str, dict, str]]:
    """(alias, backend settings, lag function path) of the configured tasks backends
    whose lag we know how to read."""
    found = []
    for alias, options in getattr(settings, "TASKS", {}).items():
        backend = options.get("BACKEND", "")
        checks = {**TASK_QUEUE_LAG_CHECKS, **getattr(settings, "HEALTHZ_TASK_QUEUE_CHECKS", {})}
        for prefix, function in checks.items():
            if backend == prefix or backend.startswith(prefix + "."):
                found.append((alias, options, function))
    return found


def check_task_queue() -> dict:
    backends = task_queue_backends()
    if not backends:
        return {"status": NOT_CONFIGURED}
    limit = settings.HEALTHZ_MAX_TASK_QUEUE_LAG
    lag = max(int(import_string(function)(alias, options)) for alias, options, function in backends)
    return {"status": OK if lag <= limit else ERROR, "lag_seconds": lag}


def django_tasks_db_lag(alias: str, options: dict) -> float:
    """How long the oldest ready task of django-tasks-db's backend `alias` waits."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    oldest = (
        DBTaskResult.objects.ready()
        .filter(backend_name=alias)
        .order_by("enqueued_at")
        .values_list("enqueued_at", "run_after")
        .first()
    )
    if oldest is None:
        return 0
    enqueued_at, run_after = oldest
    since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
    return max(0.0, (timezone.now() - since).total_seconds())


def _run(name, check):
    try:
        return check()
    except Exception:
        logger.exception("health check %s failed", name)
        return ERROR if name != "task_queue" else {"status": ERROR}


@login_not_required
@require_safe
def healthz(request):
    """Readiness: 200 when every configured part works, 503 otherwise."""
    checks = {
        "database": _run("database", check_database),
        "storage": _run("storage", check_storage),
        "task_queue": _run("task_queue", check_task_queue),
    }
    healthy = (
        checks["database"] == OK
        and checks["storage"] == OK
        and checks["task_queue"]["status"] in (OK, NOT_CONFIGURED)
    )
    response = JsonResponse(
        {"status": OK if healthy else ERROR, "checks": checks}, status=200 if healthy else 503
    )
    add_never_cache_headers(response)
    return response


@login_not_required
@require_safe
def live(request):
    """Liveness: the process answers requests. Nothing else is touched."""
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response
