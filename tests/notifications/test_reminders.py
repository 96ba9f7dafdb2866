"""The daily reminders scan: each user hears, once a day, about what their own
"La mia giornata" shows, and nothing of other people's cases."""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.scheduling import daily_jobs
from tests.factories import ActionFactory, ConsentFactory, GoalFactory, SupportPlanFactory


def overdue_actions(case, n):
    goal = GoalFactory(plan=SupportPlanFactory(case=case))
    for _ in range(n):
        ActionFactory(goal=goal, due_on=timezone.localdate() - datetime.timedelta(days=2))


def reminded():
    return sorted(
        Notification.objects.filter(kind=Kind.ACTION_OVERDUE).values_list(
            "recipient__username", "count"
        )
    )


def test_each_user_hears_of_their_own_cases_once_a_day(
    case_alfa, household_beta, alice, carla, dave, marco, bruno
):
    overdue_actions(case_alfa, 2)
    overdue_actions(household_beta.cases.get(), 1)
    call_command("scan_reminders", stdout=None)
    call_command("scan_reminders", stdout=None)
    # alice is assigned, carla coordinates Casa Alfa, bruno has Beta's case; dave
    # (not assigned) and marco (a referrer) see none of them on their page.
    assert reminded() == [("alice", 2), ("bruno", 1), ("carla", 2)]
    note = Notification.objects.get(recipient=alice)
    assert note.link == reverse("home")
    assert note.key == f"{Kind.ACTION_OVERDUE}:{timezone.localdate().isoformat()}"


def test_nothing_due_tells_nobody(case_alfa, alice, carla, bruno):
    call_command("scan_reminders", stdout=None)
    assert Notification.objects.count() == 0


def test_the_scan_is_a_daily_job():
    assert "scan_reminders" in {job.command for job in daily_jobs()}


# Issue 15: maximum stay reached, consent lapsing ---------------------------------------


def _reminded(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", "count")
    )


def test_a_maximum_stay_reached_reaches_who_sees_the_case(
    case_alfa, household_beta, alice, carla, dave, marco, bruno, project_alfa
):
    from housing.models import Placement
    from tests.factories import HousingUnitFactory

    project_alfa.max_stay_months = 6
    project_alfa.save()
    start = add_months(timezone.localdate(), -6)
    Placement.objects.create(
        household=case_alfa.household,
        case=case_alfa,
        unit=HousingUnitFactory(project=project_alfa),
        start_date=start,
    )
    # A placement still far from its maximum stay tells nobody.
    beta_case = household_beta.cases.get()
    Placement.objects.create(
        household=household_beta,
        case=beta_case,
        unit=HousingUnitFactory(project=beta_case.project),
        start_date=timezone.localdate() - datetime.timedelta(days=10),
    )
    call_command("scan_reminders", stdout=None)
    assert _reminded(Kind.MAX_STAY_REACHED) == [("alice", 1), ("carla", 1)]


def test_a_consent_lapsing_reaches_who_sees_the_household(
    case_alfa, household_beta, alice, carla, dave, marco, bruno
):
    today = timezone.localdate()
    case_alfa.household.consents.update(expires_on=today + datetime.timedelta(days=5))
    # Beta's consent lapses far away; a replaced consent tells nobody either.
    household_beta.consents.update(expires_on=today + datetime.timedelta(days=200))
    call_command("scan_reminders", stdout=None)
    assert _reminded(Kind.CONSENT_LAPSING) == [("alice", 1), ("carla", 1)]
    Notification.objects.all().delete()
    ConsentFactory(household=case_alfa.household, organisations=[case_alfa.holding_organisation])
    call_command("scan_reminders", stdout=None)
    assert _reminded(Kind.CONSENT_LAPSING) == []
