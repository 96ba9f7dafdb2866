"""The Housing First and ETHOS Light figures against the world of
tests/dashboard/reporting_world.py, counted by hand from its list of households."""

import pytest
from django.utils import translation

from dashboard.indicators import TOTAL, Dimension, ethos, housing_first, reporting
from dashboard.indicators.housing_first import Split
from tests.dashboard import reporting_world
from tests.dashboard.reporting_world import PERIOD, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project_alfa, project_beta, coop_alfa, coop_beta, comune_uno):
    return reporting_world.build(
        project_alfa=project_alfa,
        project_beta=project_beta,
        coop_alfa=coop_alfa,
        coop_beta=coop_beta,
        comune_uno=comune_uno,
    )


def alfa(world, function, **kwargs):
    return function(project_ids=[world.alfa.pk], period=PERIOD, today=TODAY, **kwargs)[TOTAL]


def both(world, function, by):
    return function(project_ids=[world.alfa.pk, world.beta.pk], period=PERIOD, today=TODAY, by=by)


def test_time_to_housing_is_the_median_wait_of_first_entries(world):
    # A1 10 days, A2 30, A3 30, A4 30; A2's move is no entry, A5 entered before.
    figures = alfa(world, housing_first.time_to_housing)
    assert figures == {"median": 30, "count": 4}


def test_retention_counts_stays_still_housed_or_gone_to_a_stable_home(world):
    figures = alfa(world, housing_first.retention)
    # 6 months: A1, A2, A3 (A4 too recent, A5 began before); A1 still in, A2 lasted 184.
    assert (figures["cohort_6"], figures["retained_6"]) == (3, 2)
    # 12 months: entered by 2025-01-01, the same three; A2 left before, to its own home.
    assert (figures["cohort_12"], figures["retained_12"]) == (3, 2)


def test_people_housed_six_months_follow_the_stay_through_moves(world):
    figures = alfa(world, housing_first.housed_six_months)
    # In a stay in the period: A1 (2), A2 (1), A3 (1), A4 (3), A5 (1).
    assert figures["people"] == 8
    assert figures["households"] == 5
    # >= 182 nights: A1's two, A2 (184 across two units), A5 (244); not A3 (61), A4 (92).
    assert figures["people_six_months"] == 4


def test_stable_exits_end_the_stay_not_the_move(world):
    # Stays ended in the period: A2 (own home), A3 (street), A5 (public housing).
    assert alfa(world, housing_first.stable_exits) == {"ended": 3, "stable": 2}


def test_returns_are_new_referrals_within_a_year(world):
    # Case exits: A2, A3, A5; A3 was referred again 182 days later.
    assert alfa(world, housing_first.hf_returns) == {"exits": 3, "returned": 1}


def test_per_project_and_per_ambito_of_the_project(world):
    per_project = both(world, housing_first.time_to_housing, Split.PROJECT)
    assert per_project[world.alfa.pk] == {"median": 30, "count": 4}
    assert per_project[world.beta.pk] == {"median": 20, "count": 1}
    # Casa Alfa serves Comune Uno, a member of Ambito Uno; Casa Beta serves no district.
    per_ambito = both(world, housing_first.retention, Split.AMBITO)
    assert per_ambito[world.ambito.pk]["cohort_6"] == 3
    assert per_ambito[None] == {
        "cohort_6": 1,
        "retained_6": 1,
        "cohort_12": 1,
        "retained_12": 1,
    }
    assert housing_first.ambiti_of([world.alfa.pk, world.beta.pk]) == {
        world.alfa.pk: world.ambito.pk,
        world.beta.pk: None,
    }


def test_a_district_served_directly_is_the_projects_ambito(world):
    world.beta.area_served.add(world.ambito)
    per_ambito = both(world, housing_first.stable_exits, Split.AMBITO)
    assert list(per_ambito) == [world.ambito.pk]


def test_ethos_cross_table_from_entry_to_exit(world):
    table = ethos.ethos_cross_table(project_ids=[world.alfa.pk], period=PERIOD)
    # A2 from 1 to 0, A3 from 3 to 1, A5 from not recorded to 0.
    assert table.counts == {("1", "0"): 1, ("3", "1"): 1, ("", "0"): 1}
    assert table.total == 3
    rows = {row["value"]: row for row in table.rows()}
    assert rows["1"]["total"] == 1
    assert sum(table.column_totals()) == 3


def test_ethos_cross_table_from_entry_to_follow_up(world):
    table = ethos.ethos_cross_table(
        project_ids=[world.alfa.pk], period=PERIOD, moment=ethos.FOLLOW_UP
    )
    assert table.counts == {("1", "0"): 1, ("", "0"): 1}


def test_ethos_change_counts_improved_same_and_worse(world):
    figures = ethos.ethos_change(project_ids=[world.alfa.pk], period=PERIOD)[TOTAL]
    assert figures["moments"] == 3
    assert figures["recorded"] == 2  # not A5, whose entry was not recorded
    assert (figures["improved"], figures["same"], figures["worse"]) == (1, 0, 1)
    assert figures["housed"] == 1
    assert (figures["fu_moments"], figures["fu_recorded"], figures["fu_improved"]) == (2, 1, 1)


def test_ethos_change_follows_the_dashboards_dimensions_too(world):
    # Every Alfa household was referred by Comune Uno, a member of Ambito Uno.
    per_district = ethos.ethos_change(
        project_ids=[world.alfa.pk], period=PERIOD, by=Dimension.DISTRICT
    )
    assert per_district[world.ambito.pk]["recorded"] == 2


def test_the_report_shows_each_figure_with_its_definition(world):
    with translation.override("it"):
        report = reporting.reporting_report(
            projects=[world.alfa, world.beta], period=PERIOD, by=Split.PROJECT, today=TODAY
        )
    retention = report.figure("hf_retention_6", world.alfa.pk)
    assert retention.value == 66.7
    assert report.figure("hf_stable_exits", world.alfa.pk).value == 66.7
    assert report.figure("hf_people_six_months", world.alfa.pk).value == 4
    assert report.figure("ethos_improved", world.alfa.pk).value == 50.0
    assert report.figure("ethos_improved", world.beta.pk).value is None
    assert all(str(row.spec.definition) for row in report.rows)
