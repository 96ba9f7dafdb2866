"""A coordinator's "La mia giornata" sums their projects (issue 12, item 7): per project
and kind, how many things are late and how many fall due, counted by the database,
each number leading to the boxes of that project where they are solved.

The hand-counted world of Casa Alfa (coordinated by carla), TODAY being today:

- case A (open), household HA: actions due -5 and -1 (late), +3 (due), +30 (too far),
  a late one already done; reviews -2 (late), +14 (due, the last day), +15 (too far),
  a late one held; a placement whose planned end was yesterday (late); ISEE expired 10
  days ago (late); a member's permit expiring in 59 days (due) and another's in 61 (too
  far); the case-management consent expiring in 7 days (due).
- case B (open), household HB: an action due today (due); a placement ending in 30
  days (due, the last day) that started 12 months ago: the project's maximum stay (12
  months) is reached today (late); ISEE expiring in 30 days (due); a permit expired
  yesterday (late); the consent withdrawn 3 days ago (late).
- case C (closed), household HC: follow-ups due -20 (late), +10 (due), +100 (too far);
  a late open action and an expired ISEE, not counted (closed case). Another closed
  case's follow-up was due 8 days ago and is done.
- case D (open), household HD: two placements (two units) whose maximum stay is
  reached in 10 days (due) and in 20 (too far).

So Casa Alfa: actions 2 late / 2 due; reviews 1/1; follow-ups 1/1; placements ending
1/1; maximum stays 1/1; ISEE 1/1; permits 1/1; consents 1/1.

Outside it: a case of Casa Beta held by Alfa (carla follows it, but does not coordinate
Casa Beta), with a late action; Beta's own coordinator sees Casa Beta only.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Action, FollowUp
from core.access import access_for
from core.dates import add_months
from dashboard.models import FigureSnapshot
from dashboard.selectors import my_day as my_day_selectors
from housing.models import Placement
from partners.models import StaffMembership
from tests.a11y import accessibility_problems
from tests.factories import (
    ActionFactory,
    CaseFactory,
    GoalFactory,
    HousingUnitFactory,
    PersonFactory,
    ReviewFactory,
    StaffMembershipFactory,
    SupportPlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
KINDS = [kind.key for kind in my_day_selectors.SUM_KINDS]
ALFA_SUMS = dict.fromkeys(KINDS, (1, 1)) | {"actions": (2, 2)}


def days(n):
    return TODAY + datetime.timedelta(days=n)


def _goal(case):
    return GoalFactory(plan=SupportPlanFactory(case=case))


def _case(project, organisation, **fields):
    case = CaseFactory(project=project, holding_organisation=organisation, **fields)
    PersonFactory(household=case.household)
    return case


def _placement(case, project, start, planned_end=None):
    return Placement.objects.create(
        household=case.household,
        case=case,
        unit=HousingUnitFactory(project=project),
        start_date=start,
        planned_end_date=planned_end,
    )


@pytest.fixture
def world(project_alfa, project_beta, coop_alfa):
    project_alfa.max_stay_months = 12
    project_alfa.save()

    a = _case(project_alfa, coop_alfa)
    goal = _goal(a)
    for due in (-5, -1, 3, 30):
        ActionFactory(goal=goal, due_on=days(due))
    ActionFactory(goal=goal, due_on=days(-3), status=Action.Status.DONE, done_on=days(-4))
    for scheduled in (-2, 14, 15):
        ReviewFactory(plan=goal.plan, scheduled_on=days(scheduled))
    ReviewFactory(plan=goal.plan, scheduled_on=days(-4), held_on=days(-4), outcome="Bene.")
    _placement(a, project_alfa, days(-100), planned_end=days(-1))
    a.household.isee_expires_on = days(-10)
    a.household.save()
    for expires in (59, 61):
        PersonFactory(
            household=a.household,
            relationship="partner",
            residence_permit_kind="work",
            residence_permit_expires_on=days(expires),
        )
    a.household.consents.update(expires_on=days(7))

    b = _case(project_alfa, coop_alfa)
    ActionFactory(goal=_goal(b), due_on=TODAY)
    _placement(b, project_alfa, add_months(TODAY, -12), planned_end=days(30))
    b.household.isee_expires_on = days(30)
    b.household.save()
    PersonFactory(
        household=b.household,
        relationship="partner",
        residence_permit_kind="work",
        residence_permit_expires_on=days(-1),
    )
    b.household.consents.update(withdrawn_on=days(-3))

    c = _case(project_alfa, coop_alfa, closed_on=days(-200))
    for months, due in ((3, -20), (6, 10), (12, 100)):
        FollowUp.objects.create(case=c, months_after_exit=months, due_on=days(due))
    c_done = _case(project_alfa, coop_alfa, closed_on=days(-100))
    FollowUp.objects.create(
        case=c_done, months_after_exit=3, due_on=days(-8), done_on=days(-9), still_housed="yes"
    )
    ActionFactory(goal=_goal(c), due_on=days(-300))
    c.household.isee_expires_on = days(-5)
    c.household.save()

    d = _case(project_alfa, coop_alfa)
    _placement(d, project_alfa, add_months(days(10), -12))
    _placement(d, project_alfa, add_months(days(20), -12))

    elsewhere = _case(project_beta, coop_alfa)
    ActionFactory(goal=_goal(elsewhere), description="Azione di Casa Beta", due_on=days(-2))
    return {"a": a, "b": b, "c": c, "d": d, "elsewhere": elsewhere}


def _sums(row):
    return {cell["kind"].key: (cell["late"], cell["due"]) for cell in row["cells"]}


def test_the_sums_of_casa_alfa_are_the_hand_count(carla, world, project_alfa):
    (row,) = my_day_selectors.project_sums(user=carla, today=TODAY)
    assert row["project"] == project_alfa
    assert _sums(row) == ALFA_SUMS


def test_each_sum_is_what_the_projects_boxes_list(carla, world, project_alfa):
    day = my_day_selectors.my_day(user=carla, today=TODAY, project=project_alfa)
    boxes = {
        "reviews": "reviews_due",
        "follow_ups": "follow_ups_due",
        "placements": "placements_ending",
        "max_stays": "max_stays",
        "isee": "isee_expiring",
        "permits": "permits_expiring",
        "consents": "consents",
    }
    for kind, box in boxes.items():
        assert len(day[box]["rows"]) == sum(ALFA_SUMS[kind]), kind
    assert len(day["overdue_actions"]["rows"]) == ALFA_SUMS["actions"][0]
    assert len(day["actions_due"]["rows"]) == ALFA_SUMS["actions"][1]


def test_the_boxes_of_one_project_leave_the_others_out(carla, world, project_alfa):
    everything = my_day_selectors.my_day(user=carla, today=TODAY)
    assert "Azione di Casa Beta" in [a.description for a in everything["overdue_actions"]["rows"]]
    only_alfa = my_day_selectors.my_day(user=carla, today=TODAY, project=project_alfa)
    assert "Azione di Casa Beta" not in [
        a.description for a in only_alfa["overdue_actions"]["rows"]
    ]


def test_a_sum_grows_with_its_rows(carla, world, project_alfa):
    ActionFactory(goal=_goal(world["d"]), due_on=days(-7))
    (row,) = my_day_selectors.project_sums(user=carla, today=TODAY)
    assert _sums(row)["actions"] == (3, 2)


def test_the_coordinator_of_another_project_sees_none_of_it(coop_beta, project_beta, world):
    beata = UserFactory(username="beata")
    StaffMembershipFactory(
        user=beata, organisation=coop_beta, role=StaffMembership.Role.COORDINATOR
    )
    (row,) = my_day_selectors.project_sums(user=beata, today=TODAY)
    # Casa Beta's one late action (of the case Alfa holds there) and nothing of Casa Alfa.
    assert row["project"] == project_beta
    assert _sums(row) == dict.fromkeys(KINDS, (0, 0)) | {"actions": (1, 0)}


def test_a_social_worker_has_no_sums(alice, world):
    assert my_day_selectors.project_sums(user=alice, today=TODAY) == []
    assert my_day_selectors.my_day(user=alice, today=TODAY)["by_project"] is None


def test_a_constant_number_of_queries(
    carla, world, project_alfa, coop_alfa, django_assert_num_queries
):
    assert access_for(carla).coordinated_projects  # the access object, once per request
    # One aggregate per kind (8), the maximum stays in use, the projects.
    with django_assert_num_queries(10):
        my_day_selectors.project_sums(user=carla, today=TODAY)
    for _n in range(3):
        more = _case(project_alfa, coop_alfa)
        ActionFactory(goal=_goal(more), due_on=days(-1))
        _placement(more, project_alfa, days(-30), planned_end=days(5))
    with django_assert_num_queries(10):
        (row,) = my_day_selectors.project_sums(user=carla, today=TODAY)
    assert _sums(row)["actions"] == (5, 2) and _sums(row)["placements"] == (1, 4)


@pytest.mark.parametrize(
    ("until", "months", "last_start"),
    [
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 2, 28), 1, datetime.date(2026, 1, 31)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 2), 12, datetime.date(2025, 12, 2)),
    ],
)
def test_the_last_start_reaching_a_maximum_stay(until, months, last_start):
    assert my_day_selectors.last_start_reaching(until, months) == last_start
    assert add_months(last_start, months) <= until
    assert add_months(last_start + datetime.timedelta(days=1), months) > until


def test_the_home_page_links_each_sum_to_the_projects_boxes(client_for, carla, world, project_alfa):
    client = client_for(carla)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-day-project-casa-alfa"' in html
    home = reverse("home")
    for anchor in ("my-day-actions", "my-day-actions-due", "my-day-consents", "my-day-max-stays"):
        assert f'href="{home}?progetto=casa-alfa#{anchor}"' in html, anchor
    assert "2 in ritardo" in html and "1 in scadenza" in html
    narrowed = client.get(home, {"progetto": "casa-alfa"}).content.decode()
    assert 'data-testid="my-day-project"' in narrowed
    assert "Azione di Casa Beta" in html and "Azione di Casa Beta" not in narrowed


def test_a_project_the_user_does_not_coordinate_is_a_404(
    client_for, carla, alice, world, project_beta
):
    assert (
        client_for(carla).get(reverse("home"), {"progetto": project_beta.slug}).status_code == 404
    )
    assert client_for(alice).get(reverse("home"), {"progetto": "casa-alfa"}).status_code == 404


def test_the_sums_speak_english_too(client_for, carla, world):
    html = client_for(carla).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your projects: late and falling due" in html
    assert "2 late" in html and "1 falling due" in html


# The sums are read from a snapshot (dashboard/figures.py), as the dashboards' figures are.


def test_the_home_page_reads_the_sums_from_their_snapshot_and_recomputes_them_on_request(
    client_for, carla, world, project_alfa
):
    client = client_for(carla)
    home = reverse("home")

    def late_actions(html):
        cell = html.split('data-testid="my-day-project-casa-alfa"')[1].split(
            'data-testid="sum-actions"'
        )[1]
        return cell.split('data-testid="late"')[1].split("</")[0]

    html = client.get(home).content.decode()
    assert late_actions(html).endswith("2 in ritardo")
    assert "Cifre calcolate il" in html and "Ricalcola ora" in html
    snapshot = FigureSnapshot.objects.get(kind="my_day_sums")
    assert snapshot.params == my_day_selectors.sum_params(user=carla, today=TODAY)
    # A new late action: the boxes see it at once, the sums when computed again.
    ActionFactory(goal=_goal(world["d"]), due_on=days(-7))
    html = client.get(home).content.decode()
    assert late_actions(html).endswith("2 in ritardo")
    response = client.post(home)
    assert response.status_code == 302 and response["Location"] == home
    html = client.get(home).content.decode()
    assert late_actions(html).endswith("3 in ritardo")
    assert "Cifre ricalcolate ora." in html
    assert accessibility_problems(html) == []


def test_a_stored_sum_never_shows_a_project_the_user_no_longer_coordinates(
    client_for, carla, world, project_alfa
):
    client = client_for(carla)
    assert 'data-testid="my-day-project-casa-alfa"' in client.get(reverse("home")).content.decode()
    carla.staff_memberships.filter(role=StaffMembership.Role.COORDINATOR).update(is_active=False)
    StaffMembershipFactory(user=carla, organisation=carla.staff_memberships.first().organisation,
                           role=StaffMembership.Role.SOCIAL_WORKER)  # fmt: skip
    html = client_for(carla).get(reverse("home")).content.decode()
    assert 'data-testid="my-day-project-casa-alfa"' not in html
    # A new request's access object:
    rows, stored = my_day_selectors.stored_project_sums(
        user=type(carla).objects.get(pk=carla.pk), today=TODAY
    )
    assert (rows, stored) == ([], None)


def test_a_post_to_the_home_page_of_a_social_worker_computes_nothing(client_for, alice, world):
    response = client_for(alice).post(reverse("home"))
    assert response.status_code == 302
    assert not FigureSnapshot.objects.exists()
