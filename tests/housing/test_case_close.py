"""Closing a case closes what hangs from it, in one step (issue 12, item 1): the
placement ends on the same day with the same destination, the open goals end, the open
actions and the reviews not held are cancelled, the household leaves the waiting list,
the follow-ups are scheduled — or nothing at all is saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beneficiaries.models import (
    Action,
    CaseExit,
    Consent,
    FollowUp,
    Goal,
    Review,
    WaitingListEntry,
)
from core.models import AuditEvent
from housing import services
from housing.models import Placement, PlaceOccupancy
from tests.factories import (
    ActionFactory,
    GoalFactory,
    ReviewFactory,
    SupportPlanFactory,
    WaitingListEntryFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
CLOSED_ON = D(2026, 11, 30)


@pytest.fixture
def housed_case(carla, case_alfa, unit_alfa):
    """case_alfa with its household in unit_alfa since March, a plan with two open goals
    (one with an open action and a done one), a held and a pending review, still on the
    waiting list, and the consent to follow-ups."""
    household = case_alfa.household
    Consent.objects.create(
        household=household, purpose="follow_up", legal_basis="consent", given_on=D(2026, 1, 15)
    )
    placement = services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=household,
        members=list(household.members.all()),
        start_date=D(2026, 3, 1),
    )
    plan = SupportPlanFactory(case=case_alfa, agreed_on=D(2026, 2, 1))
    work, home = GoalFactory(plan=plan, domain="work"), GoalFactory(plan=plan, domain="housing")
    ActionFactory(goal=work, due_on=D(2026, 12, 20))
    ActionFactory(goal=work, status="done", done_on=D(2026, 5, 1))
    ReviewFactory(plan=plan, scheduled_on=D(2026, 5, 1), held_on=D(2026, 5, 1), outcome="Bene.")
    ReviewFactory(plan=plan, scheduled_on=D(2026, 12, 15))
    WaitingListEntryFactory(referral=case_alfa.referral, added_on=D(2026, 1, 10))
    return {"case": case_alfa, "placement": placement, "work": work, "home": home}


def close(user, case, **overrides):
    fields = {
        "closed_on": CLOSED_ON,
        "reason": "goals_reached",
        "destination": "public_housing",
        "autonomy_reached": "partly",
    }
    return services.case_close_with_placements(user=user, case=case, **(fields | overrides))


def snapshot():
    """What the refused closings must leave as it was."""
    return (
        CaseExit.objects.count(),
        FollowUp.objects.count(),
        list(Placement.objects.values_list("pk", "end_date")),
        list(PlaceOccupancy.objects.values_list("pk", "end_date")),
        list(Goal.objects.values_list("pk", "status")),
        list(Action.objects.values_list("pk", "status")),
        Review.objects.count(),
        WaitingListEntry.objects.filter(removed_on__isnull=True).count(),
        AuditEvent.objects.count(),
    )


def test_closing_ends_the_placement_the_goals_actions_reviews_and_the_waiting(carla, housed_case):
    case, placement = housed_case["case"], housed_case["placement"]
    close(carla, case, goal_outcomes={housed_case["home"].pk: "achieved"})

    case.refresh_from_db()
    placement.refresh_from_db()
    assert case.closed_on == CLOSED_ON
    assert (placement.end_date, placement.exit_reason, placement.destination) == (
        CLOSED_ON,
        Placement.ExitReason.AUTONOMY,
        "public_housing",
    )
    assert not PlaceOccupancy.objects.filter(end_date__isnull=True).exists()
    assert set(Goal.objects.values_list("domain", "status", "closed_on")) == {
        ("work", "not_reached", CLOSED_ON),
        ("housing", "achieved", CLOSED_ON),
    }
    assert sorted(Action.objects.values_list("status", flat=True)) == ["cancelled", "done"]
    assert list(Review.objects.values_list("held_on", flat=True)) == [D(2026, 5, 1)]
    assert not WaitingListEntry.objects.filter(removed_on__isnull=True).exists()
    assert WaitingListEntry.objects.get().removal_reason == "case_closed"
    assert FollowUp.objects.filter(case=case).count() == 3
    # Every change is in the household's history.
    labels = set(
        AuditEvent.objects.filter(household=case.household).values_list("model_label", "action")
    )
    for row in [
        ("housing.Placement", "update"),
        ("beneficiaries.Goal", "update"),
        ("beneficiaries.Action", "update"),
        ("beneficiaries.Review", "delete"),
        ("beneficiaries.WaitingListEntry", "update"),
        ("beneficiaries.CaseExit", "create"),
        ("beneficiaries.Case", "transition"),
    ]:
        assert row in labels, row


def test_all_goals_may_end_reached(carla, housed_case):
    close(carla, housed_case["case"], goal_outcome="achieved")
    assert set(Goal.objects.values_list("status", flat=True)) == {"achieved"}


def test_keeping_the_placement_open_is_refused_and_nothing_is_saved(carla, housed_case):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        close(carla, housed_case["case"], end_placements=False)
    assert (
        "vive ancora in «Casa Aurora · Appartamento 1»"
        in caught.value.message_dict["end_placements"][0]
    )
    assert snapshot() == before
    housed_case["case"].refresh_from_db()
    assert housed_case["case"].is_open


def test_a_wrong_outcome_leaves_the_placement_open(carla, housed_case):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        close(carla, housed_case["case"], destination="")
    assert caught.value.message_dict["destination"] == ["Indica dove va a vivere il nucleo."]
    assert snapshot() == before


def test_a_worker_who_may_not_end_placements_is_told_whom_to_ask(alice, housed_case):
    before = snapshot()
    with pytest.raises(ValidationError, match="coordinamento del progetto"):
        close(alice, housed_case["case"])
    assert snapshot() == before


def test_a_placement_starting_after_the_closing_date_is_refused(carla, housed_case):
    with pytest.raises(ValidationError) as caught:
        close(carla, housed_case["case"], closed_on=D(2026, 2, 1))
    assert "inizia il" in caught.value.message_dict["closed_on"][0]
    assert Placement.objects.get().end_date is None


def test_a_worker_closes_a_case_without_a_placement(alice, case_alfa):
    exit_ = close(alice, case_alfa, schedule_follow_ups=False)
    assert exit_.case.closed_on == CLOSED_ON


# The pages ----------------------------------------------------------------------------


def close_url(case):
    return reverse("housing:case_close", args=[case.public_id])


def test_exit_form_shows_the_placement_and_the_goals_and_closes_them(
    client_for, carla, housed_case
):
    case = housed_case["case"]
    client = client_for(carla)
    page = client.get(close_url(case)).content.decode()
    assert 'data-testid="hanging-placement"' in page
    assert 'name="end_placements"' in page
    assert f'name="goal_{housed_case["work"].pk}"' in page
    response = client.post(
        close_url(case),
        {
            "closed_on": "2026-11-30",
            "reason": "voluntary",
            "destination": "family_or_friends",
            "autonomy_reached": "no",
            "goal_outcome": "not_reached",
            f"goal_{housed_case['home'].pk}": "partly_achieved",
            "end_placements": "on",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("beneficiaries:case_exit", args=[case.public_id])
    placement = Placement.objects.get()
    assert (placement.end_date, placement.exit_reason, placement.destination) == (
        CLOSED_ON,
        "voluntary",
        "family_or_friends",
    )
    assert Goal.objects.get(pk=housed_case["home"].pk).status == "partly_achieved"


def test_exit_form_without_the_box_says_what_to_do_and_saves_nothing(
    client_for, carla, housed_case
):
    before = snapshot()
    response = client_for(carla).post(
        close_url(housed_case["case"]),
        {
            "closed_on": "2026-11-30",
            "reason": "voluntary",
            "destination": "family_or_friends",
            "autonomy_reached": "no",
            "goal_outcome": "not_reached",
        },
    )
    assert response.status_code == 200
    assert "Spunta «Registra anche l&#x27;uscita dall&#x27;alloggio»" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["bruno", "marco", "olga"])
def test_exit_form_is_404_outside_casework(request, client_for, case_alfa, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(close_url(case_alfa)).status_code == 404
    assert client.post(close_url(case_alfa), {"closed_on": "2026-11-30"}).status_code == 404


def test_exit_form_is_403_to_post_for_an_unassigned_worker(client_for, dave, case_alfa):
    client = client_for(dave)
    assert client.get(close_url(case_alfa)).status_code == 200
    assert client.post(close_url(case_alfa), {"closed_on": "2026-11-30"}).status_code == 403
    case_alfa.refresh_from_db()
    assert case_alfa.is_open


def test_exit_form_of_a_closed_case_leads_to_its_exit(client_for, carla, case_alfa):
    close(carla, case_alfa, schedule_follow_ups=False)
    response = client_for(carla).get(close_url(case_alfa))
    assert response.status_code == 302
    assert response.url == reverse("beneficiaries:case_exit", args=[case_alfa.public_id])


def test_exit_form_queries_do_not_grow_with_goals(
    client_for, carla, housed_case, django_assert_num_queries
):
    client = client_for(carla)
    url = close_url(housed_case["case"])
    client.get(url)
    # 12 with the read-log row of the exit page (issue 11, item 9).
    with django_assert_num_queries(12) as few:
        client.get(url)
    plan = housed_case["work"].plan
    for _ in range(4):
        GoalFactory(plan=plan)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_ending_a_placement_of_an_open_case_offers_to_close_it(client_for, carla, housed_case):
    placement = housed_case["placement"]
    client = client_for(carla)
    response = client.post(
        reverse("housing:placement_end", args=[placement.public_id]),
        {"end_date": "2026-11-20", "exit_reason": "autonomy", "destination": "public_housing"},
        follow=True,
    )
    page = response.content.decode()
    assert "La presa in carico del nucleo resta aperta" in page
    assert 'data-testid="offer-case-close"' in page
    assert close_url(housed_case["case"]) in page


def test_a_moved_placement_does_not_offer_to_close(client_for, carla, housed_case, unit_alfa_small):
    placement = housed_case["placement"]
    services.placement_move(
        user=carla, placement=placement, to_unit=unit_alfa_small, move_date=D(2026, 11, 1)
    )
    page = (
        client_for(carla)
        .get(reverse("housing:placement_detail", args=[placement.public_id]))
        .content.decode()
    )
    assert 'data-testid="offer-case-close"' not in page
