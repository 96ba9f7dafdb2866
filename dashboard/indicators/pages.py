"""The figures of each dashboard page, computed together in one go so that they can be
kept as one snapshot (dashboard.figures) and read back by the page, its printable
version and its exports."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dashboard import figures
from dashboard.indicators import ethos, reporting
from dashboard.indicators.housing_first import Split
from dashboard.indicators.period import Dimension, Period
from dashboard.indicators.queries import monthly
from dashboard.indicators.report import compute

ETHOS_MOMENTS = (ethos.EXIT, ethos.FOLLOW_UP)


def figure_params(
    project_ids, period: Period, by: Dimension | Split | None, today: datetime.date | None = None
) -> dict:
    """The key of a page's figures: its projects, period, split and day (the occupancy
    counts the nights up to today)."""
    return {
        "projects": sorted(project_ids),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "by": by.value if by else None,
        "today": (today or timezone.localdate()).isoformat(),
    }


def _read(params: dict) -> tuple[list[int], Period, datetime.date]:
    period = Period(
        datetime.date.fromisoformat(params["start"]), datetime.date.fromisoformat(params["end"])
    )
    return params["projects"], period, datetime.date.fromisoformat(params["today"])


def _cross_tables(ids, period: Period) -> dict:
    return {
        moment: ethos.ethos_cross_table(project_ids=ids, period=period, moment=moment).counts
        for moment in ETHOS_MOMENTS
    }


def cross_tables(stored: dict) -> list[ethos.CrossTable]:
    """The ETHOS Light cross-tables of a page's stored figures, at exit and follow-up."""
    return [ethos.CrossTable(moment, stored["ethos"][moment]) for moment in ETHOS_MOMENTS]


@figures.kind("dashboard")
def dashboard_figures(params: dict) -> dict:
    """Every aggregate a dashboard page shows: the indicators in total and split, the
    months, and the ETHOS Light movement at exit and at follow-up."""
    ids, period, today = _read(params)
    by = Dimension(params["by"]) if params["by"] else None
    return {
        "total": compute(project_ids=ids, period=period, today=today),
        "split": compute(project_ids=ids, period=period, by=by, today=today) if by else None,
        "months": monthly(project_ids=ids, period=period),
        "ethos": _cross_tables(ids, period),
    }


@figures.kind("reporting")
def reporting_figures(params: dict) -> dict:
    """The reporting page's aggregates: the Housing First and ETHOS figures of the split,
    and the ETHOS Light movement at exit and at follow-up."""
    ids, period, today = _read(params)
    by = Split(params["by"])
    return {
        "results": reporting.compute(project_ids=ids, period=period, by=by, today=today),
        "ethos": _cross_tables(ids, period),
    }
