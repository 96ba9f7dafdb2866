"""Every household URL, read and write, called by someone who may not: a user of
another organisation gets 404 (the household does not exist for them), the wrong role
gets 403, and nothing is written. List pages never show another organisation's rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Consent, Household, Person
from core.models import AuditEvent
from partners.models import StaffMembership
from tests.factories import (
    CaseAssignmentFactory,
    MunicipalityFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Role = StaffMembership.Role
TODAY = timezone.localdate()


@pytest.fixture
def alfa(household_alfa):
    """household_alfa with everything the URLs point at: its reference person and a
    consent still in force."""
    person = household_alfa.members.get()
    consent = Consent.objects.create(
        household=household_alfa,
        purpose=Consent.Purpose.CASE_MANAGEMENT,
        legal_basis=Consent.LegalBasis.PUBLIC_TASK,
        given_on=TODAY - datetime.timedelta(days=30),
        recorded_by=UserFactory(),
    )
    consent.organisations.set([household_alfa.registered_by])
    return {"household": household_alfa, "person": person, "consent": consent}


def _household_post(household):
    return {
        "living_situation": "homeless",
        "current_address": "",
        "isee_value": "1",
        "isee_issued_on": "",
        "isee_expires_on": "",
        "notes": "scritto da chi non poteva",
    }


def _person_post(_):
    return {
        "person-relationship": "child",
        "person-first_name": "Intruso",
        "person-last_name": "Intrusi",
        "person-birth_date": "2010-01-01",
        "person-sex": "M",
        "person-codice_fiscale": "",
        "person-citizenship": "IT",
        "person-languages": "",
        "person-residence_permit_kind": "",
        "person-residence_permit_issued_on": "",
        "person-residence_permit_expires_on": "",
        "person-phone": "",
        "person-email": "",
    }


def _consent_post(objects):
    return {
        "purpose": "reporting",
        "legal_basis": "public_task",
        "given_by": "",
        "organisations": [objects["household"].registered_by.pk],
        "given_on": TODAY.isoformat(),
        "expires_on": "",
    }


# (name, method, which object the URL names, POST data) for every URL of a household.
RECORD_URLS = [
    ("household_detail", "get", "household", None),
    ("household_update", "get", "household", None),
    ("household_update", "post", "household", _household_post),
    ("household_history", "get", "household", None),
    ("person_create", "get", "household", None),
    ("person_create", "post", "household", _person_post),
    ("person_update", "get", "person", None),
    ("person_update", "post", "person", _person_post),
    ("consent_create", "get", "household", None),
    ("consent_create", "post", "household", _consent_post),
    ("consent_withdraw", "post", "consent", lambda _: {"withdrawn_on": TODAY.isoformat()}),
]
WRITES = [entry for entry in RECORD_URLS if entry[1] == "post"]


def _call(client, objects, name, method, target, data):
    obj = objects[target]
    key = obj.pk if target == "consent" else obj.public_id
    address = reverse(f"beneficiaries:{name}", args=[key])
    if method == "get":
        return client.get(address)
    return client.post(address, data(objects) if data else {})


def _ids(entries):
    return [f"{method.upper()} {name}" for name, method, *_ in entries]


def _state(objects):
    """Everything a refused request might have changed."""
    household, consent = objects["household"], objects["consent"]
    household.refresh_from_db()
    consent.refresh_from_db()
    return {
        "household": (household.living_situation, household.isee_value, household.notes),
        "people": list(Person.objects.order_by("pk").values_list("pk", "first_name")),
        "consents": list(Consent.objects.order_by("pk").values_list("pk", "withdrawn_on")),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize(("name", "method", "target", "data"), RECORD_URLS, ids=_ids(RECORD_URLS))
def test_outsider_gets_404_and_changes_nothing(client_for, bruno, alfa, name, method, target, data):
    before = _state(alfa)
    response = _call(client_for(bruno), alfa, name, method, target, data)
    assert response.status_code == 404
    assert _state(alfa) == before


@pytest.mark.parametrize(("name", "method", "target", "data"), RECORD_URLS, ids=_ids(RECORD_URLS))
def test_a_user_of_no_organisation_gets_404(client_for, alfa, name, method, target, data):
    response = _call(client_for(UserFactory()), alfa, name, method, target, data)
    assert response.status_code == 404


@pytest.fixture
def former_worker(coop_alfa, household_alfa):
    """Assigned to the case while a social worker, now only her organisation's
    administrator: she still finds the household, but may not change it."""
    user = UserFactory(username="oriana")
    StaffMembershipFactory(user=user, organisation=coop_alfa, role=Role.ORGANISATION_ADMIN)
    CaseAssignmentFactory(case=household_alfa.cases.get(), worker=user)
    return user


@pytest.mark.parametrize(("name", "method", "target", "data"), WRITES, ids=_ids(WRITES))
def test_wrong_role_gets_403_on_every_write_and_changes_nothing(
    client_for, former_worker, alfa, name, method, target, data
):
    before = _state(alfa)
    response = _call(client_for(former_worker), alfa, name, method, target, data)
    assert response.status_code == 403
    assert _state(alfa) == before


HISTORY = [("household_history", "get", "household", None)]


@pytest.mark.parametrize("persona", ["alice", "marco"])
def test_history_is_for_coordinators_only(request, client_for, alfa, persona):
    """alice (social worker) and marco (referrer) both see the household, and get 403."""
    user = request.getfixturevalue(persona)
    response = _call(client_for(user), alfa, *HISTORY[0])
    assert response.status_code == 403


# Pages that name no record -----------------------------------------------------------------

CASELOAD = reverse("beneficiaries:caseload")
CREATE = reverse("beneficiaries:household_create")

NO_RECORD_URLS = [
    ("caseload", "get", {}),
    ("caseload", "post", {"q": "fatima"}),
    ("household_create", "get", {}),
    ("household_create", "post", {"person-first_name": "Fatima"}),
]


def _no_record_ids(entries):
    return [f"{method.upper()} {name}" for name, method, _ in entries]


CASELOAD_URLS = [e for e in NO_RECORD_URLS if e[0] == "caseload"]


@pytest.mark.parametrize(
    ("name", "method", "data"), CASELOAD_URLS, ids=_no_record_ids(CASELOAD_URLS)
)
def test_referrer_may_not_open_the_caseload(client_for, marco, name, method, data):
    client = client_for(marco)
    address = reverse(f"beneficiaries:{name}")
    response = client.get(address) if method == "get" else client.post(address, data)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("name", "method", "data"), NO_RECORD_URLS, ids=_no_record_ids(NO_RECORD_URLS)
)
def test_organisation_admin_may_not_open_casework_pages(client_for, coop_alfa, name, method, data):
    admin = UserFactory()
    StaffMembershipFactory(user=admin, organisation=coop_alfa, role=Role.ORGANISATION_ADMIN)
    client = client_for(admin)
    address = reverse(f"beneficiaries:{name}")
    before = Household.objects.count()
    response = client.get(address) if method == "get" else client.post(address, data)
    assert response.status_code == 403
    assert Household.objects.count() == before


def test_outsider_caseload_never_shows_another_organisations_rows(
    client_for, bruno, household_alfa, household_beta, project_alfa, alice
):
    client = client_for(bruno)
    page = client.get(CASELOAD).text
    assert "Giulia Ferri" in page, "bruno sees his own case"
    for leak in ("Fatima", "El Amrani", str(household_alfa.public_id), "Casa Alfa", "Alice"):
        assert leak not in page
    assert "1 presa in carico" in page, "counts are scoped too"

    client.post(CASELOAD, {"q": "fatima"})
    page = client.get(CASELOAD).text
    assert 'value="fatima"' in page  # only in the search box, as he typed it
    assert "El Amrani" not in page and "0 prese in carico" in page

    response = client.post(CASELOAD, {"project": project_alfa.pk})
    assert 'data-testid="filter-errors"' in response.text
    assert "El Amrani" not in response.text


def test_outsider_duplicate_check_tells_nothing_of_the_record(client_for, bruno, household_alfa):
    response = client_for(bruno).post(
        CREATE,
        {
            "person-first_name": "Fatima",
            "person-last_name": "El Amrani",
            "person-birth_date": "1988-05-17",
            "person-sex": "F",
            "person-residence_permit_kind": "not_needed",
            "household-living_situation": "eviction",
        },
    )
    assert response.status_code == 200
    assert "già registrata da un altro ente della rete" in response.text
    assert "El Amrani" not in response.text.replace('value="El Amrani"', "")
    assert str(household_alfa.public_id) not in response.text
    assert "Comune Uno" not in response.text


def test_outsider_may_not_register_for_another_organisation(client_for, bruno, comune_uno):
    client = client_for(bruno)
    page = client.get(CREATE).text
    assert "Comune Uno" not in page and "Cooperativa Alfa" not in page
    # Two organisations, so that the registering organisation is a choice.
    StaffMembershipFactory(
        user=bruno, organisation=MunicipalityFactory(name="Comune Due"), role=Role.SOCIAL_WORKER
    )
    response = client.post(
        CREATE,
        {
            "household-registered_by": comune_uno.pk,
            "person-first_name": "Anna",
            "person-last_name": "Neri",
            "person-birth_date": "1980-01-01",
            "person-sex": "F",
        },
    )
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.text
    assert not Household.objects.filter(registered_by=comune_uno).exists()


@pytest.mark.parametrize("name", ["consent_withdraw"])
def test_post_only_urls_answer_405_to_get(client_for, alice, alfa, name):
    args = [alfa["consent"].pk] if name == "consent_withdraw" else []
    response = client_for(alice).get(reverse(f"beneficiaries:{name}", args=args))
    assert response.status_code == 405
