"""The indicators of the coordinators' dashboard, computed by the database, in four
sections: the period and the grouping (period), the aggregate queries (queries), what
the page shows and how each figure is defined (specs), and the report that puts them
together (report)."""

from dashboard.indicators.period import (  # noqa: F401
    CASE,
    DIMENSION_LABELS,
    ONE_DAY,
    PLACES,
    REFERRAL,
    TERRITORY_KINDS,
    TOTAL,
    UNITS,
    VIA_CASE,
    VIA_PLAN,
    Dimension,
    NotApplicable,
    Period,
)
from dashboard.indicators.queries import (  # noqa: F401
    ADULT_AGE,
    RETURN_WINDOW_DAYS,
    DaysBetween,
    DestinationGroup,
    PercentileCont,
    _median,
    autonomy_change,
    days_to_placement,
    exits_by_destination,
    follow_ups,
    goals,
    length_of_stay,
    monthly,
    occupancy,
    out_of_order,
    people_served,
    referrals,
    returns,
)
from dashboard.indicators.report import (  # noqa: F401
    Group,
    Report,
    Row,
    compute,
    report,
)
from dashboard.indicators.specs import (  # noqa: F401
    INDICATORS,
    NOT_APPLICABLE,
    ON_CASES,
    ON_ENTRIES,
    ON_EXITS,
    SPECS,
    Figure,
    Spec,
    Unit,
    share,
)
