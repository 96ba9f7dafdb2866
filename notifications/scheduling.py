"""The scheduled jobs: what runs each day, from what time (network's time zone), and
the claim that makes each run once a day however often `run_scheduled` is started.

Jobs are management commands named here by name only: notifications imports nothing of
the apps whose commands it runs. A job to add (the reminders scan) is one more line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from . import services
from .models import ScheduledRun

logger = logging.getLogger("abitare.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    at: time  # from this local time on, once a day
    command: str
    args: tuple[str, ...] = field(default_factory=tuple)


def daily_jobs() -> list[Job]:
    jobs = [
        Job("backup", time(2, 0), "backup"),
        Job("apply_retention", time(3, 0), "apply_retention"),
        Job("purge_security_log", time(3, 15), "purge_security_log"),
        Job("purge_notifications", time(3, 30), "purge_notifications"),
        # Every day: the first run of a month charges it, the others find it charged.
        Job("contribution_charges", time(4, 0), "generate_contribution_charges"),
        # The dashboards' figures of the year, ready when the coordinators arrive.
        Job("refresh_figures", time(5, 0), "refresh_figures"),
        # Before the digest, so the morning's digest carries today's reminders.
        Job("scan_reminders", time(6, 0), "scan_reminders"),
        Job("send_digests", services.digest_time(), "send_digests"),
    ]
    if isinstance(task_backends["default"], DatabaseBackend):
        # Finished tasks are rows too: keep two weeks of them for the admin to read.
        jobs.append(
            Job(
                "prune_task_results", time(3, 45), "prune_db_task_results", ("--min-age-days", "14")
            )
        )
    return jobs


def _claim(job: Job, day) -> ScheduledRun | None:
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job.name, day=day)
    except IntegrityError:
        return None  # already run (or running) today


def run_due(
    *,
    now: datetime | None = None,
    only: set[str] | None = None,
    skip: set[str] | None = None,
    stdout=None,
) -> dict[str, str]:
    """Run each daily job whose time has come today and that has not run today; then
    sweep the outbox for e-mails due another attempt. A job that fails is released, so
    the next run tries it again. Returns what happened to each job."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    outcome = {}
    for job in daily_jobs():
        if (only and job.name not in only) or (skip and job.name in skip):
            continue
        if local.time() < job.at:
            outcome[job.name] = "not yet"
            continue
        run = _claim(job, local.date())
        if run is None:
            outcome[job.name] = "done today"
            continue
        try:
            call_command(job.command, *job.args, stdout=stdout, stderr=stdout)
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            logger.exception("scheduled job %s failed", job.name)
            run.delete()
            outcome[job.name] = "failed"
        else:
            run.finished_at = timezone.now()
            run.save(update_fields=["finished_at"])
            outcome[job.name] = "ran"
    outcome["retry_emails"] = str(services.emails_retry_due(now=now))
    return outcome
