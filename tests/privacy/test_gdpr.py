"""The rights of a person (GDPR art. 15–17, 20) and storage limitation (art. 5(1)(e)):
the export of everything held about one person (page and JSON), logged; erasure by
anonymisation that clears the audit trail's copies too, refused with the reason while
the records must be kept; the daily retention command. Who may: the coordinators of a
project holding the case (others who see the household: 403; outsiders: 404)."""

import datetime
import json
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Case, CaseNote, Document, Person, Vulnerability
from beneficiaries.services import households as households_services
from core.models import AuditEvent, SecurityEvent
from privacy import services as privacy_services
from tests.factories import (
    CaseFactory,
    CaseNoteFactory,
    GoalFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def url(name, obj):
    return reverse(f"privacy:{name}", args=[obj.public_id])


@pytest.fixture
def person(household_alfa, carla, alice, private_storage_root):
    """Fatima, reference person of household_alfa, with a full record: a codice
    fiscale, contacts, a violence and a single-parent vulnerability, a plan, a diary
    entry, a confidential entry of another organisation, and a document on disk."""
    fatima = household_alfa.members.get()
    households_services.person_update(
        user=carla,
        person=fatima,
        codice_fiscale="LMRFTM88E57Z330T",
        phone="333 1234567",
        email="fatima@example.org",
    )
    households_services.household_update(
        user=carla,
        household=household_alfa,
        current_address="Via dei Mille 12, Desio",
        notes="Ha lasciato la casa del marito.",
        vulnerabilities=[Vulnerability.Kind.SINGLE_PARENT, Vulnerability.Kind.DOMESTIC_VIOLENCE],
    )
    case = household_alfa.cases.get()
    GoalFactory(plan=SupportPlanFactory(case=case), description="Trovare lavoro a Desio")
    CaseNoteFactory(case=case, text="Colloquio con Fatima sul lavoro.")
    CaseNoteFactory(
        case=case,
        text="Segreto del centro antiviolenza.",
        is_confidential=True,
        author_organisation=OrganisationFactory(name="Centro Antiviolenza"),
    )
    document = Document(
        case=case,
        person=fatima,
        kind="identity",
        original_name="passaporto-fatima.pdf",
        content_type="application/pdf",
        size=8,
    )
    document.file.save("passaporto.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    return fatima


def close_case(household, closed_on):
    Case.objects.filter(household=household).update(
        opened_on=closed_on - datetime.timedelta(days=400), closed_on=closed_on
    )


# Access and portability ---------------------------------------------------------------


def test_the_coordinator_downloads_everything_about_the_person_as_json(client_for, carla, person):
    response = client_for(carla).get(url("person_data_json", person))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Fatima" not in disposition
    data = json.loads(response.content)
    assert data["persona"]["nome"] == "Fatima"
    assert data["persona"]["codice_fiscale"] == "LMRFTM88E57Z330T"
    assert data["persona"]["email"] == "fatima@example.org"
    assert data["nucleo"]["indirizzo"] == "Via dei Mille 12, Desio"
    assert {v["tipo"]["valore"] for v in data["nucleo"]["vulnerabilita"]} == {
        "single_parent",
        "domestic_violence",
    }
    [case] = data["prese_in_carico"]
    assert case["progetto"] == "Casa Alfa"
    assert case["progetto_individualizzato"]["obiettivi"][0]["obiettivo"] == (
        "Trovare lavoro a Desio"
    )
    diary = {entry["resoconto"] for entry in case["diario"]}
    assert "Colloquio con Fatima sul lavoro." in diary
    # A confidential entry is never in the export, not even as "held by" its author: that
    # an anti-violence centre writes about the household is itself what must not leak
    # (issue 11, defect 2).
    assert "Segreto del centro antiviolenza." not in response.content.decode()
    assert "Centro Antiviolenza" not in response.content.decode()
    assert len(case["diario"]) == 1
    assert case["documenti"][0]["nome_del_file"] == "passaporto-fatima.pdf"
    assert data["segnalazioni"][0]["progetto"] == "Casa Alfa"
    assert data["storico_dei_trattamenti"], "who did what to the data"


def test_the_readable_page_shows_the_same_and_is_logged_as_an_export(client_for, carla, person):
    response = client_for(carla).get(url("person_data", person))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("LMRFTM88E57Z330T", "Via dei Mille 12, Desio", "Violenza domestica"):
        assert text in page
    # Dates as people read them; the JSON keeps ISO.
    assert person.birth_date.strftime("%d/%m/%Y") in page
    assert url("person_data_json", person) in page
    client_for(carla).get(url("person_data_json", person))
    exports = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, user=carla)
    assert {e.details["format"] for e in exports} == {"page", "json"}
    assert all(e.details["person"] == str(person.public_id) for e in exports)


def test_the_household_file_links_to_it_for_the_coordinator_only(client_for, carla, alice, person):
    link = url("person_data", person)
    household = person.household
    assert link in client_for(carla).get(household.get_absolute_url()).content.decode()
    assert link not in client_for(alice).get(household.get_absolute_url()).content.decode()


@pytest.mark.parametrize("name", ["person_data", "person_data_json"])
def test_scoping_matrix_of_the_export(client_for, name, person, alice, marco, olga, bruno):
    before = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).count()
    # They see the household but do not answer for the network: 403.
    for user in (alice, marco):
        assert client_for(user).get(url(name, person)).status_code == 403
    # They do not see it at all: 404.
    for user in (olga, bruno):
        assert client_for(user).get(url(name, person)).status_code == 404
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).count() == before


