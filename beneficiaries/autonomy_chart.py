"""The autonomy profile over time, drawn as a server-rendered SVG.

One row per domain of the scale, one bar per assessment (entry, reviews, exit) in each
row, so a worker and the household can see where things moved. The numbers the
template needs are computed here; the template only places them. The same data is
also given as a table on the page, for whoever cannot see the chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from beneficiaries import autonomy
from core import palette

MAX_SERIES = len(palette.SERIES)

LABEL_WIDTH = 250
PLOT_WIDTH = 400
RIGHT_MARGIN = 20
TOP = 28
BAR_HEIGHT = 9
BAR_GAP = 2
ROW_GAP = 14


@dataclass
class Series:
    index: int
    label: str
    colour: str
    average: str


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    colour: str
    level: int
    title: str


@dataclass
class Row:
    label: str
    label_y: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    title: str
    description: str
    series: list[Series]
    rows: list[Row]
    ticks: list[dict]


def assessment_label(assessment) -> str:
    return f"{assessment.get_moment_display()} · {date_format(assessment.taken_on, 'SHORT_DATE_FORMAT')}"


def _shown(assessments: list) -> list:
    """All assessments when they fit; else the entry one and the latest ones."""
    if len(assessments) <= MAX_SERIES:
        return assessments
    return [assessments[0], *assessments[-(MAX_SERIES - 1) :]]


def levels_by_domain(assessment) -> dict[str, int]:
    return {score.domain: score.level for score in assessment.scores.all()}


def average(levels: dict[str, int]) -> float | None:
    return sum(levels.values()) / len(levels) if levels else None


def profile_chart(assessments: list) -> Chart | None:
    """The chart of a case's assessments (oldest first, scores prefetched)."""
    if not assessments:
        return None
    shown = _shown(assessments)
    per_assessment = [levels_by_domain(a) for a in shown]
    series = []
    for index, (assessment, levels) in enumerate(zip(shown, per_assessment, strict=True)):
        mean = average(levels)
        series.append(
            Series(
                index=index,
                label=assessment_label(assessment),
                colour=palette.SERIES[index],
                average=number_format(mean, decimal_pos=1) if mean is not None else "—",
            )
        )
    unit = PLOT_WIDTH // autonomy.MAX_LEVEL
    group_height = len(shown) * (BAR_HEIGHT + BAR_GAP)
    rows = []
    y = TOP
    for domain in autonomy.DOMAINS:
        row = Row(label=domain.label, label_y=y + group_height // 2 + 4)
        for position, levels in enumerate(per_assessment):
            level = levels.get(domain.value)
            if level is None:
                continue
            row.bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y + position * (BAR_HEIGHT + BAR_GAP),
                    width=level * unit,
                    height=BAR_HEIGHT,
                    colour=series[position].colour,
                    level=level,
                    title=_("%(domain)s, %(when)s: livello %(level)s (%(name)s)")
                    % {
                        "domain": domain.label,
                        "when": series[position].label,
                        "level": level,
                        "name": autonomy.LEVEL_NAMES[level],
                    },
                )
            )
        rows.append(row)
        y += group_height + ROW_GAP
    first, last = shown[0], shown[-1]
    if len(shown) == 1:
        title = _("Profilo di autonomia: una valutazione, %(when)s") % {"when": series[0].label}
    else:
        title = _(
            "Profilo di autonomia nel tempo: %(count)s valutazioni, dal %(first)s al %(last)s"
        ) % {
            "count": len(shown),
            "first": date_format(first.taken_on, "SHORT_DATE_FORMAT"),
            "last": date_format(last.taken_on, "SHORT_DATE_FORMAT"),
        }
    description = "; ".join(
        _("%(when)s: media %(average)s su 5") % {"when": s.label, "average": s.average}
        for s in series
    )
    ticks = [
        {"x": LABEL_WIDTH + value * unit, "value": value}
        for value in range(0, autonomy.MAX_LEVEL + 1)
    ]
    return Chart(
        width=LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN,
        height=y,
        plot_left=LABEL_WIDTH,
        plot_bottom=y - ROW_GAP // 2,
        title=title,
        description=description,
        series=series,
        rows=rows,
        ticks=ticks,
    )


def profile_table(assessments: list) -> dict:
    """The same data as a table: one row per domain, one column per assessment."""
    per_assessment = [levels_by_domain(a) for a in assessments]
    return {
        "columns": [assessment_label(a) for a in assessments],
        "rows": [
            {
                "domain": domain.label,
                "levels": [levels.get(domain.value) for levels in per_assessment],
            }
            for domain in autonomy.DOMAINS
        ],
        "averages": [
            number_format(mean, decimal_pos=1) if (mean := average(levels)) is not None else "—"
            for levels in per_assessment
        ],
    }
