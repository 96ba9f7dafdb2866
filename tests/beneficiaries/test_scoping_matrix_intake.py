"""The scoping matrix of the intake pages: every referral, waiting-list and case URL, read
and write, called by the outsider (another organisation) and by the wrong role.

The outsider gets 404: nothing tells him the record exists. The wrong role, who may see
the record but not do that to it, gets 403. One exception, on purpose: projects are
public in the network, so a project's waiting list answers 403 (not 404) to everyone
who does not coordinate the project, the outsider included.
"""

import pytest
from django.urls import reverse

from beneficiaries.models import Case, CaseAssignment, Referral, ReferralEvent
from partners.models import StaffMembership
from tests.factories import (
    CaseAssignmentFactory,
    CaseFactory,
    PersonFactory,
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
    WaitingListEntryFactory,
)

pytestmark = pytest.mark.django_db

Role = StaffMembership.Role


@pytest.fixture
def world(
    alice,
    carla,
    marco,
    bruno,
    coop_alfa,
    coop_beta,
    comune_uno,
    project_alfa,
    project_beta,
    household_alfa,
):
    """Alfa's records (a sent referral, an accepted one with its case) and Beta's."""
    sent = ReferralFactory(
        household=PersonFactory(
            household__registered_by=comune_uno, first_name="Nadia", last_name="Sentita"
        ).household,
        project=project_alfa,
        referring_organisation=comune_uno,
        created_by=marco,
        status=Referral.Status.SENT,
    )
    accepted = household_alfa.referrals.get()
    beta_person = PersonFactory(
        household__registered_by=coop_beta, first_name="Bianca", last_name="Betarossi"
    )
    beta_referral = ReferralFactory(
        household=beta_person.household,
        project=project_beta,
        referring_organisation=coop_beta,
        status=Referral.Status.SENT,
    )
    beta_case = CaseFactory(
        household=beta_person.household,
        project=beta_referral.project,
        referral=beta_referral,
        holding_organisation=coop_beta,
    )
    CaseAssignmentFactory(case=beta_case, worker=bruno)
    org_admin = UserFactory(username="olga", first_name="Olga", last_name="Admin")
    StaffMembershipFactory(user=org_admin, organisation=coop_alfa, role=Role.ORGANISATION_ADMIN)
    return {
        "sent": sent,
        "accepted": accepted,
        "case": household_alfa.cases.get(),
        "household": household_alfa,
        "new_household": sent.household,
        "project": accepted.project,
        "beta_referral": beta_referral,
        "beta_case": beta_case,
        "olga": org_admin,
        "coop_alfa": coop_alfa,
    }


def _url(world, name):
    w = world
    return {
        "referral_list": reverse("beneficiaries:referral_list"),
        "referral_create": reverse(
            "beneficiaries:referral_create", args=[w["new_household"].public_id]
        ),
        "referral_detail": w["sent"].get_absolute_url(),
        "referral_transition": reverse(
            "beneficiaries:referral_transition", args=[w["sent"].public_id]
        ),
        "case_open": reverse("beneficiaries:case_open", args=[w["accepted"].public_id]),
        "waiting_list": reverse("beneficiaries:waiting_list", args=[w["project"].slug]),
        "case_detail": w["case"].get_absolute_url(),
        "case_assign_workers": reverse(
            "beneficiaries:case_assign_workers", args=[w["case"].public_id]
        ),
    }[name]


def _data(world, name):
    """A POST body that would succeed for the right user."""
    w = world
    return {
        "referral_create": {
            "referring_organisation": w["new_household"].registered_by_id,
            "project": w["project"].pk,
            "reason": "Prova",
            "urgency": "low",
            "action": "send",
        },
        "referral_transition": {"to_status": "accepted", "notes": "ok"},
        "case_open": {
            "holding_organisation": w["coop_alfa"].pk,
            "workers": [w["case"].workers.get().pk],
            "opened_on": "2026-03-01",
        },
        "case_assign_workers": {"workers": [w["case"].workers.get().pk]},
    }.get(name, {})


def _snapshot():
    return (
        Referral.objects.count(),
        ReferralEvent.objects.count(),
        Case.objects.count(),
        CaseAssignment.objects.count(),
        tuple(Referral.objects.order_by("pk").values_list("status", flat=True)),
    )


