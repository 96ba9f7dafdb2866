"""ETHOS Light recorded through the forms (issue 19, item 1): at the exit and at a
follow-up, with each category's definition beside the choice; a wrong value is refused
with a clear message and nothing is saved."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Case, CaseExit, Consent, FollowUp

pytestmark = pytest.mark.django_db

D = datetime.date


def close(client, case, **extra):
    return client.post(
        reverse("housing:case_close", args=[case.public_id]),
        {
            "closed_on": "2026-06-30",
            "reason": "goals_reached",
            "destination": "public_housing",
            "autonomy_reached": "partly",
            "schedule_follow_ups": "on",
            **extra,
        },
    )


@pytest.fixture
def follow_up_consent(case_alfa):
    Consent.objects.create(
        household=case_alfa.household,
        purpose="follow_up",
        legal_basis="consent",
        given_on=D(2026, 1, 15),
    )


def test_the_exit_form_shows_each_category_with_its_definition(client_for, alice, case_alfa):
    html = client_for(alice).get(reverse("housing:case_close", args=[case_alfa.public_id]))
    html = html.content.decode()
    assert "1. Persone che vivono in strada" in html
    assert "senza un riparo che si possa definire alloggio" in html
    assert 'name="ethos_light"' in html


def test_ethos_at_exit_and_at_follow_up_are_recorded_and_shown(
    client_for, alice, case_alfa, follow_up_consent
):
    Case.objects.filter(pk=case_alfa.pk).update(ethos_light="6")
    client = client_for(alice)
    assert close(client, case_alfa, ethos_light="0").status_code == 302
    assert CaseExit.objects.get(case=case_alfa).ethos_light == "0"
    first = FollowUp.objects.get(case=case_alfa, months_after_exit=3)
    response = client.post(
        reverse("beneficiaries:follow_up_record", args=[first.pk]),
        {
            "done_on": "2026-10-01",
            "still_housed": "yes",
            "housing_situation": "public_housing",
            "ethos_light": "0",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.ethos_light == "0"
    page = client.get(reverse("beneficiaries:case_exit", args=[case_alfa.public_id]))
    page = page.content.decode()
    assert "6. Persone ospitate temporaneamente" in page  # at entry → at exit
    assert "Non in condizione di grave esclusione abitativa" in page


def test_an_unknown_category_is_refused_and_nothing_is_saved(client_for, alice, case_alfa):
    response = close(client_for(alice), case_alfa, ethos_light="9", schedule_follow_ups="")
    assert response.status_code == 200
    assert "Scegli una delle categorie ETHOS Light." in response.content.decode()
    assert not CaseExit.objects.filter(case=case_alfa).exists()
    case_alfa.refresh_from_db()
    assert case_alfa.closed_on is None
