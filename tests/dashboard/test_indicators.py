"""Each indicator of the dashboard against the small world of tests/dashboard/dashboard_world.py,
whose households are listed there one by one. The expected values are computed by hand
here, from that list, so that a wrong query cannot agree with itself."""

import datetime

import pytest
from django.utils import translation

from dashboard import indicators
from dashboard.indicators import Dimension, Period
from dashboard.indicators.specs import Figure, Unit
from tests.dashboard import dashboard_world

pytestmark = pytest.mark.django_db

D = datetime.date
HALF_2025 = Period(dashboard_world.PERIOD_START, dashboard_world.PERIOD_END)


def alfa(world, function, period=HALF_2025, **kwargs):
    """The indicator in total for Casa Alfa alone."""
    return function(project_ids=[world.project.pk], period=period, **kwargs)[indicators.TOTAL]


# Households and people ------------------------------------------------------------------


def test_households_served_are_those_with_a_case_open_in_the_period(world):
    # H1 (open), H2 (Feb–May), H7 (from May), H9 (until April), H10 (from January) and
    # H12 (until March); not H3, H4, H13 (closed before), H11 (opened after), B1 (Beta).
    served = ["H1", "H2", "H7", "H9", "H10", "H12"]
    assert alfa(world, indicators.people_served)["households"] == len(served)


def test_people_served_split_into_adults_and_minors_at_the_end_of_the_period(world):
    figures = alfa(world, indicators.people_served)
    # H1 has 3, H2 3, and H7, H9, H10, H12 one each.
    assert figures["people"] == 3 + 3 + 1 + 1 + 1 + 1
    # Minors on 30 June 2025: H1's children born in 2015 and on 1 March 2008 (17). H2's
    # son born on 30 June 2007 turns 18 that very day: an adult.
    assert figures["minors"] == 2
    assert figures["adults"] == 10 - 2


def test_women_with_children_need_an_adult_woman_and_a_minor(world):
    # H1 only: H2 has a woman but its son is 18; H3 closed before the period.
    assert alfa(world, indicators.people_served)["women_with_children"] == 1


# Referrals ----------------------------------------------------------------------------


def test_new_referrals_are_those_sent_in_the_period(world):
    # H2 (10 Jan), H5 (1 Mar), H6 (1 Apr), H7 (1 May); not H1's of 2024, not H8's draft,
    # not the referrals to Casa Beta.
    assert alfa(world, indicators.referrals)["new"] == 4


def test_share_accepted_counts_only_decided_referrals(world):
    report = indicators.report(projects=[world.project], period=HALF_2025)
    figure = report.figure("referrals_accepted")
    # Decided: H2 and H7 accepted, H5 declined; H6 is still being assessed.
    assert figure.value == round(100 * 2 / 3, 1) == 66.7
    assert figure.text == "66,7 %"
    assert figure.detail == "2 su 3"


# Placements ---------------------------------------------------------------------------


def test_out_of_order_placements_are_first_entries_of_the_period_that_skipped_the_list(world):
    # First entries in the period: H2 (15 Feb), H7 (20 Jun), H10 (6 Jan); not H9's move to
    # U1 (a move), not H1 (2024) or H13 (2023). Of them only H7 skipped the list; H13's and
    # Casa Beta's out-of-order placements are outside the period or the project.
    figures = alfa(world, indicators.out_of_order)
    assert (figures["entries"], figures["out_of_order"]) == (3, 1)
    figure = indicators.report(projects=[world.project], period=HALF_2025).figure("out_of_order")
    assert (figure.value, figure.text, figure.detail) == (1, "1", "su 3 ingressi")


def test_out_of_order_placements_by_referring_municipality(world):
    by_municipality = indicators.out_of_order(
        project_ids=[world.project.pk], period=HALF_2025, by=Dimension.MUNICIPALITY
    )
    # H7 was referred by Comune Due; H2 and H10 by Comune Uno.
    comune_uno = world.households["H2"].registered_by_id
    assert by_municipality == {
        comune_uno: {"entries": 2, "out_of_order": 0},
        world.comune_due.pk: {"entries": 1, "out_of_order": 1},
    }


def test_median_days_from_referral_to_placement(world):
    # First entries in the period: H10 waited 17 days (20 Dec → 6 Jan), H2 36 (10 Jan →
    # 15 Feb), H7 50 (1 May → 20 Jun). H9's move to U1 is not an entry.
    figures = alfa(world, indicators.days_to_placement)
    assert figures == {"median": 36.0, "count": 3}


def test_median_days_of_an_even_number_of_entries_is_the_mean_of_the_middle_two(world):
    from_february = Period(D(2025, 2, 1), D(2025, 6, 30))  # H2 (36) and H7 (50)
    assert alfa(world, indicators.days_to_placement, from_february)["median"] == (36 + 50) / 2


