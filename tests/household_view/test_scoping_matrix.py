"""Who reaches which page of the household view. Members: only their own household, by
any address of the view; workers: the accesses page for the case's casework staff,
giving and revoking for the case's workers and coordinators (404 outside the scope,
403 for a forbidden action)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from household_view import services
from household_view.models import HouseholdAccess
from tests.factories import ConsentFactory, GoalFactory, SupportPlanFactory

pytestmark = pytest.mark.django_db

MEMBER_PAGES = ["", "benvenuto/", "pin/", "accedi/", "come-sto/", "scrivi/"]


def _member_browser(rf, user, case, person):
    person.birth_date = datetime.date(1980, 1, 1)
    person.save()
    request = rf.post("/")
    granted, token = services.access_issue(request=request, user=user, case=case, person=person)
    browser = Client()
    assert browser.post(f"/percorso/entra/{token}/").status_code == 302
    return granted, browser


@pytest.fixture
def two_members(rf, alice, bruno, case_alfa, household_beta):
    plan_a = SupportPlanFactory(case=case_alfa)
    GoalFactory(plan=plan_a, description="MARKER-ALFA", visible_to_household=True)
    case_b = household_beta.cases.get()
    plan_b = SupportPlanFactory(case=case_b)
    GoalFactory(plan=plan_b, description="MARKER-BETA", visible_to_household=True)
    a = _member_browser(rf, alice, case_alfa, case_alfa.household.members.get())
    b = _member_browser(rf, bruno, case_b, household_beta.members.get())
    return a, b


def test_a_member_sees_no_other_household_by_any_address(two_members):
    (access_a, browser_a), (access_b, browser_b) = two_members
    consent_b = ConsentFactory(household=access_b.case.household)
    for path in MEMBER_PAGES:
        html = browser_a.get(f"/percorso/{path}", follow=True).content.decode()
        assert "MARKER-BETA" not in html, path
    assert "MARKER-ALFA" in browser_a.get("/percorso/").content.decode()
    # Another household's consent, another access's ids: nothing.
    assert browser_a.post(f"/percorso/consensi/{consent_b.pk}/revoca/").status_code == 404
    for name in ("household_access:list",):
        url = reverse(name, args=[access_b.case.public_id])
        assert browser_a.get(url).status_code == 302
    for name in ("household_access:print", "household_access:revoke"):
        url = reverse(name, args=[access_b.case.public_id, access_b.public_id])
        assert browser_a.get(url).status_code == 302
        assert browser_a.post(url).status_code == 302
    access_b.refresh_from_db()
    assert access_b.revoked_at is None
    # The device cookie of one access does not open another.
    forged = f"{access_b.public_id}:not-the-key"
    assert services.device_access(forged) is None


def test_the_accesses_page_matrix(client_for, issued, alice, carla, dave, marco, bruno, olga):
    access, _token = issued
    case = access.case
    list_url = reverse("household_access:list", args=[case.public_id])
    issue_url = reverse("household_access:issue", args=[case.public_id])
    revoke_url = reverse("household_access:revoke", args=[case.public_id, access.public_id])
    expected = {
        # persona: (list, issue POST, revoke POST)
        alice: (200, 302, 302),
        carla: (200, 302, 302),
        dave: (200, 403, 403),
        marco: (404, 404, 404),
        bruno: (404, 404, 404),
        olga: (404, 404, 404),
    }
    for user, (listing, issuing, revoking) in expected.items():
        HouseholdAccess.objects.filter(pk=access.pk).update(revoked_at=None)
        client = Client()
        client.force_login(user)
        assert client.get(list_url).status_code == listing, user
        person = access.person
        assert client.post(issue_url, {"person": person.pk}).status_code == issuing, user
        assert client.post(revoke_url).status_code == revoking, user
        assert client.get(issue_url).status_code in (405, 404), user


def test_an_access_of_another_case_is_a_404(client_for, issued, alice, household_beta, bruno):
    access, _token = issued
    other_case = household_beta.cases.get()
    url = reverse("household_access:revoke", args=[other_case.public_id, access.public_id])
    assert client_for(bruno).post(url).status_code == 404
    access.refresh_from_db()
    assert access.revoked_at is None


def test_the_accesses_page_costs_a_fixed_number_of_queries(
    client_for, issued, alice, django_assert_max_num_queries
):
    access, _token = issued
    client = client_for(alice)
    url = reverse("household_access:list", args=[access.case.public_id])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_every_use_is_in_the_household_history(client_for, member_client, issued, carla):
    access, _token = issued
    member_client.post("/percorso/scrivi/", {"text": "Grazie"})
    client = Client()
    client.force_login(carla)
    url = reverse("beneficiaries:household_history", args=[access.case.household.public_id])
    html = client.get(url).content.decode()
    assert "Accesso di Fatima" in html
    assert "Messaggio dal nucleo" in html
