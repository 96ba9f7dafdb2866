"""Calendar arithmetic of core.dates."""

import datetime

from core.dates import add_months

D = datetime.date


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(D(2027, 1, 15), 18) == D(2028, 7, 15)
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)
