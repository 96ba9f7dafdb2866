"""The dashboard's charts, drawn as server-rendered SVG.

The numbers the templates need (coordinates, ticks, titles) are computed here; the
templates only place them. Every chart has a title and a description for screen
readers, a title on each mark, and its data in a table beside it on the page. Colours
are Okabe–Ito, told apart with the common colour-vision deficiencies, and the lines
differ in their dashes too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from core import palette
from dashboard.indicators import Period

WIDTH = 640


HEIGHT = 260


LEFT = 48


RIGHT = 28


TOP = 16


BOTTOM = 44


MAX_X_LABELS = 12


@dataclass
class Point:
    x: float
    y: float
    title: str


@dataclass
class Line:
    key: str
    label: str
    colour: str
    dash: str
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class TrendChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    title: str
    description: str
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]


SERIES = (
    # key, colour, dash
    ("referrals", palette.BLUE, ""),
    ("entries", palette.GREEN, "6 4"),
    ("exits", palette.VERMILION, "2 3"),
)


def series_labels() -> dict[str, str]:
    return {
        "referrals": _("Segnalazioni nuove"),
        "entries": _("Ingressi negli alloggi"),
        "exits": _("Uscite dagli alloggi"),
    }


def _nice_step(top: int, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most `ticks` intervals."""
    if top <= 0:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return max(1, multiple * power)
    return 10 * power


def month_label(month) -> str:
    return date_format(month, "F Y")


def trend_chart(months: list[dict], period: Period) -> TrendChart:
    """Referrals, entries and exits per month, as three lines."""
    labels = series_labels()
    highest = max([m[key] for m in months for key, _c, _d in SERIES] or [0])
    step = _nice_step(highest)
    top_value = max(step, math.ceil(highest / step) * step)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x_of(index: int) -> float:
        if len(months) == 1:
            return LEFT + plot_width / 2
        return LEFT + index * plot_width / (len(months) - 1)

    def y_of(value: int) -> float:
        return TOP + plot_height - value * plot_height / top_value

    lines = []
    for key, colour, dash in SERIES:
        line = Line(key=key, label=labels[key], colour=colour, dash=dash)
        for index, month in enumerate(months):
            line.points.append(
                Point(
                    x=x_of(index),
                    y=y_of(month[key]),
                    title=_("%(month)s: %(series)s %(value)s")
                    % {
                        "month": month_label(month["month"]),
                        "series": labels[key].lower(),
                        "value": number_format(month[key], force_grouping=True),
                    },
                )
            )
        lines.append(line)
    every = max(1, math.ceil(len(months) / MAX_X_LABELS))
    x_ticks = [
        Tick(x_of(i), date_format(m["month"], "M y"))
        for i, m in enumerate(months)
        if i % every == 0
    ]
    y_ticks = [
        Tick(y_of(value), number_format(value, force_grouping=True))
        for value in range(0, top_value + 1, step)
    ]
    totals = {key: sum(m[key] for m in months) for key, _c, _d in SERIES}
    title = _("Andamento mensile dal %(start)s al %(end)s") % {
        "start": date_format(period.start, "SHORT_DATE_FORMAT"),
        "end": date_format(period.end, "SHORT_DATE_FORMAT"),
    }
    description = "; ".join(
        _("%(series)s: %(total)s in tutto") % {"series": labels[key], "total": totals[key]}
        for key, _c, _d in SERIES
    )
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        title=title,
        description=description,
        lines=lines,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )


@dataclass
class Bar:
    label: str  # the group's name, on the first bar of its group only
    value: int
    y: int
    width: float
    colour: str
    title: str
    value_x: float = 0


@dataclass
class LegendItem:
    label: str
    colour: str
    x: int


@dataclass
class BarChart:
    width: int
    height: int
    top: int
    label_width: int
    bar_height: int
    title: str
    description: str
    bars: list[Bar]
    legend: list[LegendItem]


BAR_LABEL_WIDTH = 190


BAR_PLOT_WIDTH = 380


BAR_HEIGHT = 18


BAR_GAP = 14


LEGEND_HEIGHT = 28


def exits_chart(groups: list[tuple[str, int, int]]) -> BarChart:
    """Exits per destination group as horizontal bars, two per group on one scale: the
    exits from the units and the case exits."""
    series = (
        (
            _("Uscite dagli alloggi"),
            palette.GREEN,
            ngettext_lazy(
                "%(label)s: %(count)d uscita dagli alloggi",
                "%(label)s: %(count)d uscite dagli alloggi",
                "count",
            ),
        ),
        (
            _("Dimissioni"),
            palette.ORANGE,
            ngettext_lazy(
                "%(label)s: %(count)d dimissione", "%(label)s: %(count)d dimissioni", "count"
            ),
        ),
    )
    highest = max([max(values) for _label, *values in groups] or [0]) or 1
    bars = []
    for index, (label, *values) in enumerate(groups):
        top = LEGEND_HEIGHT + index * (2 * BAR_HEIGHT + BAR_GAP)
        for position, (value, (_name, colour, words)) in enumerate(
            zip(values, series, strict=True)
        ):
            bars.append(
                Bar(
                    label=label if position == 0 else "",
                    value=value,
                    y=top + position * BAR_HEIGHT,
                    width=BAR_PLOT_WIDTH * value / highest,
                    value_x=BAR_LABEL_WIDTH + BAR_PLOT_WIDTH * value / highest + 6,
                    colour=colour,
                    title=str(words % {"label": label, "count": value}),
                )
            )
    exits = sum(values[0] for _label, *values in groups)
    case_exits = sum(values[1] for _label, *values in groups)
    return BarChart(
        width=BAR_LABEL_WIDTH + BAR_PLOT_WIDTH + 60,
        height=LEGEND_HEIGHT + max(1, len(groups)) * (2 * BAR_HEIGHT + BAR_GAP),
        top=LEGEND_HEIGHT,
        label_width=BAR_LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        title=_("Uscite per destinazione: %(exits)s dagli alloggi, %(case_exits)s dimissioni")
        % {"exits": exits, "case_exits": case_exits},
        description="; ".join(bar.title for bar in bars),
        bars=bars,
        legend=[
            LegendItem(label=str(name), colour=colour, x=BAR_LABEL_WIDTH + index * 190)
            for index, (name, colour, _words) in enumerate(series)
        ],
    )
