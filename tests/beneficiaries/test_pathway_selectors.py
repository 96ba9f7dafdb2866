"""Reads of the support pathway: who reads what, and what "La mia giornata" lists."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries import autonomy, autonomy_chart
from beneficiaries.models import Document, FollowUp
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import pathway as pathway_selectors
from core.access import access_for
from dashboard.selectors import my_day as my_day_selectors
from tests.factories import (
    ActionFactory,
    AutonomyAssessmentFactory,
    CaseAssignmentFactory,
    CaseFactory,
    CaseNoteFactory,
    HousingUnitFactory,
    ReviewFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


days = datetime.timedelta


def test_referrer_reads_nothing_of_the_pathway(marco, case_alfa):
    """Even handed the case directly, the referrer's scope gives nothing of it."""
    CaseNoteFactory(case=case_alfa, is_confidential=True)
    ActionFactory(goal__plan__case=case_alfa, due_on=datetime.date(2026, 3, 1))
    assert not cases_selectors.casework_cases(user=marco).exists()
    assert not pathway_selectors.diary_of(user=marco, case=case_alfa).exists()
    assert my_day_selectors.my_day(user=marco)["overdue_actions"]["rows"] == []


def test_casework_cases(alice, dave, carla, bruno, case_alfa):
    assert list(cases_selectors.casework_cases(user=alice)) == [case_alfa]
    assert list(cases_selectors.casework_cases(user=dave)) == [case_alfa]
    assert list(cases_selectors.casework_cases(user=carla)) == [case_alfa]
    assert not cases_selectors.casework_cases(user=bruno).exists()


def test_confidential_notes_only_for_the_authors_organisation(alice, bruno, case_alfa, coop_beta):
    CaseAssignmentFactory(case=case_alfa, worker=bruno)
    mine = CaseNoteFactory(case=case_alfa, is_confidential=True)
    theirs = CaseNoteFactory(case=case_alfa, is_confidential=True, author_organisation=coop_beta)
    open_note = CaseNoteFactory(case=case_alfa)
    assert set(pathway_selectors.diary_of(user=alice, case=case_alfa)) == {mine, open_note}
    assert set(pathway_selectors.diary_of(user=bruno, case=case_alfa)) == {theirs, open_note}


def test_can_close(alice, dave, carla, case_alfa):
    assert access_for(alice).may_close(case_alfa)
    assert access_for(carla).may_close(case_alfa)
    assert not access_for(dave).may_close(case_alfa)


# La mia giornata ----------------------------------------------------------------------


def test_my_day_boxes(alice, case_alfa, project_alfa, coop_alfa, today):
    plan = SupportPlanFactory(case=case_alfa, agreed_on=today - days(100))
    late = ActionFactory(goal__plan=plan, due_on=today - days(1))
    ActionFactory(goal__plan=plan, due_on=today + days(5))  # not yet due
    ActionFactory(goal__plan=plan, due_on=today - days(9), status="done", done_on=today)
    this_week = ReviewFactory(plan=plan, scheduled_on=today + days(6))
    ReviewFactory(plan=plan, scheduled_on=today + days(20))  # not this week
    expiring = Document.objects.create(
        case=case_alfa,
        kind="residence_permit",
        file="x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        expires_on=today + days(29),
    )
    Document.objects.create(
        case=case_alfa,
        kind="isee",
        file="y.pdf",
        original_name="y.pdf",
        content_type="application/pdf",
        size=1,
        expires_on=today + days(60),
    )
    closed = CaseFactory(project=project_alfa, holding_organisation=coop_alfa, closed_on=today)
    CaseAssignmentFactory(case=closed, worker=alice)
    due = FollowUp.objects.create(case=closed, months_after_exit=3, due_on=today)
    FollowUp.objects.create(case=closed, months_after_exit=6, due_on=today + days(90))
    unit = HousingUnitFactory(project=project_alfa)
    from housing.models import Placement

    ending = Placement.objects.create(
        household=case_alfa.household,
        case=case_alfa,
        unit=unit,
        start_date=today - days(300),
        planned_end_date=today + days(10),
    )

    day = my_day_selectors.my_day(user=alice, today=today)

    assert day["overdue_actions"]["rows"] == [late]
    assert day["overdue_actions"]["rows"][0].household_name == "Fatima El Amrani"
    assert day["reviews_due"]["rows"] == [this_week]
    assert day["documents_expiring"]["rows"] == [expiring]
    assert day["follow_ups_due"]["rows"] == [due]
    assert day["placements_ending"]["rows"] == [ending]


