"""Figures computed once and read many times: the dashboards' aggregates at the size of
a national network take seconds of SQL (docs/performance.md), so a page reads them from
a snapshot (dashboard.models.FigureSnapshot) and says when they were computed.

- A snapshot younger than `DASHBOARD_FIGURES_FRESH_MINUTES` is read as it is.
- An older one is still shown, with its time, and a background task (dashboard.tasks,
  after commit) computes it again: the next visit reads the new figures. Only one
  refresh is asked for at a time (a conditional update claims it).
- None yet (a period nobody asked for today): computed now, in the request, and kept.
- "Ricalcola ora" on the page computes it again at once (`get(..., force=True)`).

The night job `refresh_figures` (notifications/scheduling.py) computes the default
period of every coordinated project's dashboard, and of every coordinator's network
dashboard and reporting page, before the day starts, and forgets the snapshots nobody
has read for a week.

Snapshots hold counts, not people, and are keyed by the projects, the period and the
split: who may read them is decided by the page (core.access), before it asks.

The values are stored as tagged JSON (`encode`, `decode`): the results are dicts keyed
by project ids, None and tuples, with dates and decimals inside, which plain JSON would
turn into strings.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dashboard.models import FigureSnapshot

_KINDS: dict[str, Callable[[dict], object]] = {}

# read_at is written at most this often: a page view is not a write.
_READ_MARK_EVERY = datetime.timedelta(hours=1)


def kind(name: str):
    """Register the function that computes a kind of figures from its params."""

    def register(function):
        if name in _KINDS:
            raise ValueError(f"Figures of kind {name!r} are registered twice.")
        _KINDS[name] = function
        return function

    return register


def fresh_for() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.DASHBOARD_FIGURES_FRESH_MINUTES)


@dataclass(frozen=True)
class Figures:
    value: object
    computed_at: datetime.datetime
    took_ms: int
    stale: bool  # older than the freshness window
    refreshing: bool  # a background refresh has been asked for

    @property
    def fresh_minutes(self) -> int:
        return settings.DASHBOARD_FIGURES_FRESH_MINUTES


def key_of(kind_name: str, params: dict) -> str:
    text = json.dumps([kind_name, params], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def get(kind_name: str, params: dict, *, force: bool = False) -> Figures:
    """The figures of `kind_name` for `params`: from their snapshot, or computed now."""
    if kind_name not in _KINDS:
        raise KeyError(f"No figures of kind {kind_name!r}.")
    now = timezone.now()
    key = key_of(kind_name, params)
    snapshot = None if force else FigureSnapshot.objects.filter(key=key).first()
    if snapshot is None:
        return _as_figures(_store(kind_name, params, key), now=now)
    if snapshot.read_at < now - _READ_MARK_EVERY:
        FigureSnapshot.objects.filter(pk=snapshot.pk).update(read_at=now)
    stale = snapshot.computed_at < now - fresh_for()
    if stale and _claim_refresh(snapshot, now):
        snapshot.refresh_requested_at = now
        pk = snapshot.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return _as_figures(snapshot, now=now)


def refresh(snapshot_id: int) -> str:
    """Compute a snapshot again (the background task's work)."""
    snapshot = FigureSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return "gone"
    if snapshot.kind not in _KINDS:
        return "unknown kind"  # left for forget_unread
    _store(snapshot.kind, snapshot.params, snapshot.key)
    return "refreshed"


def forget_unread(*, days: int = 7) -> int:
    """Delete the snapshots nobody has read for `days` days."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = FigureSnapshot.objects.filter(read_at__lt=cutoff).delete()
    return deleted


def _claim_refresh(snapshot: FigureSnapshot, now) -> bool:
    """Ask for one refresh: True for the request that wins the conditional update. A
    refresh asked for longer ago than the freshness window is taken as lost."""
    unclaimed = Q(refresh_requested_at__isnull=True) | Q(refresh_requested_at__lt=now - fresh_for())
    return bool(
        FigureSnapshot.objects.filter(unclaimed, pk=snapshot.pk).update(refresh_requested_at=now)
    )


def _enqueue(snapshot_id: int) -> None:
    from dashboard import tasks

    tasks.refresh_figures.enqueue(snapshot_id)


def _store(kind_name: str, params: dict, key: str) -> FigureSnapshot:
    started = time.perf_counter()
    value = _KINDS[kind_name](params)
    took_ms = round((time.perf_counter() - started) * 1000)
    now = timezone.now()
    snapshot = FigureSnapshot(
        key=key,
        kind=kind_name,
        params=params,
        value=encode(value),
        computed_at=now,
        took_ms=took_ms,
        read_at=now,
        refresh_requested_at=None,
    )
    # One statement whether or not the key is there yet (another request, or the night
    # job, may have stored the same figures meanwhile): INSERT … ON CONFLICT DO UPDATE.
    FigureSnapshot.objects.bulk_create(
        [snapshot],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=[
            "kind",
            "params",
            "value",
            "computed_at",
            "took_ms",
            "read_at",
            "refresh_requested_at",
        ],
    )
    return snapshot


def _as_figures(snapshot: FigureSnapshot, *, now) -> Figures:
    stale = snapshot.computed_at < now - fresh_for()
    return Figures(
        value=decode(snapshot.value),
        computed_at=snapshot.computed_at,
        took_ms=snapshot.took_ms,
        stale=stale,
        refreshing=stale and snapshot.refresh_requested_at is not None,
    )


# Tagged JSON: every dict, list and tuple is tagged, so a plain value is never mistaken
# for one; anything else fails loudly rather than coming back as something different.


def encode(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {"d": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, list):
        return {"l": [encode(v) for v in value]}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    raise TypeError(f"Figures cannot hold a {type(value).__name__}.")


def decode(value):
    if not isinstance(value, dict):
        return value
    ((tag, inner),) = value.items()
    if tag == "d":
        return {decode(k): decode(v) for k, v in inner}
    if tag == "t":
        return tuple(decode(v) for v in inner)
    if tag == "l":
        return [decode(v) for v in inner]
    if tag == "dec":
        return Decimal(inner)
    if tag == "dt":
        return datetime.datetime.fromisoformat(inner)
    if tag == "date":
        return datetime.date.fromisoformat(inner)
    raise ValueError(f"Unknown tag {tag!r} in stored figures.")