def test_occupancy_rate_counts_nights_on_open_units(world):
    figures = alfa(world, indicators.occupancy, today=dashboard_world.AFTER_THE_PERIOD)
    # Nights in the 181 days of the period, end dates being the last night:
    h1 = 3 * 181  # three people all through
    h9 = 31 + 59  # U3 1–31 Jan, then U1 1 Feb–31 Mar
    h2 = 2 * 105  # two people 15 Feb–30 May
    h7 = 11  # 20–30 Jun
    h10 = 15  # 6–20 Jan
    assert figures["occupied"] == h1 + h9 + h2 + h7 + h10 == 869
    # Places: U1 4 + U2 2 + U3 2 (U4 is closed) for 181 days.
    assert figures["available"] == 8 * 181
    report = indicators.report(
        projects=[world.project], period=HALF_2025, today=dashboard_world.AFTER_THE_PERIOD
    )
    assert report.figure("occupancy").value == round(100 * 869 / 1448, 1) == 60.0


def test_occupancy_counts_only_until_today_in_a_period_not_over(world):
    # On 31 January only January has passed: 31 days.
    figures = alfa(world, indicators.occupancy, today=D(2025, 1, 31))
    h1, h9, h10 = 3 * 31, 31, 15
    assert figures == {"occupied": h1 + h9 + h10, "available": 8 * 31, "days": 31}


def test_average_length_of_stay(world):
    # Stays ended in the period (moves excluded): H10 15 nights (6–20 Jan), H2 105 (15 Feb
    # –30 May), H9 295 counted from its first unit (10 Jun 2024 – 31 Mar 2025).
    assert (D(2025, 3, 31) - D(2024, 6, 10)).days + 1 == 295
    figures = alfa(world, indicators.length_of_stay)
    assert figures["count"] == 3
    assert figures["average"] == pytest.approx((15 + 105 + 295) / 3)
    report = indicators.report(projects=[world.project], period=HALF_2025)
    assert report.figure("stay_average").text == "138,3"


def test_median_length_of_stay(world):
    assert alfa(world, indicators.length_of_stay)["median"] == 105.0


def test_exits_by_destination_group(world):
    figures = alfa(world, indicators.exits_by_destination)
    # H2 to an own rented home (stable), H9 to another project (temporary), H10 left
    # without notice (unknown); H9's move from U3 is not an exit.
    # Case exits in the period, on the same list with the same groups: H2 to an own
    # rented home (stable), H9 transferred to another project (temporary), H12 homeless
    # (never placed: a case exit without a placement exit). H3's and H4's were in 2024.
    assert figures == {
        "exits": 3,
        "stable": 1,
        "temporary": 1,
        "institutional": 0,
        "homeless": 0,
        "other": 0,
        "unknown": 1,
        "case_exits": 3,
        "case_stable": 1,
        "case_temporary": 1,
        "case_institutional": 0,
        "case_homeless": 1,
        "case_other": 0,
        "case_unknown": 0,
    }


def test_share_of_exits_to_stable_housing(world):
    report = indicators.report(projects=[world.project], period=HALF_2025)
    assert report.figure("exits_stable_share").value == round(100 * 1 / 3, 1) == 33.3
    assert report.figure("case_exits_stable_share").value == round(100 * 1 / 3, 1) == 33.3


def test_exits_by_destination_per_project_keep_projects_apart(world):
    figures = indicators.exits_by_destination(
        project_ids=[world.project.pk, world.other_project.pk],
        period=HALF_2025,
        by=Dimension.PROJECT,
    )
    alfa_figures, beta_figures = figures[world.project.pk], figures[world.other_project.pk]
    assert (alfa_figures["exits"], alfa_figures["case_exits"]) == (3, 3)
    # Casa Beta: B1 left UB for public housing (stable); its case is still open.
    assert (beta_figures["exits"], beta_figures["stable"]) == (1, 1)
    assert beta_figures["case_exits"] == 0


def test_share_still_housed_at_the_six_month_follow_up(world):
    figures = alfa(world, indicators.follow_ups)
    # Done in the period at 6 months: H3 housed, H4 unreachable (counts as not confirmed).
    assert (figures["housed_6"], figures["done_6"]) == (1, 2)
    report = indicators.report(projects=[world.project], period=HALF_2025)
    assert report.figure("housed_6").value == 50.0


def test_share_still_housed_at_the_twelve_month_follow_up(world):
    figures = alfa(world, indicators.follow_ups)
    # H4's, on 30 June: no longer housed. H3's 12-month one is not done yet.
    assert (figures["housed_12"], figures["done_12"]) == (0, 1)
    report = indicators.report(projects=[world.project], period=HALF_2025)
    assert report.figure("housed_12").text == "0,0 %"


def test_returns_within_twelve_months_of_an_exit(world):
    figures = alfa(world, indicators.returns)
    # Case exits in the period: H2 (referred again 93 days later: a return), H12 (382
    # days later: not). H9's exit was a transfer to another project: not counted.
    assert (D(2025, 9, 1) - D(2025, 5, 31)).days == 93
    assert (D(2026, 4, 1) - D(2025, 3, 15)).days == 382
    assert figures == {"exits": 2, "returned": 1}


