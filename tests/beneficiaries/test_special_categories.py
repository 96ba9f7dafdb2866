"""Special categories of data (GDPR art. 9; HMIS 4.1 — need to know): health,
disability and domestic violence are read only by those who work on the case — the
social workers and coordinators of the organisation holding it and the project's
coordinators — never by municipal referrers or organisation admins; on the household
file, in its forms, in its history (and in the GDPR export: test_gdpr.py)."""

import pytest
from django.urls import reverse

from beneficiaries.models import Referral, Vulnerability
from beneficiaries.selectors import households as households_selectors
from beneficiaries.services import households as households_services
from core.access import access_for
from core.models import AuditEvent
from partners.models import StaffMembership
from tests.factories import (
    HouseholdFactory,
    PersonFactory,
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Kind = Vulnerability.Kind
Role = StaffMembership.Role


@pytest.fixture
def vulnerable(household_alfa, carla):
    """household_alfa (case in Casa Alfa held by Alfa, referred by Comune Uno) with a
    single parent, a disability and domestic violence, recorded by the coordinator."""
    households_services.household_update(
        user=carla,
        household=household_alfa,
        vulnerabilities=[Kind.SINGLE_PARENT, Kind.DISABILITY, Kind.DOMESTIC_VIOLENCE],
    )
    return household_alfa


@pytest.fixture
def municipal_coordinator(comune_uno):
    """A coordinator of Comune Uno: sees the households the municipality referred, may
    read their history, but does not work on their care."""
    user = UserFactory(username="mara", first_name="Mara")
    StaffMembershipFactory(user=user, organisation=comune_uno, role=Role.COORDINATOR)
    return user


def file_of(client, household):
    return client.get(reverse("beneficiaries:household_detail", args=[household.public_id]))


def test_who_may_see_special_categories(
    vulnerable, alice, carla, dave, marco, olga, bruno, municipal_coordinator
):
    allowed = {
        "alice (assigned worker of the holding organisation)": alice,
        "dave (worker of the holding organisation, not assigned)": dave,
        "carla (coordinator of the project and of the holding organisation)": carla,
    }
    refused = {
        "marco (municipal referrer)": marco,
        "mara (coordinator of the referring municipality)": municipal_coordinator,
        "olga (organisation admin)": olga,
        "bruno (outsider)": bruno,
    }
    for who, user in allowed.items():
        assert access_for(user).may_read_special(vulnerable), who
    for who, user in refused.items():
        assert not access_for(user).may_read_special(vulnerable), who


def test_a_project_coordinator_sees_them_from_the_referral_before_any_case(
    comune_uno, project_alfa, carla, marco
):
    household = PersonFactory(household__registered_by=comune_uno).household
    Vulnerability.objects.create(household=household, kind=Kind.HEALTH)
    referral = ReferralFactory(household=household, project=project_alfa, status="draft")
    # A draft is still the municipality's: the project has not received it.
    assert not access_for(carla).may_read_special(household)
    Referral.objects.filter(pk=referral.pk).update(status="sent")
    assert access_for(carla).may_read_special(household)
    assert not access_for(marco).may_read_special(household)


def test_the_household_file_hides_them_from_the_referrer(client_for, vulnerable, marco, alice):
    page = file_of(client_for(marco), vulnerable).content.decode()
    assert "Genitore solo" in page
    assert "Disabilità" not in page and "Violenza domestica" not in page
    assert 'data-testid="special-categories-hidden"' in page

    page = file_of(client_for(alice), vulnerable).content.decode()
    for label in ("Genitore solo", "Disabilità", "Violenza domestica"):
        assert label in page
    assert 'data-testid="special-categories-hidden"' not in page


def test_the_household_form_neither_shows_nor_drops_them_for_the_referrer(
    client_for, vulnerable, marco
):
    url = reverse("beneficiaries:household_update", args=[vulnerable.public_id])
    client = client_for(marco)
    page = client.get(url).content.decode()
    assert 'value="domestic_violence"' not in page and 'value="disability"' not in page
    assert 'value="single_parent"' in page

    # Saving with what the form shows keeps what it does not show.
    response = client.post(
        url,
        {
            "living_situation": "eviction",
            "current_address": "Via Roma 1",
            "isee_value": "",
            "isee_issued_on": "",
            "isee_expires_on": "",
            "vulnerabilities": ["eviction"],
            "notes": "",
        },
    )
    assert response.status_code == 302
    kinds = set(vulnerable.vulnerabilities.values_list("kind", flat=True))
    assert kinds == {Kind.EVICTION, Kind.DISABILITY, Kind.DOMESTIC_VIOLENCE}


def test_the_referrer_cannot_record_them_even_by_forging_the_form(
    client_for, household_alfa, marco
):
    url = reverse("beneficiaries:household_update", args=[household_alfa.public_id])
    before = AuditEvent.objects.count()
    response = client_for(marco).post(
        url,
        {
            "living_situation": "eviction",
            "current_address": "Via Roma 1",
            "isee_value": "",
            "vulnerabilities": ["health"],
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert not household_alfa.vulnerabilities.exists()
    assert AuditEvent.objects.count() == before
    # And the service refuses on its own.
    with pytest.raises(Exception) as refused:
        households_services.household_update(
            user=marco, household=household_alfa, vulnerabilities=["health"]
        )
    assert "dati particolari" in str(refused.value)
    assert not household_alfa.vulnerabilities.exists()


def test_the_registration_form_does_not_offer_them(client_for, marco, alice):
    for user in (marco, alice):
        page = client_for(user).get(reverse("beneficiaries:household_create")).content.decode()
        assert 'value="health"' not in page and 'value="domestic_violence"' not in page
        assert 'value="single_parent"' in page


def test_the_case_worker_records_them(client_for, household_alfa, alice):
    url = reverse("beneficiaries:household_update", args=[household_alfa.public_id])
    client = client_for(alice)
    assert 'value="domestic_violence"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"living_situation": "eviction", "vulnerabilities": ["domestic_violence"], "notes": ""},
    )
    assert response.status_code == 302
    assert list(household_alfa.vulnerabilities.values_list("kind", flat=True)) == [
        "domestic_violence"
    ]


def test_the_history_hides_them_too(client_for, vulnerable, municipal_coordinator, carla):
    url = reverse("beneficiaries:household_history", args=[vulnerable.public_id])
    page = client_for(municipal_coordinator).get(url).content.decode()
    assert "Genitore solo" in page
    assert "Disabilità" not in page and "Violenza domestica" not in page

    page = client_for(carla).get(url).content.decode()
    assert "Disabilità" in page and "Violenza domestica" in page


def test_removing_one_is_hidden_from_the_history_as_well(
    client_for, vulnerable, carla, municipal_coordinator
):
    households_services.household_update(user=carla, household=vulnerable, vulnerabilities=[])
    url = reverse("beneficiaries:household_history", args=[vulnerable.public_id])
    page = client_for(municipal_coordinator).get(url).content.decode()
    assert "Violenza domestica" not in page and "Disabilità" not in page
    assert "Genitore solo" in page


def test_the_household_file_costs_no_extra_query_for_the_rule(
    client_for, vulnerable, carla, django_assert_max_num_queries
):
    client = client_for(carla)
    file_of(client, vulnerable)
    household = households_selectors.household_file(user=carla, public_id=vulnerable.public_id)
    with django_assert_max_num_queries(0):
        assert access_for(carla).may_read_special(household)
        kinds = {
            v.kind
            for v in households_selectors.shown_vulnerabilities(user=carla, household=household)
        }
    assert Kind.DOMESTIC_VIOLENCE in kinds


def test_a_household_with_no_project_yet_has_nobody_to_see_them(comune_uno, marco, alice):
    household = HouseholdFactory(registered_by=comune_uno)
    for user in (marco, alice):
        assert not access_for(user).may_read_special(household)
