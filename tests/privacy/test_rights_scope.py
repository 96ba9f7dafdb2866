"""What a person's export holds and who answers for it (issue 11, defects 2 and 3).

Unique markers are planted in every record that must stay out of someone's export (a
confidential diary entry of the household's own cooperative and one of another
organisation, the mother's special-category data and document, a case and a referral of
another project) and in records that must be in it; each export is searched for all of
them. Erasure of a household whose referral was declined works and leaves no marker
anywhere in the database; a household nobody referred is answered for by the
organisation that registered it."""

import json

import pytest
from django.apps import apps
from django.core import serializers
from django.urls import reverse

from beneficiaries.models import Referral
from core.access import access_for
from privacy import services as privacy_services
from tests.factories import (
    PersonFactory,
    ReferralFactory,
)
from tests.privacy.conftest import markers_in

pytestmark = pytest.mark.django_db


def test_the_export_of_a_child_holds_no_confidential_note_nor_the_mothers_special_data(
    world, carla, client_for
):
    response = client_for(carla).get(
        reverse("privacy:person_data_json", args=[world["amir"].public_id])
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert markers_in(data) == {"MK-OPEN-NOTE", "MK-CHILD-DOC"}
    assert "Centro Antiviolenza" not in response.content.decode()
    assert data["nucleo"]["dati_particolari_omessi"] is True
    assert {v["tipo"]["valore"] for v in data["nucleo"]["vulnerabilita"]} == {"single_parent"}
    # The mother appears by name and relationship only.
    assert data["nucleo"]["altri_componenti"] == [
        {
            "nome": "Fatima El Amrani",
            "relazione": {"valore": "reference", "etichetta": "Persona di riferimento"},
        }
    ]
    # The readable page holds the same, and no more.
    page = client_for(carla).get(reverse("privacy:person_data", args=[world["amir"].public_id]))
    assert markers_in(page.content.decode()) == {"MK-OPEN-NOTE", "MK-CHILD-DOC"}


def test_the_reference_persons_export_has_the_households_special_data_for_who_may_read_it(
    world, carla, alice, marco
):
    fatima = world["fatima"]
    for user in (carla, alice):
        expected = {"MK-OPEN-NOTE", "MK-SPECIAL-MOTHER", "MK-MOTHER-DOC"}
        assert markers_in(privacy_services.person_export(user=user, person=fatima)) == expected
    # The municipal referrer may not read special categories nor the casework.
    assert "MK-SPECIAL-MOTHER" not in markers_in(
        privacy_services.person_export(user=marco, person=fatima)
    )


def test_the_export_never_holds_a_case_of_a_project_the_user_may_not_see(world, carla, bruno):
    for person in (world["fatima"], world["amir"]):
        found = markers_in(privacy_services.person_export(user=carla, person=person))
        assert not found & {"MK-BETA-NOTE", "MK-BETA-GOAL", "MK-BETA-REFERRAL"}
    # And the other way round: Beta's worker gets Casa Beta's case, never Casa Alfa's.
    for_bruno = privacy_services.person_export(user=bruno, person=world["fatima"])
    # Bruno works on the Beta case, so he may read the household's special categories;
    # Alfa's diary, plan and documents, and the referral he did not send, stay out.
    assert markers_in(for_bruno) == {"MK-BETA-NOTE", "MK-BETA-GOAL", "MK-SPECIAL-MOTHER"}
    assert [c["progetto"] for c in for_bruno["prese_in_carico"]] == ["Casa Beta"]
    # Only the audit events of rows in the export: none about Casa Alfa's case.
    alfa_case = world["fatima"].household.cases.get(project__name="Casa Alfa")
    assert str(alfa_case.pk) not in json.dumps(for_bruno["storico_dei_trattamenti"])


# Issue 11, defect 3 -------------------------------------------------------------------------


def database_text() -> str:
    """Every row of every model of the project's apps, serialised."""
    chunks = []
    for label in ("core", "users", "partners", "projects", "housing", "beneficiaries"):
        for model in apps.get_app_config(label).get_models():
            chunks.append(serializers.serialize("json", model.objects.all()))
    return "\n".join(chunks)


def test_erasure_of_a_household_whose_referral_was_declined_works(
    client_for, carla, project_alfa, comune_uno
):
    person = PersonFactory(
        household__registered_by=comune_uno,
        first_name="MK-DECLINED-NAME",
        last_name="MK-DECLINED-SURNAME",
    )
    household = person.household
    referral = ReferralFactory(
        household=household,
        project=project_alfa,
        status=Referral.Status.DECLINED,
        reason="MK-DECLINED-REASON",
        decision_notes="MK-DECLINED-DECISION",
    )
    assert "MK-DECLINED-DECISION" in database_text()
    response = client_for(carla).post(
        reverse("privacy:household_anonymise", args=[household.public_id]), {"confirm": "1"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    # The check constraint still holds: a declined referral keeps a (cleared) reason.
    assert referral.status == Referral.Status.DECLINED
    assert referral.decision_notes == "—" and referral.reason == "—"
    assert "MK-DECLINED" not in database_text()


def test_a_household_nobody_referred_is_answered_for_by_the_organisation_that_registered_it(
    client_for, carla, alice, marco, bruno, coop_alfa, comune_uno, project_beta
):
    by_comune = PersonFactory(household__registered_by=comune_uno, first_name="Unreferred")
    by_alfa = PersonFactory(household__registered_by=coop_alfa, first_name="Registered")
    page = "privacy:person_data"

    # Registered by the municipality: its referrer answers; Alfa does not even see it.
    assert client_for(marco).get(reverse(page, args=[by_comune.public_id])).status_code == 200
    for user in (carla, alice, bruno):
        assert client_for(user).get(reverse(page, args=[by_comune.public_id])).status_code == 404
    household_page = client_for(marco).get(by_comune.household.get_absolute_url())
    assert reverse(page, args=[by_comune.public_id]) in household_page.content.decode()

    # Registered by Alfa: its coordinator answers, its social worker sees it but does not.
    assert client_for(carla).get(reverse(page, args=[by_alfa.public_id])).status_code == 200
    assert client_for(alice).get(reverse(page, args=[by_alfa.public_id])).status_code == 403
    # A draft referral changes nothing; once referred, the project's coordinators answer.
    draft = ReferralFactory(household=by_alfa.household, project=project_beta, status="draft")
    assert access_for(carla).may_exercise_rights(by_alfa.household)
    Referral.objects.filter(pk=draft.pk).update(status=Referral.Status.SENT)
    assert not access_for(carla).may_exercise_rights(by_alfa.household)

    # The municipality's referrer erases the household it registered.
    response = client_for(marco).post(
        reverse("privacy:household_anonymise", args=[by_comune.household.public_id]),
        {"confirm": "1"},
    )
    assert response.status_code == 302
    by_comune.refresh_from_db()
    assert by_comune.first_name == "Anonimo"


def test_a_project_household_stays_with_the_projects_coordinators(
    client_for, marco, household_alfa
):
    """household_alfa has a case in Casa Alfa: its registering municipality does not
    answer for it (tests/privacy/test_gdpr.py's matrix, from the other side)."""
    assert not access_for(marco).may_exercise_rights(household_alfa)


def test_the_trail_in_an_export_is_about_the_rows_of_that_export(world, carla):
    from beneficiaries.services import households as households_services

    households_services.person_update(user=carla, person=world["fatima"], phone="333 100 0001")
    households_services.person_update(user=carla, person=world["amir"], phone="333 100 0002")
    households_services.person_update(user=carla, person=world["amir"], phone="333 100 0003")
    for person, changes in ((world["fatima"], 1), (world["amir"], 2)):
        trail = privacy_services.person_export(user=carla, person=person)["storico_dei_trattamenti"]
        people_events = [e for e in trail if e["dato"] == "beneficiaries.Person"]
        assert len(people_events) == changes
        assert all(e["chi"] == "Carla Bianchi" for e in people_events)
