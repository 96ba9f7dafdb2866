"""Counting people over days, and choosing places for them. Pure functions, no queries.

A stay is (start, end) with both dates inclusive; end None means "until further notice",
which for counting is forever: a household still in a unit holds its places until its
exit is recorded, whatever the planned end says.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

Stay = tuple[datetime.date, datetime.date | None]

# Ordinal of "forever": one past the last date Python can hold.
FOREVER = datetime.date.max.toordinal() + 1


def _ordinal_end(end: datetime.date | None) -> int:
    return FOREVER if end is None else end.toordinal()


def overlaps(stay: Stay, first: datetime.date, last: datetime.date | None) -> bool:
    start, end = stay
    return start.toordinal() <= _ordinal_end(last) and _ordinal_end(end) >= first.toordinal()


def peak(
    stays: Iterable[Stay], first: datetime.date, last: datetime.date | None = None
) -> tuple[int, datetime.date]:
    """The most people present on one day between first and last (None: forever), and
    the first day that peak is reached."""
    events: dict[int, int] = {}
    lo, hi = first.toordinal(), _ordinal_end(last)
    for stay in stays:
        if not overlaps(stay, first, last):
            continue
        start, end = stay
        events[max(start.toordinal(), lo)] = events.get(max(start.toordinal(), lo), 0) + 1
        leave = _ordinal_end(end) + 1
        if leave <= hi:
            events[leave] = events.get(leave, 0) - 1
    best, best_day, running = 0, lo, 0
    for day in sorted(events):
        running += events[day]
        if running > best:
            best, best_day = running, day
    return best, datetime.date.fromordinal(min(best_day, datetime.date.max.toordinal()))


def daily_counts(stays: Iterable[Stay], first: datetime.date, days: int) -> list[int]:
    """People present on each of `days` days from `first`."""
    counts = [0] * days
    lo = first.toordinal()
    for start, end in stays:
        a = max(start.toordinal() - lo, 0)
        b = min(_ordinal_end(end) - lo, days - 1)
        for i in range(a, b + 1):
            counts[i] += 1
    return counts


def assign_places(
    busy: dict[int, list[Stay]],
    places: Iterable[int],
    start: datetime.date,
    end: datetime.date | None,
) -> list[tuple[int, datetime.date, datetime.date | None]] | None:
    """Places for one more person from start to end, as (place, from, to) stretches.

    `busy` maps each place to the stays already on it. Each day the person takes a free
    place, preferring the one that stays free longest, so they change place as rarely as
    the existing bookings allow (usually never). Returns None if some day has no free
    place: the caller has counted wrong."""
    places = sorted(places)
    day, last = start.toordinal(), _ordinal_end(end)
    stretches = []
    while day <= last:
        best_place, free_until = None, -1
        for place in places:
            stays = busy.get(place, [])
            if any(s.toordinal() <= day <= _ordinal_end(e) for s, e in stays):
                continue
            next_busy = min((s.toordinal() for s, _e in stays if s.toordinal() > day), default=None)
            until = FOREVER if next_busy is None else next_busy - 1
            if until > free_until:
                best_place, free_until = place, until
        if best_place is None:
            return None
        stretch_end = min(last, free_until)
        stretches.append(
            (
                best_place,
                datetime.date.fromordinal(day),
                None if stretch_end >= FOREVER else datetime.date.fromordinal(stretch_end),
            )
        )
        day = stretch_end + 1
    return stretches
