"""Every page of the contribution ledger as the outsider (404), the wrong role (403) and
the right ones, with pinned query budgets.

carla coordinates Casa Alfa and alice works for Alfa, which holds the case: both read and
record. marco refers households from Comune Uno: he never sees the case, so the
placement is a 404 to him, as on its own page. bruno (Beta) is the outsider: 404. gina,
a worker of Beta assigned to the case, sees the placement but not its ledger: 403.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from housing import services
from housing.models import ContributionCharge, Payment
from tests.factories import CaseAssignmentFactory, StaffMembershipFactory, UserFactory

from .conftest import members

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world(carla, unit_alfa, make_household):
    household = make_household(size=2)
    placement = services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=household,
        members=members(household),
        start_date=D(2026, 1, 20),
        monthly_contribution=Decimal("310.00"),
    )
    services.charges_generate(user=carla, placement=placement, month=D(2026, 1, 1))
    payment = services.payment_record(
        user=carla,
        placement=placement,
        paid_on=D(2026, 2, 1),
        amount=Decimal("50"),
        method=Payment.Method.CASH,
        receipt_number="R-1",
    )
    return {"placement": placement, "payment": payment}


@pytest.fixture
def gina(world, coop_beta):
    user = UserFactory(username="gina")
    StaffMembershipFactory(user=user, organisation=coop_beta, role="social_worker")
    CaseAssignmentFactory(case=world["placement"].case, worker=user)
    return user


def urls(world):
    public_id = {"public_id": world["placement"].public_id}
    return {
        "contribution_detail": reverse("housing:contribution_detail", kwargs=public_id),
        "payment_create": reverse("housing:payment_create", kwargs=public_id),
        "contribution_change_create": reverse(
            "housing:contribution_change_create", kwargs=public_id
        ),
        "contribution_suspension_create": reverse(
            "housing:contribution_suspension_create", kwargs=public_id
        ),
        "arrears_flag_create": reverse("housing:arrears_flag_create", kwargs=public_id),
        "repayment_plan_create": reverse("housing:repayment_plan_create", kwargs=public_id),
        "case_contributions": reverse(
            "housing:case_contributions", kwargs={"public_id": world["placement"].case.public_id}
        ),
    }


POST_ONLY = ("charges_generate", "payment_reverse")


def post_urls(world):
    public_id = world["placement"].public_id
    return {
        "charges_generate": reverse("housing:charges_generate", kwargs={"public_id": public_id}),
        "payment_reverse": reverse(
            "housing:payment_reverse", kwargs={"public_id": public_id, "pk": world["payment"].pk}
        ),
    }


EXPECTED = {"carla": 200, "alice": 200, "marco": 404, "bruno": 404, "gina": 403}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_page_for_every_persona(request, client_for, world, persona):
    client = client_for(request.getfixturevalue(persona))
    got = {name: client.get(url).status_code for name, url in urls(world).items()}
    assert got == dict.fromkeys(got, EXPECTED[persona])


@pytest.mark.parametrize("persona", ["marco", "bruno", "gina"])
def test_writes_by_the_wrong_people_change_nothing(request, client_for, world, persona):
    client = client_for(request.getfixturevalue(persona))
    posts = post_urls(world)
    assert (
        client.post(posts["charges_generate"], {"month": "2026-02"}).status_code
        == (EXPECTED[persona])
    )
    assert client.post(posts["payment_reverse"], {"reason": "x"}).status_code == (EXPECTED[persona])
    payment_page = urls(world)["payment_create"]
    data = {"paid_on": "2026-02-02", "amount": "10", "method": "cash", "receipt_number": "X"}
    assert client.post(payment_page, data).status_code == EXPECTED[persona]
    assert ContributionCharge.objects.count() == 1
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_views_refuse_get(client_for, carla, world, name):
    assert client_for(carla).get(post_urls(world)[name]).status_code == 405


def test_the_placement_page_shows_the_ledger_only_to_whom_may_read_it(
    client_for, world, carla, gina
):
    url = world["placement"].get_absolute_url()
    assert 'data-testid="contribution-summary"' in client_for(carla).get(url).content.decode()
    page = client_for(gina).get(url)
    assert page.status_code == 200
    assert 'data-testid="contribution-summary"' not in page.content.decode()


def test_the_case_page_links_the_ledger_only_for_whom_may_read_it(client_for, world, carla, gina):
    url = world["placement"].case.get_absolute_url()
    assert "case-contributions-link" in client_for(carla).get(url).content.decode()
    assert "case-contributions-link" not in client_for(gina).get(url).content.decode()


def test_the_offices_list_and_export(client_for, world, carla, marco, bruno):
    page = reverse("dashboard:contributions")
    household = str(world["placement"].household)
    assert household in client_for(carla).get(page).content.decode()
    assert household not in client_for(bruno).get(page).content.decode()
    assert client_for(marco).get(page).status_code == 403
    csv = client_for(carla).get(reverse("dashboard:contributions_export", args=["csv"]))
    text = csv.content.decode("utf-8-sig")
    # Italian dialect: `;` between fields, decimal comma. 120,00 charged, 50,00 paid.
    assert "Addebitato (€);Pagato (€);Saldo (€)" in text
    assert ";120,00;50,00;70,00;" in text
    xlsx = client_for(carla).get(reverse("dashboard:contributions_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        client_for(marco).get(reverse("dashboard:contributions_export", args=["csv"])).status_code
        == 403
    )
    assert (
        client_for(carla).get(reverse("dashboard:contributions_export", args=["pdf"])).status_code
        == 400
    )


# Query budgets: the same number of queries however long the ledger ------------------


def test_the_ledger_page_has_a_fixed_budget(client_for, world, carla, django_assert_num_queries):
    placement = world["placement"]
    client = client_for(carla)
    url = urls(world)["contribution_detail"]
    client.get(url)
    with django_assert_num_queries(QUERIES["contribution_detail"]):
        assert client.get(url).status_code == 200
    for month in (2, 3, 4):
        services.charges_generate(user=carla, placement=placement, month=D(2026, month, 1))
    services.payment_record(
        user=carla,
        placement=placement,
        paid_on=D(2026, 3, 1),
        amount=Decimal("20"),
        method=Payment.Method.CASH,
        receipt_number="R-2",
    )
    with django_assert_num_queries(QUERIES["contribution_detail"]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["case_contributions", "payment_create"])
def test_other_pages_have_a_fixed_budget(client_for, world, carla, name, django_assert_num_queries):
    client = client_for(carla)
    url = urls(world)[name]
    client.get(url)
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(url).status_code == 200


def test_the_offices_list_has_a_fixed_budget(
    client_for, world, carla, unit_alfa_small, make_household, django_assert_num_queries
):
    client = client_for(carla)
    url = reverse("dashboard:contributions")
    client.get(url)
    with django_assert_num_queries(QUERIES["office_list"]):
        assert client.get(url).status_code == 200
    # Two more households with a ledger: still the same queries (their names too).
    for name in ("Secondi", "Terzi"):
        household = make_household(size=1, last_name=name)
        placement = services.placement_start(
            user=carla,
            unit=unit_alfa_small,
            household=household,
            members=members(household),
            start_date=D(2026, 1, 20),
            monthly_contribution=Decimal("100.00"),
            out_of_order_reason="Prova",
        )
        services.charges_generate(user=carla, placement=placement, month=D(2026, 1, 1))
    with django_assert_num_queries(QUERIES["office_list"]):
        page = client.get(url).content.decode()
    assert "Secondi" in page and "Terzi" in page


QUERIES = {
    "contribution_detail": 13,
    "case_contributions": 12,
    "payment_create": 8,
    "office_list": 7,
}


def test_both_shapes_of_the_ledgers_rule_let_through_the_same_placements(
    request, world, gina, make_household, project_beta, coop_beta, coop_alfa
):
    """core.access.Access.contributions_q and contributions_by_case_q state one rule in
    two query shapes: for every user they admit the same placements, including one in a
    unit of a project whose case is held by another organisation."""
    from core.access import access_for
    from housing.models import Placement
    from tests.factories import HousingUnitFactory

    beta_unit = HousingUnitFactory(project=project_beta, property__managing_organisation=coop_beta)
    household = make_household(project=project_beta)
    case = household.cases.get()
    case.holding_organisation = coop_alfa  # Alfa holds a case of Casa Beta
    case.save()
    Placement.objects.create(
        household=household, case=case, unit=beta_unit, start_date=D(2026, 3, 1)
    )
    users = [request.getfixturevalue(name) for name in ("carla", "alice", "marco", "bruno")]
    seen = []
    for user in [*users, gina]:
        access = access_for(user)
        by_join = set(
            Placement.objects.filter(access.contributions_q()).values_list("pk", flat=True)
        )
        by_case = set(
            Placement.objects.filter(access.contributions_by_case_q()).values_list("pk", flat=True)
        )
        assert by_join == by_case, user.username
        seen.append(len(by_join))
    assert seen == [2, 2, 0, 0, 0]  # carla: her project's and her organisation's case
