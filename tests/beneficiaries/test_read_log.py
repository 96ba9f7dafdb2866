"""The read log is complete: every page that shows a case file or a person's data writes
who opened it, like the household file (GDPR accountability, art. 5(2) and 32).

A refused request writes nothing: reading is logged only when the page is shown."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import SupportPlanFactory

pytestmark = pytest.mark.django_db

VIEW = AuditEvent.Action.VIEW

CASE_PAGES = [
    ("beneficiaries:case_detail", "scheda"),
    ("beneficiaries:plan_detail", "progetto individualizzato"),
    ("beneficiaries:assessment_list", "valutazioni dell'autonomia"),
    ("beneficiaries:diary_list", "diario"),
    ("beneficiaries:document_list", "documenti"),
    # An open case's exit form is housing's page (closing ends the placement too).
    ("housing:case_close", "dimissione e follow-up"),
]


@pytest.mark.parametrize(("url_name", "page"), CASE_PAGES)
def test_opening_a_case_page_is_logged_with_the_page(client_for, alice, case_alfa, url_name, page):
    SupportPlanFactory(case=case_alfa)
    response = client_for(alice).get(reverse(url_name, args=[case_alfa.public_id]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=VIEW)
    assert (event.actor, event.household, event.case) == (alice, case_alfa.household, case_alfa)
    assert event.model_label == "beneficiaries.Case"
    assert event.object_repr.endswith(f" · {page}")


def test_the_page_is_named_in_italian_whatever_the_readers_language(client_for, alice, case_alfa):
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    client.get(
        reverse("beneficiaries:document_list", args=[case_alfa.public_id]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert AuditEvent.objects.get(action=VIEW).object_repr.endswith(" · documenti")


def test_opening_a_person_form_is_logged(client_for, alice, household_alfa):
    person = household_alfa.members.first()
    response = client_for(alice).get(
        reverse("beneficiaries:person_update", args=[person.public_id])
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=VIEW)
    assert (event.actor, event.household, event.model_label, event.object_id) == (
        alice,
        household_alfa,
        "beneficiaries.Person",
        str(person.pk),
    )


def test_a_refused_opening_is_not_logged_as_a_read(client_for, bruno, case_alfa):
    for url_name, _page in CASE_PAGES:
        assert (
            client_for(bruno).get(reverse(url_name, args=[case_alfa.public_id])).status_code == 404
        )
    assert not AuditEvent.objects.filter(action=VIEW).exists()


def test_the_reads_show_in_the_household_history(client_for, alice, carla, case_alfa):
    client_for(alice).get(reverse("beneficiaries:document_list", args=[case_alfa.public_id]))
    response = client_for(carla).get(
        reverse("beneficiaries:household_history", args=[case_alfa.household.public_id])
    )
    assert "· documenti" in response.content.decode()