def test_goals_achieved(world):
    figures = alfa(world, indicators.goals)
    # Concluded from 1 Jan to 30 Jun: achieved on 1 Jan, 1 Mar and 30 Jun, partly on
    # 1 Apr, abandoned on 1 May. Not those of 31 Dec 2024 and 1 Jul, nor Beta's.
    assert (figures["achieved"], figures["concluded"]) == (3, 5)
    report = indicators.report(projects=[world.project], period=HALF_2025)
    assert report.figure("goals_achieved").value == 60.0


def test_change_in_autonomy_from_entry_to_exit(world):
    figures = alfa(world, indicators.autonomy_change)
    # H2: entry all 2 (2.0), exit eight domains at 3 and two at 4 (3.2): +1.2.
    # H9: entry all 3 (3.0), exit nine at 2 and one at 5 (2.3): −0.7.
    # H12 has no entry assessment; H3's exit was in 2024.
    h2 = (8 * 3 + 2 * 4) / 10 - 2.0
    h9 = (9 * 2 + 5) / 10 - 3.0
    assert figures["count"] == 2
    assert figures["average"] == pytest.approx((h2 + h9) / 2)
    report = indicators.report(projects=[world.project], period=HALF_2025)
    assert report.figure("autonomy_change").text == "+0,25"


def test_monthly_trends(world):
    months = indicators.monthly(project_ids=[world.project.pk], period=HALF_2025)
    assert [m["month"] for m in months] == [D(2025, m, 1) for m in range(1, 7)]
    # Referrals: H2 Jan, H5 Mar, H6 Apr, H7 May. Entries: H10 Jan, H2 Feb, H7 Jun.
    # Exits: H10 Jan, H9 Mar, H2 May.
    assert [m["referrals"] for m in months] == [1, 0, 1, 1, 1, 0]
    assert [m["entries"] for m in months] == [1, 1, 0, 0, 0, 1]
    assert [m["exits"] for m in months] == [1, 0, 1, 0, 1, 0]


# Splits: per project, per municipality, per district -----------------------------------


def test_per_project_figures_keep_projects_apart(world):
    both = [world.project.pk, world.other_project.pk]
    people = indicators.people_served(project_ids=both, period=HALF_2025, by=Dimension.PROJECT)
    assert people[world.project.pk]["households"] == 6
    # Casa Beta: one woman with a daughter.
    assert people[world.other_project.pk] == {
        "households": 1,
        "people": 2,
        "adults": 1,
        "minors": 1,
        "women_with_children": 1,
    }


def test_per_municipality_figures_follow_the_referring_municipality(world):
    sent = indicators.referrals(
        project_ids=[world.project.pk], period=HALF_2025, by=Dimension.MUNICIPALITY
    )
    # H2, H5, H6 from Comune Uno; H7 from Comune Due.
    comune_uno = world.households["H2"].registered_by_id
    assert sent == {
        comune_uno: {"new": 3, "accepted": 1, "declined": 1},
        world.comune_due.pk: {"new": 1, "accepted": 1, "declined": 0},
    }


def test_per_district_figures_follow_the_municipality_into_its_district(world):
    sent = indicators.referrals(
        project_ids=[world.project.pk], period=HALF_2025, by=Dimension.DISTRICT
    )
    # Comune Due belongs to Ambito Uno; Comune Uno to no district.
    assert sent[world.ambito.pk]["new"] == 1
    assert sent[None]["new"] == 3


def test_occupancy_is_not_split_by_municipality(world):
    report = indicators.report(
        projects=[world.project], period=HALF_2025, by=Dimension.MUNICIPALITY
    )
    assert {g.label for g in report.groups} == {"Comune Uno", "Comune Due", "Senza comune inviante"}
    assert all(
        f.value is None for f in next(r for r in report.rows if r.spec.key == "occupancy").figures
    )


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(D(2025, 6, 30), D(2025, 1, 1))


def test_every_indicator_has_a_definition():
    keys = [spec.key for spec in indicators.SPECS]
    assert len(keys) == len(set(keys))
    for spec in indicators.SPECS:
        assert len(str(spec.definition)) > 20, spec.key


def test_a_referral_counts_on_its_day_in_the_networks_time_zone(world):
    from django.utils import timezone

    from tests.factories import ReferralFactory

    # Half past midnight on 1 July in Italy is still 30 June in UTC: July, not June.
    first_of_july = timezone.make_aware(datetime.datetime(2025, 7, 1, 0, 30))
    ReferralFactory(household=world.households["H1"], project=world.project, sent_at=first_of_july)
    assert alfa(world, indicators.referrals)["new"] == 4
    july = Period(D(2025, 7, 1), D(2025, 7, 31))
    assert alfa(world, indicators.referrals, july)["new"] == 1
    (month,) = indicators.monthly(project_ids=[world.project.pk], period=july)
    assert month["referrals"] == 1


# How figures read ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "text"),
    [
        ("it", 12.0, "12"),
        ("it", 12.5, "12,5"),
        ("it", 1234.0, "1.234"),
        ("en", 12.0, "12"),
        ("en", 1234.5, "1,234.5"),
    ],
)
def test_durations_show_no_spurious_zero_decimal(language, value, text):
    with translation.override(language):
        assert Figure(value, Unit.DAYS).text == text