def test_scoping_matrix_of_the_erasure(client_for, person, carla, alice, marco, bruno):
    close_case(person.household, TODAY.replace(year=TODAY.year - 11))
    anonymise = url("household_anonymise", person.household)
    assert client_for(carla).get(anonymise).status_code == 405
    for user, status in ((alice, 403), (marco, 403), (bruno, 404)):
        response = client_for(user).post(anonymise, {"confirm": "1"})
        assert response.status_code == status
    person.refresh_from_db()
    assert person.first_name == "Fatima"


# Erasure ---------------------------------------------------------------------------------


def test_erasure_is_refused_with_the_reason_while_the_case_is_open(client_for, carla, person):
    client = client_for(carla)
    page = client.get(url("person_data", person)).content.decode()
    assert 'data-testid="erasure-refused"' in page
    assert "ancora aperta" in page
    response = client.post(
        url("household_anonymise", person.household),
        {"confirm": "1", "person": str(person.public_id)},
        follow=True,
    )
    assert "Anonimizzazione rifiutata" in response.content.decode()
    assert "ancora aperta" in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Fatima"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ANONYMISE).exists()


def test_erasure_is_refused_until_the_retention_period_ends(client_for, carla, person, settings):
    settings.RETENTION_YEARS = 10
    closed = TODAY.replace(year=TODAY.year - 3)
    close_case(person.household, closed)
    page = client_for(carla).get(url("person_data", person)).content.decode()
    until = closed.replace(year=closed.year + 10).strftime("%d/%m/%Y")
    assert f"fino al {until}" in page
    [obstacle] = privacy_services.retention_obstacles(person.household)
    assert obstacle.until == closed.replace(year=closed.year + 10)
    # A shorter period, set by the operator, frees it.
    settings.RETENTION_YEARS = 2
    assert privacy_services.retention_obstacles(person.household) == []


def test_erasure_anonymises_the_household_and_the_audit_copies(
    client_for, carla, person, private_storage_root, django_capture_on_commit_callbacks
):
    household = person.household
    document = Document.objects.get()
    path = document.file.path
    with open(path, "rb") as stored:
        assert stored.read() == b"%PDF-1.4"
    close_case(household, TODAY.replace(year=TODAY.year - 11))
    birth_year = person.birth_date.year
    # The audit trail holds copies of the values before erasure.
    assert AuditEvent.objects.filter(household=household, changes__icontains="Fatima").exists()

    client = client_for(carla)
    page = client.get(url("person_data", person)).content.decode()
    assert "Anonimizza il nucleo" in page
    # The files go when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("household_anonymise", household),
            {"confirm": "1", "person": str(person.public_id)},
        )
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.first_name == "Anonimo" and "El Amrani" not in person.last_name
    assert person.codice_fiscale == "" and person.phone == "" and person.email == ""
    assert person.birth_date == datetime.date(birth_year, 1, 1)
    household.refresh_from_db()
    assert household.current_address == "" and household.notes == ""
    assert not CaseNote.objects.filter(text__icontains="Fatima").exists()
    assert not CaseNote.objects.filter(text__icontains="antiviolenza").exists()
    assert not Document.objects.exists()
    assert not os.path.exists(path), "the document's file is deleted"
    # No value survives in the audit trail's copies, nor in its descriptions.
    for event in AuditEvent.objects.filter(household=household):
        text = json.dumps(event.changes) + event.object_repr
        for secret in ("Fatima", "El Amrani", "LMRFTM88E57Z330T", "Via dei Mille", "marito"):
            assert secret not in text
    assert AuditEvent.objects.filter(
        household=household, action=AuditEvent.Action.ANONYMISE, actor=carla
    ).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ERASURE, user=carla).exists()
    # What is left still counts for the statistics: the case, its dates, the kinds.
    assert Case.objects.filter(household=household, closed_on__isnull=False).exists()
    assert household.vulnerabilities.count() == 2
    # And a second erasure says it is done.
    again = client.get(url("person_data", person)).content.decode()
    assert 'data-testid="anonymised"' in again


