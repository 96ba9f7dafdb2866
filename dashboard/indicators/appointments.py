"""Appointments on the dashboard: those that needed an interpreter or cultural mediator
and had none. Computed by the database, one query; no name leaves this module."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from beneficiaries.models import Appointment
from dashboard.indicators.period import VIA_CASE, Dimension, Period, _group_key, _grouped


def interpreters(
    *, project_ids, period: Period, by=Dimension.TOTAL, today: datetime.date | None = None
) -> dict:
    """Appointments of the projects' cases that began in the period (up to today) and
    needed an interpreter, whose outcome is recorded: `needed`; of them, `without`: held
    without the interpreter, or not held because the interpreter was missing."""
    elapsed = period.until(today or timezone.localdate())
    if elapsed is None:
        return {}
    start = timezone.make_aware(datetime.datetime.combine(elapsed.start, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(elapsed.end + datetime.timedelta(days=1), datetime.time.min)
    )
    rows = Appointment.objects.filter(
        case__project_id__in=list(project_ids),
        starts_at__gte=start,
        starts_at__lt=end,
        interpreter_needed=True,
        status__in=(Appointment.Status.HELD, Appointment.Status.NOT_HELD),
    )
    return _grouped(
        rows,
        _group_key(by, VIA_CASE),
        needed=Count("pk"),
        without=Count("pk", filter=Q(interpreter_used=False)),
    )
