"""Background tasks of the dashboards (Django's django.tasks, run by `manage.py
db_worker`): computing a snapshot of figures again once it is older than its freshness
window (dashboard.figures). Safe to run twice: each run stores what it computed."""

from django.tasks import task

from dashboard import figures


@task()
def refresh_figures(snapshot_id: int) -> str:
    return figures.refresh(snapshot_id)
