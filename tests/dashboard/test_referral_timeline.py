"""The referrer follows the households it sent (issue 12): the timeline of a referral,
the home page's list with what changed since the last visit, and what never shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import (
    CaseExit,
    Document,
    FollowUp,
    Referral,
    ReferralEvent,
    Vulnerability,
)
from dashboard.models import HomeVisit
from housing.models import Placement
from tests.factories import (
    CaseFactory,
    CaseNoteFactory,
    HousingUnitFactory,
    PersonFactory,
    PropertyFactory,
    ReferralFactory,
    SupportPlanFactory,
    WaitingListEntryFactory,
)

pytestmark = pytest.mark.django_db

Status = Referral.Status
TODAY = timezone.localdate()
DIARY = "Colloquio riservato sulla salute della madre"
PLAN = "Obiettivo generale segretissimo"
DOCUMENT = "referto-ospedale.pdf"
ADDRESS = "Via dei Segreti 7"


def timeline_url(referral):
    return reverse("dashboard:referral_timeline", args=[referral.public_id])


def _events(referral, *moves):
    at = timezone.now() - datetime.timedelta(days=300)
    for n, (from_status, to_status, notes) in enumerate(moves):
        ReferralEvent.objects.create(
            referral=referral,
            from_status=from_status,
            to_status=to_status,
            at=at + datetime.timedelta(days=n),
            notes=notes,
        )


@pytest.fixture
def pathway(household_alfa, case_alfa, coop_alfa, project_alfa, comune_uno):
    """household_alfa's whole pathway: sent, assessed, accepted, waited, taken in
    charge, placed, exited, followed up; with a diary, a plan, a document and a special
    category that the referrer must never see."""
    referral = household_alfa.referrals.get()
    _events(
        referral,
        ("draft", "sent", ""),
        ("sent", "under_assessment", ""),
        ("under_assessment", "accepted", "Requisiti verificati"),
    )
    WaitingListEntryFactory(
        referral=referral, added_on=datetime.date(2026, 2, 1), removed_on=datetime.date(2026, 3, 1)
    )
    unit = HousingUnitFactory(
        project=project_alfa,
        property=PropertyFactory(
            address=ADDRESS, town="Pozzuolo Martesana", managing_organisation=coop_alfa
        ),
    )
    Placement.objects.create(
        household=household_alfa,
        case=case_alfa,
        unit=unit,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 9, 30),
        exit_reason="autonomy",
        destination="own_rented_home",
    )
    case_alfa.closed_on = datetime.date(2026, 9, 30)
    case_alfa.save()
    CaseExit.objects.create(
        case=case_alfa,
        closed_on=datetime.date(2026, 9, 30),
        reason="goals_reached",
        destination="own_rented_home",
        autonomy_reached="yes",
        notes="Note di uscita riservate",
    )
    FollowUp.objects.create(
        case=case_alfa,
        months_after_exit=3,
        due_on=datetime.date(2026, 12, 30),
        done_on=datetime.date(2026, 11, 30),
        still_housed="yes",
    )
    CaseNoteFactory(case=case_alfa, text=DIARY)
    SupportPlanFactory(case=case_alfa, summary=PLAN)
    Document.objects.create(
        case=case_alfa,
        kind="other",
        file="documents/x.pdf",
        original_name=DOCUMENT,
        content_type="application/pdf",
        size=10,
    )
    Vulnerability.objects.create(household=household_alfa, kind="health")
    return referral


def test_the_referrer_sees_the_whole_pathway_and_nothing_confidential(client_for, marco, pathway):
    response = client_for(marco).get(timeline_url(pathway))
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ("sent", "under_assessment", "accepted", "waiting", "case", "placed"):
        assert f'data-testid="step-{testid}"' in html, testid
    assert "Cooperativa Alfa" in html  # who took the household in charge
    assert "Pozzuolo Martesana" in html  # the municipality of the unit...
    assert ADDRESS not in html  # ...never the address
    assert 'data-testid="step-exited"' in html
    assert "Destinazione: Soluzione stabile · autonomia raggiunta: Sì" in html
    assert "Sì, ha ancora una casa" in html
    for secret in (DIARY, PLAN, DOCUMENT, "Problemi di salute", "Note di uscita riservate"):
        assert secret not in html, secret


def test_a_decline_shows_its_reason(client_for, marco, comune_uno, project_alfa):
    referral = ReferralFactory(
        household=PersonFactory(household__registered_by=comune_uno).household,
        project=project_alfa,
        status=Status.DECLINED,
        decision_notes="Fuori dal territorio servito",
    )
    _events(referral, ("draft", "sent", ""), ("sent", "declined", "Fuori dal territorio servito"))
    html = client_for(marco).get(timeline_url(referral)).content.decode()
    assert 'data-testid="step-declined"' in html
    assert "Fuori dal territorio servito" in html


@pytest.mark.parametrize(("ahead", "band"), [(0, "tra i primi 5"), (7, "6–20"), (25, "oltre 20")])
def test_the_waiting_list_is_told_as_a_band(
    client_for, marco, comune_uno, project_alfa, ahead, band
):
    for _n in range(ahead):
        WaitingListEntryFactory(
            referral__project=project_alfa,
            referral__urgency=Referral.Urgency.EMERGENCY,
            added_on=datetime.date(2026, 1, 1),
        )
    referral = ReferralFactory(
        household=PersonFactory(household__registered_by=comune_uno).household,
        project=project_alfa,
        status=Status.ACCEPTED,
        urgency=Referral.Urgency.LOW,
    )
    WaitingListEntryFactory(referral=referral, added_on=TODAY)
    html = client_for(marco).get(timeline_url(referral)).content.decode()
    assert f"Posizione: {band}" in html


def test_the_outsider_gets_404_and_the_coordinator_403(client_for, bruno, carla, pathway):
    assert client_for(bruno).get(timeline_url(pathway)).status_code == 404
    # The project's coordinator sees the referral, but follows it on its own pages.
    assert client_for(carla).get(timeline_url(pathway)).status_code == 403


def test_a_referrer_of_another_municipality_gets_404(client_for, pathway):
    from partners.models import StaffMembership
    from tests.factories import MunicipalityFactory, StaffMembershipFactory, UserFactory

    other = UserFactory(username="rita")
    StaffMembershipFactory(
        user=other, organisation=MunicipalityFactory(), role=StaffMembership.Role.MUNICIPAL_REFERRER
    )
    assert client_for(other).get(timeline_url(pathway)).status_code == 404


def test_a_draft_has_no_timeline(client_for, marco, comune_uno, project_alfa):
    draft = ReferralFactory(
        household=PersonFactory(household__registered_by=comune_uno).household,
        project=project_alfa,
        status=Status.DRAFT,
    )
    assert client_for(marco).get(timeline_url(draft)).status_code == 403


def test_the_timeline_is_get_only(client_for, marco, pathway):
    assert client_for(marco).post(timeline_url(pathway)).status_code == 405


def test_the_timeline_queries_do_not_grow(
    client_for, marco, pathway, case_alfa, django_assert_max_num_queries
):
    client = client_for(marco)
    client.get(timeline_url(pathway))
    with django_assert_max_num_queries(16) as first:
        client.get(timeline_url(pathway))
    for months in (6, 12):
        FollowUp.objects.create(
            case=case_alfa,
            months_after_exit=months,
            due_on=datetime.date(2027, 6, 30),
            done_on=TODAY,
            still_housed="no",
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(timeline_url(pathway)).content.decode()
    assert html.count('data-testid="step-follow_up"') == 3


# The referrer's home page -----------------------------------------------------------


def test_the_home_lists_the_referrals_and_marks_what_changed(
    client_for, marco, pathway, comune_uno, project_alfa
):
    client = client_for(marco)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="followed-referrals"' in html
    assert reverse("dashboard:referral_timeline", args=[pathway.public_id]) in html
    assert 'data-testid="changed"' in html  # the first visit: everything is new
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="changed"' not in html  # nothing happened since
    # Something happens: the referral moves.
    Referral.objects.filter(pk=pathway.pk).update(updated_at=timezone.now())
    html = client.get(reverse("home")).content.decode()
    assert html.count('data-testid="changed"') == 1
    assert HomeVisit.objects.filter(user=marco).count() == 1


def test_the_home_of_a_worker_has_no_referrer_list(client_for, alice, pathway):
    html = client_for(alice).get(reverse("home")).content.decode()
    assert 'data-testid="followed-referrals"' not in html


def test_the_home_list_queries_do_not_grow(
    client_for, marco, comune_uno, project_alfa, coop_alfa, django_assert_max_num_queries
):
    def refer():
        household = PersonFactory(household__registered_by=comune_uno).household
        referral = ReferralFactory(household=household, project=project_alfa, status="accepted")
        CaseFactory(
            household=household,
            project=project_alfa,
            referral=referral,
            holding_organisation=coop_alfa,
        )

    refer()
    client = client_for(marco)
    client.get(reverse("home"))
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("home"))
    for _n in range(5):
        refer()
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(reverse("home")).content.decode()
    assert html.count('data-testid="followed-referral"') == 6