# (url name, method, user, expected status). Every URL of the intake pages appears with
# the outsider and with a wrong role.
MATRIX = [
    # The outsider, Bruno of cooperative Beta.
    ("referral_list", "get", "bruno", 200),  # his own list; Alfa's rows checked below
    ("referral_create", "get", "bruno", 404),
    ("referral_create", "post", "bruno", 404),
    ("referral_detail", "get", "bruno", 404),
    ("referral_transition", "post", "bruno", 404),
    ("case_open", "get", "bruno", 404),
    ("case_open", "post", "bruno", 404),
    ("waiting_list", "get", "bruno", 403),  # the project is public, its list is not
    ("case_detail", "get", "bruno", 404),
    ("case_assign_workers", "post", "bruno", 404),
    # Wrong roles.
    ("referral_list", "get", "olga", 403),  # organisation admin: no casework
    ("referral_create", "get", "olga", 403),
    ("referral_create", "post", "olga", 403),
    ("referral_detail", "get", "olga", 404),
    ("referral_detail", "get", "alice", 404),  # a worker does not see the referrals
    ("referral_transition", "post", "marco", 403),  # the referrer may not decide
    ("case_open", "get", "marco", 403),  # the referrer may not open a case
    ("case_open", "post", "marco", 403),
    ("case_open", "get", "alice", 404),
    ("waiting_list", "get", "alice", 403),
    ("waiting_list", "get", "marco", 403),
    ("case_detail", "get", "marco", 404),  # a referrer never sees the case
    ("case_assign_workers", "post", "alice", 403),  # a worker may not assign
    ("case_assign_workers", "post", "marco", 404),
]


@pytest.mark.parametrize(
    ("name", "method", "persona", "expected"),
    MATRIX,
    ids=[f"{n}-{m}-{p}-{e}" for n, m, p, e in MATRIX],
)
def test_matrix(request, client_for, world, name, method, persona, expected):
    user = world["olga"] if persona == "olga" else request.getfixturevalue(persona)
    before = _snapshot()
    client = client_for(user)
    url = _url(world, name)
    response = client.get(url) if method == "get" else client.post(url, _data(world, name))
    assert response.status_code == expected
    assert _snapshot() == before, "a refused request changes nothing"


# The right users, so the matrix above is known to refuse for the right reason.
ALLOWED = [
    ("referral_list", "get", "marco", 200),
    ("referral_create", "get", "marco", 200),
    ("referral_detail", "get", "marco", 200),
    ("referral_detail", "get", "carla", 200),
    ("referral_transition", "post", "carla", 302),
    ("case_open", "get", "carla", 200),
    ("waiting_list", "get", "carla", 200),
    ("case_detail", "get", "alice", 200),
    ("case_detail", "get", "carla", 200),
    ("case_assign_workers", "post", "carla", 302),
]


@pytest.mark.parametrize(
    ("name", "method", "persona", "expected"),
    ALLOWED,
    ids=[f"{n}-{m}-{p}-{e}" for n, m, p, e in ALLOWED],
)
def test_the_right_user_gets_through(request, client_for, world, name, method, persona, expected):
    client = client_for(request.getfixturevalue(persona))
    url = _url(world, name)
    response = client.get(url) if method == "get" else client.post(url, _data(world, name))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("name", "persona"),
    [("referral_transition", "bruno"), ("case_assign_workers", "bruno")],
)
def test_get_on_post_only_urls_is_405_whoever_asks(request, client_for, world, name, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_url(world, name)).status_code == 405


# Lists and counts never leak another organisation's rows ----------------------------


@pytest.mark.parametrize(
    ("persona", "own", "foreign"),
    [
        ("bruno", ["Betarossi"], ["Sentita", "El Amrani"]),
        ("carla", ["Sentita", "El Amrani"], ["Betarossi"]),
        ("marco", ["Sentita", "El Amrani"], ["Betarossi"]),
        ("alice", [], ["Sentita", "El Amrani", "Betarossi"]),
    ],
)
def test_referral_list_shows_only_the_user_rows(request, client_for, world, persona, own, foreign):
    html = client_for(request.getfixturevalue(persona)).get(_url(world, "referral_list")).text
    for name in own:
        assert name in html
    for name in foreign:
        assert name not in html
    assert f'data-testid="count-all">{len(own)}<' in html
    assert f'data-testid="count-sent">{sum(1 for n in own if n != "El Amrani")}<' in html


def test_referral_list_filter_offers_only_the_user_projects(client_for, world, bruno):
    html = client_for(bruno).get(_url(world, "referral_list")).text
    assert "Casa Beta" in html
    assert "Casa Alfa" not in html


def test_referral_list_ignores_a_filter_on_another_organisation_project(client_for, world, bruno):
    html = (
        client_for(bruno).get(_url(world, "referral_list"), {"project": world["project"].pk}).text
    )
    assert "Sentita" not in html and "El Amrani" not in html


def test_waiting_list_holds_only_the_project_households(client_for, world, carla):
    WaitingListEntryFactory(referral=world["accepted"])
    WaitingListEntryFactory(
        referral=ReferralFactory(
            household=world["beta_referral"].household,
            project=world["beta_referral"].project,
            status=Referral.Status.ACCEPTED,
        )
    )
    html = client_for(carla).get(_url(world, "waiting_list")).text
    assert "El Amrani" in html
    assert "Betarossi" not in html
