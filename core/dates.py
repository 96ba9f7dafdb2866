"""Calendar arithmetic shared by the apps, in Python and in SQL."""

import calendar
import datetime

from django.db import NotSupportedError
from django.db.models import Func, IntegerField


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has fewer days
    (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class DaysBetween(Func):
    """Whole days from the first date to the second (negative if it comes after)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("DaysBetween is written for SQLite and PostgreSQL")

    def _compiled(self, compiler, connection):
        """The SQL of both dates, and their parameters in the order the SQL below
        writes them: the end first."""
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        return start_sql, end_sql, (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        start, end, params = self._compiled(compiler, connection)
        # Dates are stored as ISO text; julianday() turns them into day numbers.
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        start, end, params = self._compiled(compiler, connection)
        # date - date is an integer number of days in PostgreSQL.
        return f"(({end})::date - ({start})::date)", params
