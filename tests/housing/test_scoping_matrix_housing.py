"""Every housing URL as the outsider (404), the wrong role (403) and the right one.

bruno works for cooperative Beta, which has nothing to do with Casa Alfa: he must not
learn that its units exist. marco refers households to Casa Alfa from Comune Uno: his
municipality takes part in the project, but only as a referrer: housing is not his work,
and its units are a 404 to him like to bruno. alice is a social
worker of Alfa: she sees the units and her households' placements, but placing, moving
and ending belong to the project's coordinator, carla. olga, Alfa's organisation admin, knows the units exist
but does no casework (403).
"""

import pytest
from django.urls import reverse

from beneficiaries.models import WaitingListEntry
from housing import services
from housing.models import HousingUnit, Placement

from .conftest import members

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(carla, unit_alfa, make_household, today):
    placed = make_household(size=2)
    placement = services.placement_start(
        user=carla, unit=unit_alfa, household=placed, members=members(placed), start_date=today
    )
    waiting = make_household(size=1, case=False, waiting=True)
    entry = WaitingListEntry.objects.get(household=waiting)
    return {"unit": unit_alfa, "placement": placement, "entry": entry, "waiting": waiting}


def urls(world):
    unit, placement, entry = world["unit"], world["placement"], world["entry"]
    public_id = {"public_id": placement.public_id}
    return {
        "project_board": reverse("housing:project_board", kwargs={"slug": unit.project.slug}),
        "property_board": reverse("housing:property_board", kwargs={"pk": unit.property.pk}),
        "unit_detail": reverse("housing:unit_detail", kwargs={"pk": unit.pk}),
        "unit_update": reverse("housing:unit_update", kwargs={"pk": unit.pk}),
        "unit_match": reverse("housing:unit_match", kwargs={"pk": unit.pk}),
        "placement_create": reverse(
            "housing:placement_create", kwargs={"pk": unit.pk, "entry_pk": entry.pk}
        ),
        "placement_detail": reverse("housing:placement_detail", kwargs=public_id),
        "placement_end": reverse("housing:placement_end", kwargs=public_id),
        "placement_move": reverse("housing:placement_move", kwargs=public_id),
        "placement_agreement": reverse("housing:placement_agreement", kwargs=public_id),
        "placement_agreement_pdf": reverse("housing:placement_agreement_pdf", kwargs=public_id),
    }


WRITES = ("unit_update", "placement_create", "placement_end", "placement_move")

# What each persona gets on each page (GET).
EXPECTED = {
    "carla": dict.fromkeys(
        [
            "project_board",
            "property_board",
            "unit_detail",
            "unit_update",
            "unit_match",
            "placement_create",
            "placement_detail",
            "placement_end",
            "placement_move",
            "placement_agreement",
            "placement_agreement_pdf",
        ],
        200,
    ),
    "alice": {
        "project_board": 200,
        "property_board": 200,
        "unit_detail": 200,
        "unit_update": 403,
        "unit_match": 403,
        "placement_create": 403,
        "placement_detail": 200,  # her organisation holds the case
        "placement_end": 403,
        "placement_move": 403,
        # The patto is printed by whoever may open the placement.
        "placement_agreement": 200,
        "placement_agreement_pdf": 200,
    },
    # A referrer's municipality takes part in the project, but only to refer: its units
    # are none of his business, and he must not learn they exist (issue 11, item 10).
    "marco": {},  # everything 404
    "bruno": {},  # everything 404
    # Alfa's organisation admin: her cooperative works in the project, so its units are
    # known to her, but she does no casework: the wrong role (403).
    "olga": {
        "project_board": 403,
        "property_board": 403,
        "unit_detail": 403,
        "unit_update": 403,
        "unit_match": 403,
        "placement_create": 403,
    },
}


@pytest.mark.parametrize("persona", ["carla", "alice", "marco", "bruno", "olga"])
def test_every_page_for_every_persona(request, client_for, world, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    got = {name: client.get(url).status_code for name, url in urls(world).items()}
    expected = {name: EXPECTED[persona].get(name, 404) for name in got}
    assert got == expected


@pytest.mark.parametrize("persona", ["alice", "marco", "bruno", "olga"])
def test_writes_by_the_wrong_people_change_nothing(
    request, client_for, world, persona, coop_alfa, today
):
    client = client_for(request.getfixturevalue(persona))
    pages = urls(world)
    day = today.isoformat()
    posts = {
        "unit_update": {"capacity": 1, "state": "closed"},
        "placement_create": {
            "members": [p.pk for p in members(world["waiting"])],
            "start_date": day,
            "monthly_contribution": "0",
            "holding_organisation": coop_alfa.pk,
        },
        "placement_end": {
            "end_date": day,
            "exit_reason": "voluntary",
            "destination": "unknown",
        },
        "placement_move": {"to_unit": world["unit"].pk, "move_date": day},
    }
    for name in WRITES:
        status = client.post(pages[name], posts[name]).status_code
        assert status == EXPECTED[persona].get(name, 404), name
    unit = HousingUnit.objects.get(pk=world["unit"].pk)
    assert (unit.capacity, unit.state) == (4, "available")
    assert Placement.objects.count() == 1
    assert Placement.objects.get().end_date is None
    assert WaitingListEntry.objects.get(pk=world["entry"].pk).removed_on is None


def test_the_coordinator_of_another_project_is_an_outsider(
    client_for, world, project_beta, coop_beta
):
    from tests.factories import StaffMembershipFactory, UserFactory

    beta_coordinator = UserFactory(username="beatrice")
    StaffMembershipFactory(user=beta_coordinator, organisation=coop_beta, role="coordinator")
    client = client_for(beta_coordinator)
    for name, url in urls(world).items():
        assert client.get(url).status_code == 404, name


def test_the_list_of_boards_shows_only_what_the_user_may_open(client_for, world, bruno, alice):
    board = urls(world)["project_board"]
    assert board not in client_for(bruno).get(reverse("housing:board_index")).content.decode()
    assert board in client_for(alice).get(reverse("housing:board_index")).content.decode()


@pytest.mark.parametrize("name", ["project_board", "property_board", "unit_detail", "unit_match"])
def test_read_only_pages_refuse_post(client_for, carla, world, name):
    assert client_for(carla).post(urls(world)[name]).status_code == 405


def test_anonymous_users_go_to_the_login(client, world):
    for name, url in urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "/accesso/" in response["Location"], name