def test_erasure_needs_the_confirmation(client_for, carla, person):
    close_case(person.household, TODAY.replace(year=TODAY.year - 11))
    client_for(carla).post(url("household_anonymise", person.household), {})
    person.refresh_from_db()
    assert person.first_name == "Fatima"


def test_a_running_referral_also_keeps_the_records(carla, person, project_alfa, comune_uno):
    close_case(person.household, TODAY.replace(year=TODAY.year - 11))
    ReferralFactory(household=person.household, project=project_alfa, status="sent")
    reasons = [o.reason for o in privacy_services.retention_obstacles(person.household)]
    assert any("segnalazione" in r for r in reasons)


# The daily retention command ---------------------------------------------------------------


def test_apply_retention_anonymises_only_households_past_the_period(
    person, project_alfa, coop_alfa, comune_uno, capsys
):
    old = person.household
    close_case(old, TODAY.replace(year=TODAY.year - 11))
    recent = PersonFactory(household__registered_by=comune_uno, first_name="Recente")
    CaseFactory(
        household=recent.household,
        project=project_alfa,
        holding_organisation=coop_alfa,
        opened_on=TODAY.replace(year=TODAY.year - 4),
        closed_on=TODAY.replace(year=TODAY.year - 3),
    )
    still_open = PersonFactory(household__registered_by=comune_uno, first_name="Aperto")
    CaseFactory(
        household=still_open.household,
        project=project_alfa,
        holding_organisation=coop_alfa,
        opened_on=TODAY.replace(year=TODAY.year - 12),
    )
    # An old closed case and a newer open one: still kept.
    CaseFactory(
        household=still_open.household,
        project=project_alfa,
        holding_organisation=coop_alfa,
        opened_on=TODAY.replace(year=TODAY.year - 15),
        closed_on=TODAY.replace(year=TODAY.year - 14),
    )

    call_command("apply_retention", "--dry-run")
    assert "1 nuclei" in capsys.readouterr().out
    assert Person.objects.get(pk=person.pk).first_name == "Fatima"

    call_command("apply_retention")
    assert "1 nuclei anonimizzati" in capsys.readouterr().out
    assert Person.objects.get(pk=person.pk).first_name == "Anonimo"
    assert Person.objects.get(pk=recent.pk).first_name == "Recente"
    assert Person.objects.get(pk=still_open.pk).first_name == "Aperto"
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ERASURE)
    assert event.user is None and event.details["by"] == "retention"

    # Run again the next day: nothing more to do.
    call_command("apply_retention")
    assert "0 nuclei anonimizzati" in capsys.readouterr().out


def test_a_document_download_is_in_the_security_log(client_for, alice, person):
    document = Document.objects.get()
    response = client_for(alice).get(
        reverse("beneficiaries:document_download", args=[document.public_id])
    )
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.DOWNLOAD)
    assert event.user == alice
    assert event.details == {"document": str(document.public_id), "kind": "identity"}


def test_the_personal_data_page_keeps_the_accessible_markup(client_for, carla, person):
    from tests.a11y import accessibility_problems

    page = client_for(carla).get(url("person_data", person)).content.decode()
    assert accessibility_problems(page) == []


def test_the_export_leaves_out_special_categories_for_a_role_that_may_not_read_them(
    marco, carla, person
):
    """The export follows the household file's rule (beneficiaries.selectors): built for
    someone who may not read health or violence data, it has none of it."""
    for_marco = privacy_services.person_export(user=marco, person=person)
    kinds = {v["tipo"]["valore"] for v in for_marco["nucleo"]["vulnerabilita"]}
    assert kinds == {"single_parent"}
    assert for_marco["nucleo"]["dati_particolari_omessi"] is True
    assert "domestic_violence" not in json.dumps(for_marco)
    for_carla = privacy_services.person_export(user=carla, person=person)
    assert for_carla["nucleo"]["dati_particolari_omessi"] is False
