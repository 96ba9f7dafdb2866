"""The household pages in the browser's words: the caseload, registering a household
(with the duplicate warning), the household file, the forms of people and consent, and
the history. Who may not open a page at all is in test_scoping_matrix_households.py."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Case, Consent, Household, Person, ReferralEvent, Vulnerability
from core.models import AuditEvent, SecurityEvent
from core.validators import person_cf_check_char
from partners.models import StaffMembership
from tests.a11y import accessibility_problems
from tests.factories import (
    CaseAssignmentFactory,
    CaseFactory,
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Role = StaffMembership.Role
CASELOAD = reverse("beneficiaries:caseload")
CREATE = reverse("beneficiaries:household_create")
FATIMA = {
    "person-first_name": "fatima",
    "person-last_name": "EL AMRANI",
    "person-birth_date": "1988-05-17",
    "person-codice_fiscale": "",
}
TODAY = timezone.localdate()


def cf(first15: str) -> str:
    """A codice fiscale with the right check character."""
    return first15 + person_cf_check_char(first15)


GOOD_CF = cf("BNCMRA90A41F205")
BAD_CF = GOOD_CF[:15] + ("A" if GOOD_CF[15] != "A" else "B")


def url(name, obj):
    key = obj.pk if name == "consent_withdraw" else obj.public_id
    return reverse(f"beneficiaries:{name}", args=[key])


def consent_for(household, *, purpose="case_management", given_on=None, **fields):
    consent = Consent.objects.create(
        household=household,
        purpose=purpose,
        legal_basis=fields.pop("legal_basis", Consent.LegalBasis.PUBLIC_TASK),
        given_on=given_on or TODAY - datetime.timedelta(days=100),
        recorded_by=fields.pop("recorded_by", None) or UserFactory(),
        **fields,
    )
    consent.organisations.set([household.registered_by])
    return consent


def counts():
    """What a failed form must leave untouched."""
    return {
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "consents": Consent.objects.count(),
        "vulnerabilities": Vulnerability.objects.count(),
        "audit": AuditEvent.objects.exclude(action=AuditEvent.Action.VIEW).count(),
    }


def household_post(**overrides):
    data = {
        "household-living_situation": "eviction",
        "household-current_address": "Via Garibaldi 3, Desio",
        "household-isee_value": "4200.50",
        "household-isee_issued_on": "2026-01-10",
        "household-isee_expires_on": "2026-12-31",
        "household-vulnerabilities": ["single_parent"],
        "household-notes": "",
        "person-first_name": "Maria",
        "person-last_name": "Bianchi",
        "person-birth_date": "1990-01-01",
        "person-sex": "F",
        "person-codice_fiscale": GOOD_CF,
        "person-citizenship": "IT",
        "person-languages": "",
        "person-residence_permit_kind": "not_needed",
        "person-residence_permit_issued_on": "",
        "person-residence_permit_expires_on": "",
        "person-phone": "",
        "person-email": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def person_post(**overrides):
    data = {
        "person-relationship": "child",
        "person-first_name": "Samir",
        "person-last_name": "El Amrani",
        "person-birth_date": "2019-03-02",
        "person-sex": "M",
        "person-codice_fiscale": "",
        "person-citizenship": "MA",
        "person-languages": "arabo",
        "person-residence_permit_kind": "family",
        "person-residence_permit_issued_on": "2025-01-01",
        "person-residence_permit_expires_on": "2027-01-01",
        "person-phone": "",
        "person-email": "",
    }
    data.update(overrides)
    return data


def household_update_post(household, **overrides):
    data = {
        "living_situation": household.living_situation,
        "current_address": household.current_address,
        "isee_value": "" if household.isee_value is None else str(household.isee_value),
        "isee_issued_on": household.isee_issued_on or "",
        "isee_expires_on": household.isee_expires_on or "",
        "vulnerabilities": [v.kind for v in household.vulnerabilities.all()],
        "notes": household.notes,
    }
    data.update(overrides)
    return data


# The caseload ---------------------------------------------------------------------------


def test_caseload_lists_the_workers_cases_with_what_matters(client_for, alice, household_alfa):
    PersonFactory(household=household_alfa, relationship="child", first_name="Samir")
    response = client_for(alice).get(CASELOAD)
    assert response.status_code == 200
    row = re.search(r"<tbody>(.*)</tbody>", response.text, re.S).group(1)
    assert "Fatima El Amrani" in row
    assert f'href="{household_alfa.get_absolute_url()}"' in row
    assert "<td>2</td>" in row  # household size
    assert "Casa Alfa" in row
    assert "Cooperativa Alfa" in row
    assert "Alice Rossi" in row
    assert "15/01/2026" in row
    assert "Aperta" in row
    assert accessibility_problems(response.text) == []


def test_caseload_search_is_posted_kept_in_the_session_and_never_in_the_url(
    client_for, alice, household_alfa, coop_alfa, project_alfa
):
    other = CaseFactory(project=project_alfa, holding_organisation=coop_alfa)
    PersonFactory(household=other.household, first_name="Nicolò", last_name="De Santis")
    client = client_for(alice)

    response = client.post(CASELOAD, {"q": "nicolo de santis"})
    assert response.status_code == 302
    assert response["Location"] == CASELOAD, "the search must not travel in the URL"

    page = client.get(CASELOAD).text
    assert "Nicolò De Santis" in page
    assert "Fatima El Amrani" not in page
    assert 'value="nicolo de santis"' in page, "the form shows what is being searched"

    response = client.post(CASELOAD, {"reset": "1"})
    assert response["Location"] == CASELOAD
    page = client.get(CASELOAD).text
    assert "Nicolò De Santis" in page and "Fatima El Amrani" in page


def test_caseload_search_by_codice_fiscale(client_for, alice, household_alfa):
    household_alfa.members.update(codice_fiscale=GOOD_CF)
    client = client_for(alice)
    client.post(CASELOAD, {"q": GOOD_CF.lower()[:9]})
    assert "Fatima El Amrani" in client.get(CASELOAD).text
    client.post(CASELOAD, {"q": "ZZZZZZ"})
    page = client.get(CASELOAD).text
    assert "Fatima El Amrani" not in page
    assert "Nessuna presa in carico corrisponde alla ricerca." in page


def test_caseload_filters_by_state_project_and_worker(
    client_for, carla, alice, coop_alfa, project_alfa, household_alfa
):
    closed = CaseFactory(
        project=project_alfa,
        holding_organisation=coop_alfa,
        opened_on=datetime.date(2025, 1, 1),
        closed_on=datetime.date(2025, 6, 30),
    )
    PersonFactory(household=closed.household, first_name="Chiusa", last_name="Caso")
    client = client_for(carla)

    client.post(CASELOAD, {"state": "closed"})
    page = client.get(CASELOAD).text
    assert "Chiusa Caso" in page and "Fatima El Amrani" not in page
    assert "Chiusa il 30/06/2025" in page

    client.post(CASELOAD, {"worker": alice.pk})
    page = client.get(CASELOAD).text
    assert "Fatima El Amrani" in page and "Chiusa Caso" not in page

    client.post(CASELOAD, {"project": project_alfa.pk, "state": "open"})
    page = client.get(CASELOAD).text
    assert "Fatima El Amrani" in page and "Chiusa Caso" not in page


def test_caseload_choices_are_only_of_cases_the_user_sees(
    client_for, alice, household_alfa, household_beta, bruno
):
    page = client_for(alice).get(CASELOAD).text
    assert ">Casa Alfa</option>" in page
    assert "Casa Beta" not in page
    assert "Bruno Neri" not in page, "a worker of another organisation is not offered"


def test_caseload_refuses_a_filter_outside_the_choices(
    client_for, alice, household_alfa, project_beta
):
    client = client_for(alice)
    response = client.post(CASELOAD, {"project": project_beta.pk})
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.text
    assert "Fatima El Amrani" not in response.text
    assert "Fatima El Amrani" in client.get(CASELOAD).text, "a wrong filter is not kept"


def test_caseload_pages_keep_the_filters_and_use_only_the_page_number(
    client_for, alice, coop_alfa, project_alfa
):
    for n in range(30):
        case = CaseFactory(project=project_alfa, holding_organisation=coop_alfa)
        PersonFactory(household=case.household, first_name="Persona", last_name=f"Numero{n:02}")
        CaseAssignmentFactory(case=case, worker=alice)
    client = client_for(alice)
    client.post(CASELOAD, {"q": "persona"})
    first = client.get(CASELOAD).text
    assert "30 prese in carico" in first
    assert 'href="?page=2"' in first
    second = client.get(CASELOAD, {"page": 2}).text
    assert second.count('<th scope="row"') == 5
    assert "Pagina 2 di 2" in second


def _queries_of(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def _add_cases(n, *, project, organisation, worker):
    for _ in range(n):
        case = CaseFactory(project=project, holding_organisation=organisation)
        for relationship in ("reference", "child", "child"):
            PersonFactory(household=case.household, relationship=relationship, last_name="Sala")
        CaseAssignmentFactory(case=case, worker=worker)
        CaseAssignmentFactory(case=case)


def test_caseload_runs_a_fixed_number_of_queries(
    client_for, alice, coop_alfa, project_alfa, django_assert_max_num_queries
):
    client = client_for(alice)
    client.post(CASELOAD, {"q": "sala", "state": "open"})
    _add_cases(2, project=project_alfa, organisation=coop_alfa, worker=alice)
    few = _queries_of(client, CASELOAD)
    _add_cases(18, project=project_alfa, organisation=coop_alfa, worker=alice)
    with django_assert_max_num_queries(9):
        response = client.get(CASELOAD)
    assert response.text.count('<th scope="row"') == 20
    assert _queries_of(client, CASELOAD) == few, "one more case must not cost a query"


# Registering a household ------------------------------------------------------------------


def test_create_form_names_the_only_organisation_and_offers_a_choice_of_several(
    client_for, alice, marco, coop_alfa, comune_uno
):
    page = client_for(alice).get(CREATE).text
    assert 'name="household-registered_by"' not in page
    assert "sarà registrato da <strong>Cooperativa Alfa</strong>" in page
    assert "Select an option" not in page, "every word of the form in Italian"
    assert accessibility_problems(page) == []

    StaffMembershipFactory(user=marco, organisation=coop_alfa, role=Role.SOCIAL_WORKER)
    OrganisationFactory(name="Ente Estraneo")
    page = client_for(marco).get(CREATE).text
    assert '<select name="household-registered_by"' in page
    assert "Comune Uno" in page and "Cooperativa Alfa" in page
    assert "Ente Estraneo" not in page


def test_create_registers_household_reference_person_and_vulnerabilities(
    client_for, alice, coop_alfa
):
    response = client_for(alice).post(CREATE, household_post())
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == household.get_absolute_url()
    assert household.registered_by == coop_alfa
    assert household.isee_value == Decimal("4200.50")
    person = household.members.get()
    assert (person.first_name, person.relationship, person.codice_fiscale) == (
        "Maria",
        "reference",
        GOOD_CF,
    )
    assert [v.kind for v in household.vulnerabilities.all()] == ["single_parent"]
    assert set(household.audit_events.values_list("model_label", "action")) == {
        ("beneficiaries.Household", "create"),
        ("beneficiaries.Person", "create"),
        ("beneficiaries.Vulnerability", "create"),
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"person-codice_fiscale": BAD_CF},
            "Il codice fiscale non è valido: il carattere di controllo non corrisponde.",
        ),
        (
            {"person-codice_fiscale": "RSSMRA85"},
            "Il codice fiscale deve avere 16 caratteri nel formato RSSMRA85T10A562S.",
        ),
        (
            {"person-birth_date": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "La data di nascita non può essere nel futuro.",
        ),
        ({"household-isee_value": "-10"}, "Il valore ISEE non può essere negativo."),
        (
            {"household-isee_issued_on": "2026-05-01", "household-isee_expires_on": "2026-04-30"},
            "La scadenza dell&#x27;ISEE non può precedere la data di rilascio.",
        ),
        (
            {
                "person-residence_permit_issued_on": "2025-05-01",
                "person-residence_permit_expires_on": "2024-05-01",
            },
            "La scadenza del permesso non può precedere la data di rilascio.",
        ),
        ({"person-first_name": ""}, "Questo campo è obbligatorio."),
    ],
    ids=[
        "cf-check",
        "cf-format",
        "future-birth",
        "negative-isee",
        "isee-expiry",
        "permit-expiry",
        "no-name",
    ],
)
def test_create_with_bad_input_says_why_and_saves_nothing(client_for, alice, overrides, message):
    before = counts()
    response = client_for(alice).post(CREATE, household_post(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert counts() == before


def test_create_warns_of_a_visible_duplicate_and_links_to_it(client_for, alice, household_alfa):
    data = household_post(
        **{
            "person-first_name": "fatima",
            "person-last_name": "EL AMRANI",
            "person-birth_date": "1988-05-17",
            "person-codice_fiscale": "",
        }
    )
    client = client_for(alice)
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert Household.objects.count() == 1, "nothing registered before the user decides"
    assert "Apri la scheda esistente" in response.text
    assert f'href="{household_alfa.get_absolute_url()}"' in response.text
    assert 'name="confirm_duplicates"' in response.text

    response = client.post(CREATE, {**data, "confirm_duplicates": "1"})
    assert response.status_code == 302
    assert Household.objects.count() == 2


def test_create_tells_only_that_a_hidden_duplicate_exists(
    client_for, alice, household_alfa, household_beta
):
    giulia = household_beta.members.get()
    Person.objects.filter(pk=giulia.pk).update(codice_fiscale=GOOD_CF)
    response = client_for(alice).post(CREATE, household_post())  # Maria Bianchi, Giulia's CF
    html = response.text
    assert "già registrata da un altro ente della rete" in html
    assert "Giulia" not in html and "Ferri" not in html
    assert str(household_beta.public_id) not in html
    assert "Apri la scheda esistente" not in html
    # The codice fiscale is unique: no "register anyway", and confirming changes nothing.
    assert "Una persona con questo codice fiscale è già registrata nella rete." in html
    assert 'name="confirm_duplicates"' not in html
    response = client_for(alice).post(CREATE, {**household_post(), "confirm_duplicates": "1"})
    assert Household.objects.count() == 2


def test_no_duplicate_check_while_typing(client_for, alice, household_alfa):
    """The field-by-field look-up (htmx, unthrottled) was an oracle: it is gone, and an
    incomplete form is never answered about the people of the network."""
    client = client_for(alice)
    page = client.get(CREATE).text
    assert "verifica-doppioni" not in page
    assert 'id="duplicates"' in page
    assert client.post("/nuclei/verifica-doppioni/", {}).status_code == 404
    # Fatima's name and birth date, but no sex: the form is incomplete.
    response = client.post(CREATE, household_post(**FATIMA, **{"person-sex": ""}))
    assert response.status_code == 200
    assert 'data-testid="duplicates"' not in response.text
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERSON_LOOKUP).exists()


def test_an_incomplete_form_does_not_tell_that_a_codice_fiscale_is_taken(
    client_for, alice, household_beta
):
    giulia = household_beta.members.get()
    Person.objects.filter(pk=giulia.pk).update(codice_fiscale=GOOD_CF)
    response = client_for(alice).post(CREATE, household_post(**{"person-last_name": ""}))
    assert "già registrata" not in response.text
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERSON_LOOKUP).exists()


# The household file -------------------------------------------------------------------------


@pytest.fixture
def full_household(household_alfa, project_alfa, coop_alfa, comune_uno, alice):
    """household_alfa with a child without codice fiscale and an expired permit, an
    expired ISEE, vulnerabilities, and consents (one withdrawn)."""
    Household.objects.filter(pk=household_alfa.pk).update(
        isee_value=Decimal("3500"),
        isee_issued_on=TODAY - datetime.timedelta(days=500),
        isee_expires_on=TODAY - datetime.timedelta(days=10),
    )
    PersonFactory(
        household=household_alfa,
        relationship="child",
        first_name="Samir",
        last_name="El Amrani",
        birth_date=TODAY - datetime.timedelta(days=365 * 6),
        codice_fiscale="",
        residence_permit_kind="family",
        residence_permit_issued_on=TODAY - datetime.timedelta(days=800),
        residence_permit_expires_on=TODAY - datetime.timedelta(days=5),
    )
    Vulnerability.objects.create(household=household_alfa, kind="single_parent")
    consent_for(household_alfa, purpose="case_management", recorded_by=alice)
    consent_for(
        household_alfa,
        purpose="network_sharing",
        withdrawn_on=TODAY - datetime.timedelta(days=1),
    )
    household_alfa.refresh_from_db()
    return household_alfa


def test_household_file_shows_members_badges_isee_consents_referrals_and_cases(
    client_for, alice, full_household
):
    response = client_for(alice).get(full_household.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert "<h1" in html and "Nucleo Fatima El Amrani" in html
    assert "Samir El Amrani" in html
    assert html.count("senza codice fiscale") == 2
    assert "permesso scaduto" in html
    assert "minore" in html
    assert "Genitore solo" in html
    assert "ISEE scaduto" in html
    alert = re.search(r'data-testid="consent-alert">(.*?)</div>', html, re.S).group(1)
    assert "Condivisione con gli enti della rete" in alert and "revocato il" in alert
    assert "Presa in carico e accompagnamento" not in alert, "that consent is valid"
    assert html.index('data-testid="consent-alert"') < html.index("<h1"), "at the top"
    assert 'data-testid="referrals"' not in html, "alice's organisation did not send it"
    assert "Alice Rossi" in html  # the case's worker
    assert f'href="{url("referral_create", full_household)}"' in html
    assert f'href="{url("person_create", full_household)}"' in html
    assert f'href="{url("consent_create", full_household)}"' in html
    assert url("household_history", full_household) not in html, "history: coordinators only"
    assert accessibility_problems(html) == []


def test_household_file_shows_the_coordinator_referrals_and_history(
    client_for, carla, household_alfa
):
    html = client_for(carla).get(household_alfa.get_absolute_url()).text
    referrals = re.search(r'data-testid="referrals">(.*?)</table>', html, re.S).group(1)
    assert "Casa Alfa" in referrals and "Comune Uno" in referrals and "Accolta" in referrals
    assert f'href="{url("household_history", household_alfa)}"' in html


def test_household_without_any_consent_says_so(client_for, alice, household_alfa):
    household_alfa.consents.all().delete()  # the fixture's referral came with one
    html = client_for(alice).get(household_alfa.get_absolute_url()).text
    assert 'data-testid="consent-missing"' in html


def test_a_newer_consent_replaces_a_lapsed_one(client_for, alice, household_alfa):
    consent_for(
        household_alfa,
        purpose="network_sharing",
        given_on=TODAY - datetime.timedelta(days=400),
        expires_on=TODAY - datetime.timedelta(days=30),
    )
    client = client_for(alice)
    assert 'data-testid="consent-alert"' in client.get(household_alfa.get_absolute_url()).text
    consent_for(household_alfa, purpose="network_sharing", given_on=TODAY)
    assert 'data-testid="consent-alert"' not in client.get(household_alfa.get_absolute_url()).text


def test_opening_the_household_file_is_logged(client_for, alice, household_alfa):
    client_for(alice).get(household_alfa.get_absolute_url())
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.household, event.object_id) == (
        alice,
        household_alfa,
        str(household_alfa.pk),
    )


def test_household_file_runs_a_fixed_number_of_queries(
    client_for, carla, full_household, project_alfa, comune_uno, django_assert_max_num_queries
):
    client = client_for(carla)
    address = full_household.get_absolute_url()
    ReferralEvent.objects.create(
        referral=full_household.referrals.get(), to_status="sent", by=UserFactory()
    )
    few = _queries_of(client, address)
    for n in range(4):
        PersonFactory(household=full_household, relationship="child", first_name=f"Membro{n}")
        consent_for(full_household, purpose="reporting", given_on=TODAY - datetime.timedelta(n))
        referral = ReferralFactory(
            household=full_household, project=project_alfa, referring_organisation=comune_uno
        )
        ReferralEvent.objects.create(referral=referral, to_status="sent", by=UserFactory())
    case = full_household.cases.get()
    workers = [f"Operatore Numero{n}" for n in range(3)]
    for n in range(3):
        worker = UserFactory(first_name="Operatore", last_name=f"Numero{n}")
        CaseAssignmentFactory(case=case, worker=worker)
    with django_assert_max_num_queries(18):
        response = client.get(address)
    assert response.text.count("Membro") == 4
    referral_links = re.findall(r'href="/segnalazioni/[0-9a-f-]{36}/"', response.text)
    assert len(referral_links) == 5  # household_alfa's own referral, and these four
    cases = re.search(r'data-testid="cases">(.*?)</ul>', response.text, re.S).group(1)
    assert all(name in cases for name in ["Alice Rossi", *workers])
    assert _queries_of(client, address) == few, "more rows must not cost more queries"


# Editing ---------------------------------------------------------------------------------


def test_household_update_saves_and_the_history_shows_who_changed_what(
    client_for, alice, carla, household_alfa
):
    data = household_update_post(
        household_alfa,
        isee_value="5000",
        isee_issued_on="2026-02-01",
        isee_expires_on="2027-01-31",
        living_situation="shelter",
    )
    response = client_for(alice).post(url("household_update", household_alfa), data)
    assert response.status_code == 302
    household_alfa.refresh_from_db()
    assert household_alfa.isee_value == Decimal("5000")

    history = client_for(carla).get(url("household_history", household_alfa))
    assert history.status_code == 200
    html = history.text
    row = re.search(
        r"<tr>\s*<th[^>]*>[^<]*</th>\s*<td>Alice Rossi</td>\s*<td>Modifica</td>(.*?)</tr>",
        html,
        re.S,
    )
    assert row, "the change by Alice is listed"
    changes = row.group(1)
    assert "Valore ISEE (€)</span>: — → 5.000,00" in changes
    assert (
        "Situazione abitativa prima dell&#x27;ingresso</span>: Sfratto in corso → Struttura di accoglienza o dormitorio"
        in changes
    )
    assert "ISEE valido fino al</span>: — → 31/01/2027" in changes
    assert accessibility_problems(html) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"isee_value": "-1"}, "Il valore ISEE non può essere negativo."),
        (
            {"isee_issued_on": "2026-03-01", "isee_expires_on": "2026-02-01"},
            "La scadenza dell&#x27;ISEE non può precedere la data di rilascio.",
        ),
        ({"isee_issued_on": "31/02/2026"}, "Inserisci una data valida."),
    ],
    ids=["negative-isee", "isee-expiry", "not-a-date"],
)
def test_household_update_with_bad_input_saves_nothing(
    client_for, alice, household_alfa, overrides, message
):
    before = counts()
    data = household_update_post(household_alfa, living_situation="shelter", **overrides)
    response = client_for(alice).post(url("household_update", household_alfa), data)
    assert response.status_code == 200
    assert message in response.text
    assert counts() == before
    household_alfa.refresh_from_db()
    assert household_alfa.living_situation == "eviction"


def test_household_update_form_shows_dates_as_date_inputs(client_for, alice, household_alfa):
    html = client_for(alice).get(url("household_update", household_alfa)).text
    assert re.search(r'<input type="date" name="isee_expires_on"', html)
    assert accessibility_problems(html) == []


def test_person_create_adds_a_member(client_for, alice, household_alfa):
    response = client_for(alice).post(url("person_create", household_alfa), person_post())
    assert response.status_code == 302
    samir = household_alfa.members.get(first_name="Samir")
    assert (samir.relationship, samir.citizenship.code) == ("child", "MA")
    assert AuditEvent.objects.filter(
        household=household_alfa, action="create", model_label="beneficiaries.Person"
    ).exists()


def test_person_form_opens_inside_the_household_file(client_for, alice, household_alfa):
    client = client_for(alice)
    address = url("person_create", household_alfa)
    html = client.get(household_alfa.get_absolute_url()).text
    assert f'hx-get="{address}"' in html and 'id="new-member"' in html

    response = client.get(address, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "<h1" not in response.text, "a fragment"
    assert 'name="person-first_name"' in response.text
    assert "HX-Request" in response["Vary"]

    before = counts()
    response = client.post(
        address, person_post(**{"person-codice_fiscale": BAD_CF}), headers={"HX-Request": "true"}
    )
    assert "<html" not in response.text
    assert "il carattere di controllo non corrisponde" in response.text
    assert counts() == before

    response = client.post(address, person_post(), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == household_alfa.get_absolute_url()
    assert household_alfa.members.filter(first_name="Samir").exists()


def test_person_create_does_not_offer_a_second_reference_person(client_for, alice, household_alfa):
    html = client_for(alice).get(url("person_create", household_alfa)).text
    assert 'value="reference"' not in html
    assert 'value="child"' in html
    assert accessibility_problems(html) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"person-codice_fiscale": BAD_CF},
            "Il codice fiscale non è valido: il carattere di controllo non corrisponde.",
        ),
        (
            {"person-birth_date": (TODAY + datetime.timedelta(days=3)).isoformat()},
            "La data di nascita non può essere nel futuro.",
        ),
        (
            {
                "person-residence_permit_issued_on": "2025-01-01",
                "person-residence_permit_expires_on": "2024-12-31",
            },
            "La scadenza del permesso non può precedere la data di rilascio.",
        ),
        ({"person-relationship": "reference"}, "Scegli un&#x27;opzione valida."),
    ],
    ids=["cf-check", "future-birth", "permit-expiry", "second-reference"],
)
def test_person_create_with_bad_input_saves_nothing(
    client_for, alice, household_alfa, overrides, message
):
    before = counts()
    response = client_for(alice).post(
        url("person_create", household_alfa), person_post(**overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert counts() == before


def test_person_create_warns_of_a_duplicate(client_for, alice, household_alfa, household_beta):
    data = person_post(
        **{
            "person-first_name": "Giulia",
            "person-last_name": "Ferri",
            "person-birth_date": "1988-05-17",
        }
    )
    client = client_for(alice)
    response = client.post(url("person_create", household_alfa), data)
    assert response.status_code == 200
    assert "già registrata da un altro ente della rete" in response.text
    assert household_alfa.members.count() == 1
    response = client.post(
        url("person_create", household_alfa), {**data, "confirm_duplicates": "1"}
    )
    assert response.status_code == 302
    assert household_alfa.members.count() == 2


def test_person_update_saves_and_is_audited(client_for, alice, carla, household_alfa):
    fatima = household_alfa.members.get()
    data = person_post(
        **{
            "person-relationship": "reference",
            "person-first_name": "Fatima",
            # The date and sex GOOD_CF holds.
            "person-birth_date": "1990-01-01",
            "person-sex": "F",
            "person-codice_fiscale": GOOD_CF.lower(),
        }
    )
    response = client_for(alice).post(url("person_update", fatima), data)
    assert response.status_code == 302
    fatima.refresh_from_db()
    assert fatima.codice_fiscale == GOOD_CF
    html = client_for(carla).get(url("household_history", household_alfa)).text
    assert f"Codice fiscale</span>: — → {GOOD_CF}" in html
    assert "Permesso di soggiorno</span>: — → Motivi familiari" in html


def test_person_update_with_a_future_birth_date_saves_nothing(client_for, alice, household_alfa):
    fatima = household_alfa.members.get()
    before = counts()
    data = person_post(
        **{
            "person-relationship": "reference",
            "person-first_name": "Fatima",
            "person-birth_date": (TODAY + datetime.timedelta(days=1)).isoformat(),
        }
    )
    response = client_for(alice).post(url("person_update", fatima), data)
    assert "La data di nascita non può essere nel futuro." in response.text
    assert counts() == before
    fatima.refresh_from_db()
    assert fatima.birth_date == datetime.date(1988, 5, 17)


# Consent ------------------------------------------------------------------------------------


def consent_post(household, **overrides):
    data = {
        "purpose": "case_management",
        "legal_basis": "consent",
        "given_by": household.members.get(relationship="reference").pk,
        "organisations": [household.registered_by.pk],
        "given_on": (TODAY - datetime.timedelta(days=2)).isoformat(),
        "expires_on": (TODAY + datetime.timedelta(days=365)).isoformat(),
    }
    data.update(overrides)
    return data


def test_consent_create_records_who_when_for_whom(client_for, alice, household_alfa, comune_uno):
    response = client_for(alice).post(
        url("consent_create", household_alfa), consent_post(household_alfa)
    )
    assert response.status_code == 302
    consent = household_alfa.consents.get(recorded_by=alice)
    assert list(consent.organisations.all()) == [comune_uno]
    html = client_for(alice).get(household_alfa.get_absolute_url()).text
    assert "Presa in carico e accompagnamento" in html and "Valido" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"expires_on": (TODAY - datetime.timedelta(days=10)).isoformat()},
            "La scadenza non può precedere la data di inizio.",
        ),
        ({"organisations": []}, "Questo campo è obbligatorio."),
        (
            {"given_by": ""},
            "Indica chi ha espresso il consenso: un componente maggiorenne del nucleo o il "
            "tutore legale.",
        ),
    ],
    ids=["expiry-before-start", "no-organisation", "consent-without-person"],
)
def test_consent_create_with_bad_input_saves_nothing(
    client_for, alice, household_alfa, overrides, message
):
    before = counts()
    response = client_for(alice).post(
        url("consent_create", household_alfa), consent_post(household_alfa, **overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert counts() == before


def test_consent_withdraw_makes_the_lapse_impossible_to_miss(client_for, alice, household_alfa):
    consent = consent_for(household_alfa)
    client = client_for(alice)
    response = client.post(url("consent_withdraw", consent), {"withdrawn_on": TODAY.isoformat()})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    html = client.get(response["Location"]).text
    assert 'data-testid="consent-alert"' in html
    assert "Revoca registrata" in html


def test_consent_withdraw_in_the_future_is_refused(client_for, alice, household_alfa):
    consent = consent_for(household_alfa)
    before = counts()
    response = client_for(alice).post(
        url("consent_withdraw", consent),
        {"withdrawn_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert "La data di revoca non può essere nel futuro." in response.text
    assert counts() == before
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_post_only_views_refuse_get(client_for, alice, household_alfa):
    target = url("consent_withdraw", consent_for(household_alfa))
    assert client_for(alice).get(target).status_code == 405


def test_history_lists_the_views_too(client_for, carla, alice, household_alfa):
    client_for(alice).get(household_alfa.get_absolute_url())
    html = client_for(carla).get(url("household_history", household_alfa)).text
    assert "Consultazione" in html and "Alice Rossi" in html


def test_history_names_related_rows_of_this_household_only(
    client_for, carla, alice, household_alfa
):
    fatima = household_alfa.members.get()
    client_for(alice).post(url("consent_create", household_alfa), consent_post(household_alfa))
    html = client_for(carla).get(url("household_history", household_alfa)).text
    assert f"Espresso da</span>: — → {fatima.full_name}" in html
    assert "Nucleo</span>" not in html, "which household it is goes without saying"
    assert "Registrato da</span>: — → Alice Rossi" in html


def test_cases_of_the_caseload_link_to_existing_case_pages(client_for, alice, household_alfa):
    case = Case.objects.get(household=household_alfa)
    html = client_for(alice).get(household_alfa.get_absolute_url()).text
    assert f'href="{case.get_absolute_url()}"' in html


def test_household_registered_by_a_referrer_is_editable_by_her(client_for, marco, comune_uno):
    household = HouseholdFactory(registered_by=comune_uno)
    PersonFactory(household=household, first_name="Ada", last_name="Lovato")
    response = client_for(marco).get(url("household_update", household))
    assert response.status_code == 200


def test_caseload_stops_counting_past_the_cap_and_says_so(
    client_for, alice, case_alfa, monkeypatch
):
    from core import pagination

    client = client_for(alice)
    url = reverse("beneficiaries:caseload")
    html = client.get(url).text
    assert "1 presa in carico" in html and "Più di" not in html
    monkeypatch.setattr(pagination, "COUNT_CAP", 0)
    html = client.get(url).text
    assert "Più di 0 prese in carico" in html
