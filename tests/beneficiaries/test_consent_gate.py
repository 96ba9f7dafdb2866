"""The consent gate of the pathway (issue 12): sending a referral, accepting it and
opening a case need the household's consent in force for case management (and what the
project adds) with the project's organisations; a minor never signs; a lapsed consent
shows on the case and the plan."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import (
    Case,
    CaseAssignment,
    Consent,
    Person,
    Referral,
    ReferralEvent,
    WaitingListEntry,
)
from beneficiaries.services import cases as cases_services
from beneficiaries.services import households as households_services
from beneficiaries.services import intake as intake_services
from beneficiaries.services.households import ConsentMissing
from core.models import AuditEvent
from notifications.models import Notification
from tests.factories import (
    ConsentFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ReferralFactory,
    SupportPlanFactory,
    give_consent,
)

pytestmark = pytest.mark.django_db

Status = Referral.Status
TODAY = timezone.localdate()
ROWS = (Referral, ReferralEvent, WaitingListEntry, Case, CaseAssignment, AuditEvent, Notification)


def counts():
    return {model.__name__: model.objects.count() for model in ROWS}


@pytest.fixture
def household(comune_uno):
    return PersonFactory(
        household__registered_by=comune_uno, first_name="Amina", last_name="Diallo"
    ).household


@pytest.fixture
def draft(household, project_alfa, comune_uno, marco):
    return ReferralFactory(
        household=household,
        project=project_alfa,
        referring_organisation=comune_uno,
        created_by=marco,
        status=Status.DRAFT,
        consent=False,
    )


def refused(call):
    before = counts()
    with pytest.raises(ConsentMissing) as caught:
        call()
    assert counts() == before, "a refused step must leave no row behind"
    return " ".join(caught.value.messages)


def test_sending_without_consent_is_refused_and_names_what_is_missing(draft, marco):
    message = refused(
        lambda: intake_services.referral_transition(user=marco, referral=draft, to_status="sent")
    )
    assert "Presa in carico e accompagnamento" in message
    assert "Cooperativa Alfa" in message
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.sent_at is None


def test_creating_and_sending_at_once_without_consent_saves_not_even_the_draft(
    household, project_alfa, comune_uno, marco
):
    refused(
        lambda: intake_services.referral_create(
            user=marco,
            household=household,
            project=project_alfa,
            referring_organisation=comune_uno,
            reason="Sfratto.",
            urgency=Referral.Urgency.HIGH,
            send=True,
        )
    )
    assert not Referral.objects.filter(household=household).exists()


def test_with_consent_the_referral_goes(draft, marco, project_alfa):
    give_consent(draft.household, project_alfa)
    intake_services.referral_transition(user=marco, referral=draft, to_status="sent")
    draft.refresh_from_db()
    assert draft.status == Status.SENT


def test_a_consent_naming_other_organisations_or_lapsed_does_not_count(
    draft, marco, coop_beta, project_alfa
):
    ConsentFactory(household=draft.household, organisations=[coop_beta])
    ConsentFactory(
        household=draft.household,
        organisations=[*project_alfa.participants.all()],
        given_on=TODAY - datetime.timedelta(days=400),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    ConsentFactory(
        household=draft.household,
        organisations=[*project_alfa.participants.all()],
        withdrawn_on=TODAY,
    )
    assert "Cooperativa Alfa" in refused(
        lambda: intake_services.referral_transition(user=marco, referral=draft, to_status="sent")
    )


def test_accepting_after_the_consent_was_withdrawn_is_refused(draft, marco, carla, project_alfa):
    give_consent(draft.household, project_alfa)
    intake_services.referral_transition(user=marco, referral=draft, to_status="sent")
    draft.household.consents.update(withdrawn_on=TODAY)
    refused(
        lambda: intake_services.referral_transition(
            user=carla, referral=draft, to_status="accepted"
        )
    )
    assert not WaitingListEntry.objects.exists()
    # Declining needs no consent: the household's data goes no further.
    intake_services.referral_transition(
        user=carla, referral=draft, to_status="declined", notes="Senza consenso."
    )


def test_a_project_may_require_more_purposes(draft, marco, project_alfa):
    project_alfa.required_consent_purposes = [Consent.Purpose.SPECIAL_CATEGORIES]
    project_alfa.full_clean()
    project_alfa.save()
    give_consent(draft.household, project_alfa, purposes=[Consent.Purpose.CASE_MANAGEMENT])
    message = refused(
        lambda: intake_services.referral_transition(user=marco, referral=draft, to_status="sent")
    )
    assert "Dati particolari (salute, violenza)" in message
    assert "Presa in carico" not in message


def test_a_project_refuses_unknown_purposes(project_alfa):
    project_alfa.required_consent_purposes = ["gossip"]
    with pytest.raises(ValidationError) as caught:
        project_alfa.full_clean()
    assert "required_consent_purposes" in caught.value.message_dict


def test_opening_a_case_needs_the_holding_organisation_in_the_consent(
    household, project_alfa, comune_uno, carla, alice
):
    partner = OrganisationFactory(name="Cooperativa Gamma")
    referral = ReferralFactory(
        household=household, project=project_alfa, status=Status.ACCEPTED, consent=False
    )
    give_consent(household, project_alfa)  # before Gamma joined the project
    ParticipationFactory(project=project_alfa, organisation=partner, role="partner")
    message = refused(
        lambda: cases_services.case_open(
            user=carla, referral=referral, holding_organisation=partner, workers=[]
        )
    )
    assert "Cooperativa Gamma" in message and "Cooperativa Alfa" not in message


def test_the_refusal_on_the_page_links_to_the_consent_form(client_for, draft, marco):
    response = client_for(marco).post(
        reverse("beneficiaries:referral_transition", args=[draft.public_id]),
        {"to_status": "sent"},
        follow=True,
    )
    html = response.content.decode()
    consent_url = reverse("beneficiaries:consent_create", args=[draft.household.public_id])
    assert "Manca un consenso valido del nucleo" in html
    assert f'href="{consent_url}"' in html
    assert 'data-testid="consent-missing-gate"' in html  # told before pressing, too
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_refusal_is_in_english_for_an_english_user(client_for, draft, marco):
    response = client_for(marco).post(
        reverse("beneficiaries:referral_transition", args=[draft.public_id]),
        {"to_status": "sent"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "valid consent" in response.content.decode()


def test_the_case_form_says_what_consent_is_missing(client_for, household, project_alfa, carla):
    referral = ReferralFactory(
        household=household, project=project_alfa, status=Status.ACCEPTED, consent=False
    )
    html = (
        client_for(carla)
        .get(reverse("beneficiaries:case_open", args=[referral.public_id]))
        .content.decode()
    )
    assert 'data-testid="consent-missing-gate"' in html


# Who signs --------------------------------------------------------------------------


def consent_fields(**overrides):
    fields = {
        "purpose": Consent.Purpose.CASE_MANAGEMENT,
        "legal_basis": Consent.LegalBasis.CONSENT,
        "given_on": TODAY,
    }
    fields.update(overrides)
    return fields


def test_a_minor_never_signs(alice, household_alfa, coop_alfa):
    child = PersonFactory(
        household=household_alfa,
        relationship=Person.Relationship.CHILD,
        birth_date=TODAY - datetime.timedelta(days=365 * 15),
    )
    before = Consent.objects.count()
    with pytest.raises(ValidationError) as caught:
        households_services.consent_record(
            user=alice,
            household=household_alfa,
            organisations=[coop_alfa],
            **consent_fields(given_by=child),
        )
    assert "è minorenne e non può firmare" in " ".join(caught.value.message_dict["given_by"])
    assert Consent.objects.count() == before


def test_a_legal_guardian_signs_for_a_household_of_minors(alice, household_alfa, coop_alfa):
    consent = households_services.consent_record(
        user=alice,
        household=household_alfa,
        organisations=[coop_alfa],
        **consent_fields(guardian_name="  Avv. Paola Conti "),
    )
    assert consent.guardian_name == "Avv. Paola Conti" and consent.given_by is None


def test_the_consent_form_refuses_a_minor(client_for, alice, household_alfa, coop_alfa):
    child = PersonFactory(
        household=household_alfa,
        relationship=Person.Relationship.CHILD,
        birth_date=TODAY - datetime.timedelta(days=365 * 10),
    )
    before = Consent.objects.count()
    response = client_for(alice).post(
        reverse("beneficiaries:consent_create", args=[household_alfa.public_id]),
        {
            "purpose": "case_management",
            "legal_basis": "consent",
            "given_by": child.pk,
            "organisations": [coop_alfa.pk],
            "given_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "è minorenne e non può firmare il consenso" in response.content.decode()
    assert Consent.objects.count() == before


# A lapsed consent shows where the work is done ------------------------------------


def test_a_lapsed_consent_shows_on_the_case_and_the_plan(client_for, alice, case_alfa):
    case_alfa.household.consents.update(withdrawn_on=TODAY)
    SupportPlanFactory(case=case_alfa)
    client = client_for(alice)
    for url in (
        reverse("beneficiaries:case_detail", args=[case_alfa.public_id]),
        reverse("beneficiaries:plan_detail", args=[case_alfa.public_id]),
    ):
        html = client.get(url).content.decode()
        assert 'data-testid="consent-lapsed"' in html, url
        assert "revocato il" in html


def test_a_valid_consent_shows_no_alert(client_for, alice, case_alfa):
    html = (
        client_for(alice)
        .get(reverse("beneficiaries:case_detail", args=[case_alfa.public_id]))
        .content.decode()
    )
    assert 'data-testid="consent-lapsed"' not in html


def test_a_replaced_consent_is_not_lapsed(client_for, alice, case_alfa):
    case_alfa.household.consents.update(
        given_on=TODAY - datetime.timedelta(days=400), expires_on=TODAY - datetime.timedelta(days=5)
    )
    give_consent(case_alfa.household, case_alfa.project, purposes=["case_management"])
    html = (
        client_for(alice)
        .get(reverse("beneficiaries:case_detail", args=[case_alfa.public_id]))
        .content.decode()
    )
    assert 'data-testid="consent-lapsed"' not in html
