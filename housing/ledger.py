"""The arithmetic of the contribution ledger, apart from the database (as occupancy.py is
for places): what a month costs, how payments cover the charges, how old the arrears are.

- A month is charged for the days the household is in the unit (the end date is the
  last night, so it counts), less the suspended days, each day at the monthly amount in
  force that day divided by the days of the month; the total is rounded to the cent
  once, half up. A full month at one amount is that amount exactly.
- Payments cover the oldest charges first (FIFO): what is still owed is always the most
  recent charges. A reversal is a negative payment and uncovers the most recent cover.
- A charge falls due on DUE_DAY of its month (or on the day the stay starts, if later);
  from the day after it is late, and its days late put it in an ageing bucket.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DUE_DAY = 10
ONE_DAY = datetime.timedelta(days=1)

# (first day late, last day late or None): 0–30, 31–60, 61–90, over 90 days.
BUCKETS: tuple[tuple[int, int | None], ...] = ((1, 30), (31, 60), (61, 90), (91, None))
BUCKET_LABELS = ("0–30", "31–60", "61–90", "> 90")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def days_in_month(month: datetime.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def last_of_month(month: datetime.date) -> datetime.date:
    return month.replace(day=days_in_month(month))


def next_month(month: datetime.date) -> datetime.date:
    return last_of_month(month) + ONE_DAY


def due_date(month: datetime.date, stay_start: datetime.date) -> datetime.date:
    return max(month.replace(day=DUE_DAY), stay_start)


@dataclass(frozen=True)
class MonthCharge:
    month: datetime.date
    amount: Decimal
    days_charged: int
    days_in_month: int
    due_on: datetime.date


def rate_on(day: datetime.date, rates: Sequence[tuple[datetime.date, Decimal]]) -> Decimal:
    """The monthly amount in force on `day`; `rates` are (from, amount), sorted."""
    amount = ZERO
    for start, value in rates:
        if start <= day:
            amount = value
        else:
            break
    return amount


def _suspended(day, suspensions) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in suspensions)


def month_charge(
    *,
    month: datetime.date,
    stay_start: datetime.date,
    stay_end: datetime.date | None,
    rates: Iterable[tuple[datetime.date, Decimal]],
    suspensions: Iterable[tuple[datetime.date, datetime.date | None]] = (),
) -> MonthCharge | None:
    """The charge of `month` for a stay, or None if nothing is due that month."""
    month = first_of_month(month)
    rates = sorted(rates)
    suspensions = list(suspensions)
    first = max(month, stay_start)
    last = min(last_of_month(month), stay_end or datetime.date.max)
    total_days = days_in_month(month)
    days, total = 0, Decimal(0)
    day = first
    while day <= last:
        if not _suspended(day, suspensions):
            days += 1
            total += rate_on(day, rates)
        day += ONE_DAY
    amount = money(total / total_days) if days else ZERO
    if amount <= 0:
        return None
    return MonthCharge(month, amount, days, total_days, due_date(month, stay_start))


def allocate(charges: Sequence[Decimal], paid: Decimal) -> list[Decimal]:
    """How much of each charge (oldest first) the net total paid covers."""
    left = max(Decimal(paid), ZERO)
    covered = []
    for amount in charges:
        part = min(amount, left)
        covered.append(part)
        left -= part
    return covered


def bucket_of(days_late: int) -> int | None:
    """The index in BUCKETS of a charge `days_late` days late; None if not late."""
    for index, (low, high) in enumerate(BUCKETS):
        if days_late >= low and (high is None or days_late <= high):
            return index
    return None


def ageing(lines: Iterable[tuple[datetime.date, Decimal]], today: datetime.date) -> list[Decimal]:
    """The amounts still owed per bucket, from (due date, amount still owed) pairs."""
    totals = [ZERO for _ in BUCKETS]
    for due_on, owed in lines:
        index = bucket_of((today - due_on).days)
        if index is not None and owed > 0:
            totals[index] += owed
    return totals


def split_instalments(total: Decimal, count: int) -> list[Decimal]:
    """`count` instalments of equal cents adding up to `total`; the last takes the
    rounding."""
    each = (Decimal(total) / count).quantize(CENT, rounding="ROUND_DOWN")
    return [each] * (count - 1) + [money(total) - each * (count - 1)]