def test_my_day_no_contact_counts_group_activities(
    alice, case_alfa, project_alfa, coop_alfa, today
):
    case_alfa.opened_on = today - days(200)
    case_alfa.save()
    CaseNoteFactory(case=case_alfa, happened_on=today - days(40))
    [row] = my_day_selectors.my_day(user=alice, today=today)["no_contact"]["rows"]
    assert row == case_alfa and row.last_contact == today - days(40)
    # A group activity written in another case's diary is a contact too.
    other = CaseFactory(project=project_alfa, holding_organisation=coop_alfa)
    CaseNoteFactory(
        case=other,
        kind="group_activity",
        happened_on=today - days(3),
        households=[case_alfa.household],
    )
    assert my_day_selectors.my_day(user=alice, today=today)["no_contact"]["rows"] == []


def test_new_case_is_not_flagged_before_30_days(alice, case_alfa, today):
    case_alfa.opened_on = today - days(10)
    case_alfa.save()
    assert my_day_selectors.my_day(user=alice, today=today)["no_contact"]["rows"] == []
    case_alfa.opened_on = today - days(31)
    case_alfa.save()
    [row] = my_day_selectors.my_day(user=alice, today=today)["no_contact"]["rows"]
    assert row.last_contact is None


def test_my_day_of_a_social_worker_is_her_own_caseload(dave, case_alfa, today):
    """dave's organisation holds the case, but it is not his: it is not in his day."""
    ActionFactory(goal__plan__case=case_alfa, due_on=today - days(1))
    assert my_day_selectors.my_day(user=dave, today=today)["overdue_actions"]["rows"] == []


def test_my_day_of_a_coordinator_covers_the_cases_she_follows(carla, case_alfa, today):
    action = ActionFactory(goal__plan__case=case_alfa, due_on=today - days(1))
    assert my_day_selectors.my_day(user=carla, today=today)["overdue_actions"]["rows"] == [action]


def test_my_day_boxes_are_capped(alice, case_alfa, today):
    plan = SupportPlanFactory(case=case_alfa, agreed_on=today - days(100))
    for _n in range(my_day_selectors.MY_DAY_ROWS + 2):
        ActionFactory(goal__plan=plan, due_on=today - days(1))
    box = my_day_selectors.my_day(user=alice, today=today)["overdue_actions"]
    assert len(box["rows"]) == my_day_selectors.MY_DAY_ROWS and box["more"]


# The scale and its chart ------------------------------------------------------------


def test_the_scale_has_ten_domains_of_five_described_levels():
    assert len(autonomy.DOMAINS) == 10
    for domain in autonomy.DOMAINS:
        descriptions = [str(level.description) for level in autonomy.levels(domain.value)]
        assert len(descriptions) == 5
        assert len(set(descriptions)) == 5, f"{domain}: every level says something different"
        assert all(len(text) > 20 for text in descriptions)


def test_chart_shows_entry_and_latest_when_too_many(case_alfa):
    assessments = [
        AutonomyAssessmentFactory(
            case=case_alfa,
            moment="entry" if n == 0 else "review",
            taken_on=datetime.date(2026, 1 + n, 20),
            levels={"work": 1 + n % 5},
        )
        for n in range(8)
    ]
    chart = autonomy_chart.profile_chart(assessments)
    assert len(chart.series) == autonomy_chart.MAX_SERIES
    assert chart.series[0].label.startswith("Ingresso")
    assert chart.series[-1].label.endswith("20/08/2026")
    table = autonomy_chart.profile_table(assessments)
    assert len(table["columns"]) == 8, "the table keeps every assessment"
    work = next(row for row in table["rows"] if row["domain"] == "Lavoro e formazione")
    assert work["levels"] == [1, 2, 3, 4, 5, 1, 2, 3]
