"""The intake in the browser's terms: referrals through their whole life, the waiting list
and its explanation, opening a case and assigning its workers."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Case, CaseAssignment, Person, Referral, WaitingListEntry
from core.models import AuditEvent
from partners.models import StaffMembership
from projects.models import Participation, PriorityRule
from tests.a11y import accessibility_problems
from tests.factories import (
    MunicipalityFactory,
    ParticipationFactory,
    PersonFactory,
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
    WaitingListEntryFactory,
    give_consent,
)

pytestmark = pytest.mark.django_db

Status = Referral.Status
Role = StaffMembership.Role
LIST_URL = reverse("beneficiaries:referral_list")


def create_url(household):
    return reverse("beneficiaries:referral_create", args=[household.public_id])


def transition_url(referral):
    return reverse("beneficiaries:referral_transition", args=[referral.public_id])


def case_open_url(referral):
    return reverse("beneficiaries:case_open", args=[referral.public_id])


def waiting_list_url(project):
    return reverse("beneficiaries:waiting_list", args=[project.slug])


@pytest.fixture
def household_new(comune_uno, project_alfa):
    """A household Comune Uno has just registered: no referral yet, and its consent to
    case management with Casa Alfa's organisations."""
    person = PersonFactory(
        household__registered_by=comune_uno,
        first_name="Amina",
        last_name="Diallo",
        codice_fiscale="",
    )
    give_consent(person.household, project_alfa)
    return person.household


@pytest.fixture
def sent_referral(household_new, project_alfa, comune_uno, marco):
    return ReferralFactory(
        household=household_new,
        project=project_alfa,
        referring_organisation=comune_uno,
        created_by=marco,
        status=Status.SENT,
        urgency=Referral.Urgency.MEDIUM,
    )


@pytest.fixture
def accepted_referral(household_new, project_alfa, comune_uno):
    referral = ReferralFactory(
        household=household_new,
        project=project_alfa,
        referring_organisation=comune_uno,
        status=Status.ACCEPTED,
    )
    WaitingListEntryFactory(referral=referral, added_on=timezone.localdate())
    return referral


# Creating a referral ---------------------------------------------------------------------


def test_referrer_sees_the_form_with_her_organisation_and_its_projects_only(
    client_for, marco, household_new, project_alfa, project_beta
):
    response = client_for(marco).get(create_url(household_new))
    assert response.status_code == 200
    html = response.text
    assert "Nuova segnalazione" in html
    assert "Comune Uno" in html
    assert f'<option value="{project_alfa.pk}">Casa Alfa</option>' in html
    assert "Casa Beta" not in html, "Comune Uno does not take part in Casa Beta"
    assert "Salva bozza" in html and ">Invia<" in html
    assert accessibility_problems(html) == []


def test_save_draft_keeps_it_with_the_referrer_until_sent(
    client_for, marco, carla, household_new, project_alfa, comune_uno
):
    response = client_for(marco).post(
        create_url(household_new),
        {
            "referring_organisation": comune_uno.pk,
            "project": project_alfa.pk,
            "reason": "Sfratto per morosità incolpevole.",
            "urgency": "high",
            "action": "draft",
        },
    )
    referral = Referral.objects.get(household=household_new)
    assert response.status_code == 302
    assert response["Location"] == referral.get_absolute_url()
    assert referral.status == Status.DRAFT
    assert referral.created_by == marco
    assert referral.referring_organisation == comune_uno
    assert "Casa Alfa" in client_for(marco).get(LIST_URL).text
    # The project's coordinator does not see a draft.
    assert client_for(carla).get(referral.get_absolute_url()).status_code == 404
    assert "Diallo" not in client_for(carla).get(LIST_URL).text


def test_send_at_once_reaches_the_coordinator(
    client_for, marco, carla, household_new, project_alfa, comune_uno
):
    client_for(marco).post(
        create_url(household_new),
        {
            "referring_organisation": comune_uno.pk,
            "project": project_alfa.pk,
            "reason": "Nucleo monoparentale in dormitorio.",
            "urgency": "emergency",
            "action": "send",
        },
    )
    referral = Referral.objects.get(household=household_new)
    assert referral.status == Status.SENT
    assert referral.sent_at is not None
    assert [(e.from_status, e.to_status, e.by) for e in referral.events.all()] == [
        ("", Status.DRAFT, marco),
        (Status.DRAFT, Status.SENT, marco),
    ]
    html = client_for(carla).get(LIST_URL).text
    assert "Nucleo Amina Diallo" in html
    assert "Emergenza" in html


def test_referral_to_a_project_the_organisation_does_not_take_part_in_is_refused(
    client_for, marco, household_new, project_beta, comune_uno
):
    response = client_for(marco).post(
        create_url(household_new),
        {
            "referring_organisation": comune_uno.pk,
            "project": project_beta.pk,
            "reason": "Prova.",
            "urgency": "low",
            "action": "send",
        },
    )
    assert response.status_code == 200
    assert "Comune Uno non partecipa al progetto Casa Beta" in response.text
    assert "non può inviargli segnalazioni" in response.text
    assert not Referral.objects.filter(household=household_new).exists()


def test_missing_reason_is_put_on_the_form(
    client_for, marco, household_new, project_alfa, comune_uno
):
    response = client_for(marco).post(
        create_url(household_new),
        {"referring_organisation": comune_uno.pk, "project": project_alfa.pk, "urgency": "low"},
    )
    assert response.status_code == 200
    assert "Questo campo è obbligatorio" in response.text
    assert not Referral.objects.exists()


def test_second_open_referral_to_the_same_project_is_refused(
    client_for, marco, sent_referral, project_alfa, comune_uno
):
    response = client_for(marco).post(
        create_url(sent_referral.household),
        {
            "referring_organisation": comune_uno.pk,
            "project": project_alfa.pk,
            "reason": "Di nuovo.",
            "urgency": "low",
            "action": "draft",
        },
    )
    assert "già una segnalazione in corso per questo progetto" in response.text
    assert Referral.objects.filter(household=sent_referral.household).count() == 1


def test_changing_organisation_reloads_only_its_projects(
    client_for, marco, household_new, project_alfa, project_beta
):
    # Marco also refers for a second municipality, which takes part in Casa Beta only.
    comune_due = MunicipalityFactory(name="Comune Due", istat_code="015002")
    StaffMembershipFactory(user=marco, organisation=comune_due, role=Role.MUNICIPAL_REFERRER)
    ParticipationFactory(
        project=project_beta, organisation=comune_due, role=Participation.Role.REFERRING_BODY
    )
    response = client_for(marco).get(
        create_url(household_new),
        {"referring_organisation": comune_due.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html, "only the project field is sent back"
    assert 'id="project-field"' in html
    assert "Casa Beta" in html
    assert "Casa Alfa" not in html
    # While the projects reload, the project field is disabled.
    page = client_for(marco).get(create_url(household_new)).text
    assert 'hx-disabled-elt="#project-field select"' in page


# The state machine -----------------------------------------------------------------------


def test_whole_life_of_a_referral_through_the_pages(
    client_for, marco, carla, household_new, project_alfa, comune_uno
):
    client_for(marco).post(
        create_url(household_new),
        {
            "referring_organisation": comune_uno.pk,
            "project": project_alfa.pk,
            "reason": "Sfratto esecutivo.",
            "urgency": "high",
            "action": "draft",
        },
    )
    referral = Referral.objects.get()
    # The referrer may send or withdraw a draft; nothing else is offered.
    html = client_for(marco).get(referral.get_absolute_url()).text
    assert ">Invia<" in html and ">Ritira<" in html
    assert "Accogli" not in html and "Avvia la valutazione" not in html
    client_for(marco).post(transition_url(referral), {"to_status": "sent"})

    # The coordinator may assess, accept or decline; not send nor withdraw.
    html = client_for(carla).get(referral.get_absolute_url()).text
    assert "Avvia la valutazione" in html and "Accogli" in html and "Non accogliere" in html
    assert ">Ritira<" not in html
    response = client_for(carla).post(transition_url(referral), {"to_status": "under_assessment"})
    assert response.status_code == 302
    response = client_for(carla).post(
        transition_url(referral), {"to_status": "accepted", "notes": "Requisiti verificati."}
    )
    assert response.status_code == 302

    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.decided_at is not None
    events = list(referral.events.all())
    assert [(e.from_status, e.to_status, e.by) for e in events] == [
        ("", Status.DRAFT, marco),
        (Status.DRAFT, Status.SENT, marco),
        (Status.SENT, Status.UNDER_ASSESSMENT, carla),
        (Status.UNDER_ASSESSMENT, Status.ACCEPTED, carla),
    ]
    assert all(e.at is not None for e in events)
    # Each change is in the audit trail too, with who made it.
    transitions = AuditEvent.objects.filter(
        action=AuditEvent.Action.TRANSITION, object_id=str(referral.pk)
    )
    assert [t.actor for t in transitions.order_by("at", "pk")] == [marco, carla, carla]
    # Accepting puts the household on the project's waiting list.
    entry = WaitingListEntry.objects.get(referral=referral)
    assert entry.project == project_alfa and entry.removed_on is None

    # The referrer sees the state and who changed it, and may no longer act.
    html = client_for(marco).get(referral.get_absolute_url()).text
    assert "Accolta" in html
    assert "Carla Bianchi" in html and "Marco Verdi" in html
    assert "Requisiti verificati." in html
    assert 'data-testid="actions"' not in html
    assert accessibility_problems(html) == []


def test_invalid_transition_gets_a_clear_message_and_changes_nothing(
    client_for, marco, sent_referral
):
    client = client_for(marco)
    client.post(transition_url(sent_referral), {"to_status": "withdrawn"})
    response = client.post(transition_url(sent_referral), {"to_status": "sent"}, follow=True)
    assert "Una segnalazione nello stato «Ritirata» non può passare a «Inviata»." in response.text
    sent_referral.refresh_from_db()
    assert sent_referral.status == Status.WITHDRAWN
    assert sent_referral.events.count() == 1


def test_unknown_state_is_refused(client_for, carla, sent_referral):
    response = client_for(carla).post(
        transition_url(sent_referral), {"to_status": "placed"}, follow=True
    )
    assert "Questa azione non esiste." in response.text
    sent_referral.refresh_from_db()
    assert sent_referral.status == Status.SENT


def test_decline_without_a_reason_is_refused(client_for, carla, sent_referral):
    response = client_for(carla).post(
        transition_url(sent_referral), {"to_status": "declined", "notes": "  "}, follow=True
    )
    assert "Indica il motivo per cui la segnalazione non è accolta." in response.text
    sent_referral.refresh_from_db()
    assert sent_referral.status == Status.SENT
    assert not sent_referral.events.exists()


def test_declined_referral_shows_its_reason_to_the_referrer(
    client_for, carla, marco, sent_referral
):
    client_for(carla).post(
        transition_url(sent_referral),
        {"to_status": "declined", "notes": "Il nucleo risiede fuori dal territorio servito."},
    )
    html = client_for(marco).get(sent_referral.get_absolute_url()).text
    assert "Non accolta" in html
    assert 'data-testid="decline-reason"' in html
    assert "Il nucleo risiede fuori dal territorio servito." in html
    assert not WaitingListEntry.objects.exists()


@pytest.mark.parametrize(
    ("actor", "to_status"),
    [
        ("marco", "accepted"),  # the referrer may not decide
        ("marco", "under_assessment"),
        ("carla", "withdrawn"),  # the coordinator may not withdraw what she did not send
    ],
)
def test_wrong_role_may_not_move_the_referral(request, client_for, sent_referral, actor, to_status):
    user = request.getfixturevalue(actor)
    response = client_for(user).post(transition_url(sent_referral), {"to_status": to_status})
    assert response.status_code == 403
    sent_referral.refresh_from_db()
    assert sent_referral.status == Status.SENT


def test_social_worker_of_the_coordinating_cooperative_may_send_but_not_decide(
    client_for, alice, coop_alfa, project_alfa, household_alfa
):
    """Alice's cooperative refers a household of its own: she may send it, only the
    coordinators may decide."""
    referral = ReferralFactory(
        household=household_alfa,
        project=project_alfa,
        referring_organisation=coop_alfa,
        created_by=alice,
        status=Status.DRAFT,
    )
    client = client_for(alice)
    assert client.post(transition_url(referral), {"to_status": "sent"}).status_code == 302
    assert client.post(transition_url(referral), {"to_status": "accepted"}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_referrer_sees_the_state_but_never_the_case(client_for, marco, carla, household_alfa):
    referral = household_alfa.referrals.get()
    case = household_alfa.cases.get()
    html = client_for(marco).get(referral.get_absolute_url()).text
    assert "Accolta" in html
    assert case.get_absolute_url() not in html
    assert "Alice Rossi" not in html, "the assigned worker belongs to the case"
    assert case.get_absolute_url() in client_for(carla).get(referral.get_absolute_url()).text


# The referral list -------------------------------------------------------------------------


def test_list_counts_and_filters(client_for, carla, project_alfa, comune_uno):
    for status, urgency in [
        (Status.SENT, "high"),
        (Status.SENT, "low"),
        (Status.UNDER_ASSESSMENT, "low"),
        (Status.DRAFT, "high"),  # not the coordinator's until sent
    ]:
        ReferralFactory(
            project=project_alfa,
            household__registered_by=comune_uno,
            status=status,
            urgency=urgency,
        )
    client = client_for(carla)
    html = client.get(LIST_URL).text
    assert 'data-testid="count-all">3<' in html
    assert 'data-testid="count-sent">2<' in html
    assert 'data-testid="count-under_assessment">1<' in html
    assert 'data-testid="count-draft">0<' in html
    assert "3 segnalazioni" in html
    assert waiting_list_url(project_alfa) in html
    assert accessibility_problems(html) == []

    assert "2 segnalazioni" in client.get(LIST_URL, {"status": "sent"}).text
    assert "1 segnalazione" in client.get(LIST_URL, {"status": "sent", "urgency": "high"}).text
    assert "3 segnalazioni" in client.get(LIST_URL, {"project": project_alfa.pk}).text
    response = client.get(LIST_URL, {"status": "placed"})
    assert 'data-testid="filter-errors"' in response.text
    assert "0 segnalazioni" in response.text


def test_list_is_paginated(client_for, marco, project_alfa, comune_uno):
    for _ in range(27):
        ReferralFactory(project=project_alfa, household__registered_by=comune_uno)
    client = client_for(marco)
    assert "Pagina 1 di 2" in client.get(LIST_URL).text
    page_two = client.get(LIST_URL, {"page": 2}).text
    assert page_two.count('data-testid="referral-status"') == 2


def test_list_runs_a_fixed_number_of_queries(
    client_for, carla, project_alfa, comune_uno, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            referral = ReferralFactory(project=project_alfa, household__registered_by=comune_uno)
            PersonFactory(household=referral.household, relationship=Person.Relationship.CHILD)

    client = client_for(carla)
    add(2)
    client.get(LIST_URL)  # warm up the session
    # 10 until issue 14: unfiltered, the counts by status give the list's length.
    with django_assert_num_queries(9) as few:
        assert client.get(LIST_URL).status_code == 200
    add(15)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(LIST_URL)


def test_the_list_pages_count_what_each_list_holds(client_for, carla, project_alfa, comune_uno):
    for n in range(27):
        ReferralFactory(
            project=project_alfa,
            household__registered_by=comune_uno,
            status="sent" if n % 9 else "accepted",
            sent_at=timezone.now(),
        )
    client = client_for(carla)

    def rows(html):
        return re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1).count("<tr>")

    # Unfiltered, the length comes from the counts by status: 27 referrals, two pages.
    everything = client.get(LIST_URL).text
    assert "Pagina 1 di 2" in everything and rows(everything) == 25
    assert rows(client.get(LIST_URL, {"page": 2}).text) == 2
    # Filtered, the list counts its own rows: 3 accepted, one page and no page links.
    accepted = client.get(LIST_URL, {"status": "accepted"}).text
    assert rows(accepted) == 3
    assert "Pagina 1 di" not in accepted


def test_user_without_a_frontline_role_may_not_list_referrals(client_for, coop_alfa):
    admin_of_alfa = UserFactory()
    StaffMembershipFactory(user=admin_of_alfa, organisation=coop_alfa, role=Role.ORGANISATION_ADMIN)
    assert client_for(admin_of_alfa).get(LIST_URL).status_code == 403


# The waiting list --------------------------------------------------------------------------


def _waiting(project, comune_uno, *, members, urgency, added_on):
    """A household on the project's waiting list; members as (sex, birth date, relationship)."""
    reference, *others = members
    person = PersonFactory(
        household__registered_by=comune_uno,
        sex=reference[0],
        birth_date=reference[1],
        first_name=reference[2],
        last_name="Test",
    )
    for sex, birth_date, first_name in others:
        PersonFactory(
            household=person.household,
            relationship=Person.Relationship.CHILD,
            sex=sex,
            birth_date=birth_date,
            first_name=first_name,
            last_name="Test",
        )
    return WaitingListEntryFactory(
        referral__household=person.household,
        referral__project=project,
        referral__urgency=urgency,
        added_on=added_on,
    )


def test_waiting_list_order_is_explained(client_for, carla, project_alfa, comune_uno):
    PriorityRule.objects.create(
        project=project_alfa, criterion=PriorityRule.Criterion.WOMAN_WITH_CHILDREN, points=30
    )
    today = timezone.localdate()
    # The single man has waited longer, but the mother with a child comes first.
    man = _waiting(
        project_alfa,
        comune_uno,
        members=[("M", datetime.date(1980, 3, 1), "Luca")],
        urgency="high",
        added_on=today - datetime.timedelta(days=14),
    )
    mother = _waiting(
        project_alfa,
        comune_uno,
        members=[
            ("F", datetime.date(1992, 6, 1), "Sara"),
            ("M", today - datetime.timedelta(days=365 * 4), "Omar"),
        ],
        urgency="high",
        added_on=today - datetime.timedelta(days=3),
    )
    response = client_for(carla).get(waiting_list_url(project_alfa))
    assert response.status_code == 200
    html = response.text
    assert html.index("Nucleo Sara Test") < html.index("Nucleo Luca Test")
    rows = html.split('data-testid="waiting-row"')[1:]
    assert 'data-testid="position">1<' in rows[0] and "Sara Test" in rows[0]
    assert 'data-testid="position">2<' in rows[1] and "Luca Test" in rows[1]
    # Why: the project's rule, the urgency and the weeks waited, with the total.
    assert "Donna con figli minori: <strong>+30</strong>" in rows[0]
    assert "Urgenza: Alta: <strong>+25</strong>" in rows[0]
    assert "Totale: 55 punti" in rows[0]
    assert "Donna con figli minori" not in rows[1]
    assert "Attesa: 2 settimane: <strong>+2</strong>" in rows[1]
    assert "Totale: 27 punti" in rows[1]
    assert "14 giorni" in rows[1] and "3 giorni" in rows[0]
    # Each row leads to opening a case.
    assert case_open_url(mother.referral) in rows[0]
    assert case_open_url(man.referral) in rows[1]
    assert accessibility_problems(html) == []


def test_waiting_list_shows_an_open_case_instead_of_the_button(
    client_for, carla, project_alfa, household_alfa
):
    referral = household_alfa.referrals.get()
    WaitingListEntryFactory(referral=referral)
    html = client_for(carla).get(waiting_list_url(project_alfa)).text
    assert household_alfa.cases.get().get_absolute_url() in html
    assert case_open_url(referral) not in html


def test_waiting_list_leaves_out_households_taken_off_it(
    client_for, carla, project_alfa, comune_uno
):
    entry = _waiting(
        project_alfa,
        comune_uno,
        members=[("F", datetime.date(1990, 1, 1), "Rita")],
        urgency="low",
        added_on=datetime.date(2026, 1, 5),
    )
    entry.removed_on = datetime.date(2026, 2, 1)
    entry.removal_reason = WaitingListEntry.RemovalReason.WITHDRAWN
    entry.save()
    html = client_for(carla).get(waiting_list_url(project_alfa)).text
    assert "Rita Test" not in html
    assert "Nessun nucleo in lista d'attesa." in html


def test_waiting_list_runs_a_fixed_number_of_queries(
    client_for, carla, project_alfa, comune_uno, django_assert_num_queries
):
    PriorityRule.objects.create(
        project=project_alfa, criterion=PriorityRule.Criterion.WOMAN_WITH_CHILDREN, points=30
    )

    def add(count):
        for n in range(count):
            _waiting(
                project_alfa,
                comune_uno,
                members=[
                    ("F", datetime.date(1990, 1, 1), f"Madre{n}"),
                    ("F", datetime.date(2020, 1, 1), f"Figlia{n}"),
                ],
                urgency="medium",
                added_on=datetime.date(2026, 3, 1),
            )

    client = client_for(carla)
    add(2)
    client.get(waiting_list_url(project_alfa))
    # 10 until issue 12; one more tells which households are returns; one more counts
    # the list since the database orders it and only the page's rows are read (issue 14).
    with django_assert_num_queries(12) as few:
        assert client.get(waiting_list_url(project_alfa)).status_code == 200
    add(12)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(waiting_list_url(project_alfa))


def test_waiting_list_shows_a_page_in_priority_order_with_the_same_queries(
    client_for, carla, project_alfa, comune_uno, django_assert_num_queries, monkeypatch
):
    from beneficiaries.views import intake as intake_views

    monkeypatch.setattr(intake_views, "PAGE_SIZE", 2)  # pages of four
    today = timezone.localdate()
    for n in range(6):  # the longer a household waited, the higher it comes
        _waiting(
            project_alfa,
            comune_uno,
            members=[("F", datetime.date(1990, 1, 1), f"Attesa{n}")],
            urgency="medium",
            added_on=today - datetime.timedelta(days=70 * (n + 1)),
        )
    client = client_for(carla)
    client.get(waiting_list_url(project_alfa))
    # 11 with the returns lookup (issue 12, item 5: the list marks returns); 12 with the
    # count of the list, which the database orders (issue 14).
    with django_assert_num_queries(12) as first:
        html = client.get(waiting_list_url(project_alfa)).text
    rows = html.split('data-testid="waiting-row"')[1:]
    assert len(rows) == 4 and "6 nuclei in attesa" in html
    assert 'data-testid="position">1<' in rows[0] and "Attesa5 Test" in rows[0]
    assert "Pagina 1 di 2" in html
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get(waiting_list_url(project_alfa) + "?page=2").text
    rows = html.split('data-testid="waiting-row"')[1:]
    assert len(rows) == 2
    assert 'data-testid="position">5<' in rows[0] and "Attesa1 Test" in rows[0]
    assert 'data-testid="position">6<' in rows[1] and "Attesa0 Test" in rows[1]


def test_waiting_list_is_for_the_project_coordinators(client_for, alice, marco, project_alfa):
    for user in (alice, marco):
        assert client_for(user).get(waiting_list_url(project_alfa)).status_code == 403


def test_unknown_project_has_no_waiting_list(client_for, carla):
    url = reverse("beneficiaries:waiting_list", args=["nessuno"])
    assert client_for(carla).get(url).status_code == 404


# Opening a case ----------------------------------------------------------------------------


def test_coordinator_opens_a_case_with_its_workers(
    client_for, carla, alice, coop_alfa, accepted_referral
):
    client = client_for(carla)
    html = client.get(accepted_referral.get_absolute_url()).text
    assert case_open_url(accepted_referral) in html, "the accepted referral offers the case"

    response = client.get(case_open_url(accepted_referral))
    assert response.status_code == 200
    html = response.text
    assert "Cooperativa Alfa" in html and "Alice Rossi" in html
    assert accessibility_problems(html) == []

    response = client.post(
        case_open_url(accepted_referral),
        {
            "holding_organisation": coop_alfa.pk,
            "workers": [alice.pk, carla.pk],
            "opened_on": "2026-02-02",
        },
    )
    case = Case.objects.get(household=accepted_referral.household)
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.holding_organisation == coop_alfa
    assert case.referral == accepted_referral
    assert case.opened_on == datetime.date(2026, 2, 2)
    assert set(case.workers.all()) == {alice, carla}

    html = client.get(case.get_absolute_url()).text
    assert "Alice Rossi" in html and "Carla Bianchi" in html
    assert accepted_referral.household.get_absolute_url() in html
    assert "2 febbraio 2026" in html
    assert accessibility_problems(html) == []


def test_second_open_case_for_the_same_household_and_project_is_refused(
    client_for, carla, alice, coop_alfa, household_alfa
):
    referral = household_alfa.referrals.get()
    before = (Case.objects.count(), CaseAssignment.objects.count(), AuditEvent.objects.count())
    response = client_for(carla).post(
        case_open_url(referral),
        {"holding_organisation": coop_alfa.pk, "workers": [carla.pk], "opened_on": "2026-03-01"},
    )
    assert response.status_code == 200
    assert "Il nucleo ha già una presa in carico aperta in questo progetto." in response.text
    after = (Case.objects.count(), CaseAssignment.objects.count(), AuditEvent.objects.count())
    assert after == before, "nothing is saved half-way"


def test_holding_organisation_not_in_the_project_is_refused(
    client_for, carla, coop_beta, accepted_referral
):
    response = client_for(carla).post(
        case_open_url(accepted_referral),
        {"holding_organisation": coop_beta.pk, "workers": [], "opened_on": "2026-03-01"},
    )
    assert response.status_code == 200
    assert (
        "Cooperativa Beta"
        not in response.text.split('id="id_holding_organisation"')[1].split("</select>")[0]
    ), "the dropdown offers only the project's organisations"
    # Both things wrong are said in one answer: the organisation and the missing workers.
    assert "Questo campo è obbligatorio" in response.text
    assert "Questo ente non lavora nel progetto." in response.text
    assert not Case.objects.filter(household=accepted_referral.household).exists()


def test_worker_not_of_the_holding_organisation_is_refused(
    client_for, carla, bruno, coop_alfa, accepted_referral, project_alfa, coop_beta
):
    # Beta becomes a partner of the project, so Bruno is a worker the form knows of,
    # but he does not work for Alfa.
    ParticipationFactory(project=project_alfa, organisation=coop_beta)
    before = (Case.objects.count(), AuditEvent.objects.count())
    response = client_for(carla).post(
        case_open_url(accepted_referral),
        {
            "holding_organisation": coop_alfa.pk,
            "workers": [carla.pk, bruno.pk],
            "opened_on": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert "Bruno Neri non lavora per l&#x27;ente titolare." in response.text
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_case_only_from_an_accepted_referral(client_for, carla, coop_alfa, sent_referral):
    response = client_for(carla).post(
        case_open_url(sent_referral),
        {"holding_organisation": coop_alfa.pk, "workers": [carla.pk], "opened_on": "2026-03-01"},
    )
    assert "Si può aprire una presa in carico solo da una segnalazione accolta." in response.text
    assert not Case.objects.exists()


def test_opening_date_in_the_future_is_refused(client_for, carla, coop_alfa, accepted_referral):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(carla).post(
        case_open_url(accepted_referral),
        {
            "holding_organisation": coop_alfa.pk,
            "workers": [carla.pk],
            "opened_on": tomorrow.isoformat(),
        },
    )
    assert "La data di apertura non può essere nel futuro." in response.text
    assert not Case.objects.exists()


def test_changing_holding_organisation_reloads_its_workers(
    client_for, carla, alice, bruno, coop_beta, project_alfa, accepted_referral
):
    ParticipationFactory(project=project_alfa, organisation=coop_beta)
    response = client_for(carla).get(
        case_open_url(accepted_referral),
        {"holding_organisation": coop_beta.pk},
        headers={"HX-Request": "true"},
    )
    html = response.text
    assert "<html" not in html
    assert 'id="workers-field"' in html
    assert "Bruno Neri" in html
    assert "Alice Rossi" not in html


def test_reloading_the_workers_keeps_those_already_ticked(
    client_for, carla, alice, coop_alfa, project_alfa, accepted_referral
):
    davide = UserFactory(first_name="Davide", last_name="Galli")
    StaffMembershipFactory(user=davide, organisation=coop_alfa, role=Role.SOCIAL_WORKER)
    response = client_for(carla).get(
        case_open_url(accepted_referral),
        {"holding_organisation": coop_alfa.pk, "workers": [alice.pk, "not-a-pk"]},
        headers={"HX-Request": "true"},
    )
    html = response.text
    # The ticked worker of the same organisation stays ticked; the others are offered.
    assert re.search(rf'value="{alice.pk}"[^>]*checked', html)
    assert not re.search(rf'value="{davide.pk}"[^>]*checked', html)
    assert "Davide Galli" in html


def test_the_organisation_field_sends_the_ticks_and_locks_them_while_reloading(
    client_for, carla, project_alfa, accepted_referral
):
    html = client_for(carla).get(case_open_url(accepted_referral)).text
    assert 'hx-include="#workers-field"' in html
    assert 'hx-disabled-elt="#workers-field fieldset"' in html


# Assigning workers -------------------------------------------------------------------------


def test_coordinator_sets_several_workers_at_once(
    client_for, carla, alice, coop_alfa, household_alfa
):
    case = household_alfa.cases.get()
    davide = UserFactory(first_name="Davide", last_name="Galli")
    StaffMembershipFactory(user=davide, organisation=coop_alfa, role=Role.SOCIAL_WORKER)
    url = reverse("beneficiaries:case_assign_workers", args=[case.public_id])
    response = client_for(carla).post(url, {"workers": [davide.pk, carla.pk]})
    assert response.status_code == 302
    assert set(case.workers.all()) == {davide, carla}, "Alice was unticked"
    html = client_for(carla).get(case.get_absolute_url()).text
    assert "Davide Galli" in html


def test_assigning_nobody_or_an_outsider_is_refused(
    client_for, carla, alice, bruno, coop_beta, project_alfa, household_alfa
):
    ParticipationFactory(project=project_alfa, organisation=coop_beta)
    case = household_alfa.cases.get()
    url = reverse("beneficiaries:case_assign_workers", args=[case.public_id])
    response = client_for(carla).post(url, {"workers": []})
    assert response.status_code == 200
    assert "Questo campo è obbligatorio" in response.text
    response = client_for(carla).post(url, {"workers": [bruno.pk]})
    assert "Bruno Neri non lavora per l&#x27;ente titolare." in response.text
    assert list(case.workers.all()) == [alice]


def test_social_worker_sees_the_case_but_may_not_assign(client_for, alice, household_alfa):
    case = household_alfa.cases.get()
    html = client_for(alice).get(case.get_absolute_url()).text
    assert "Alice Rossi" in html
    assert "Assegna gli operatori" not in html
    # The referral is not hers to see, so it is not linked.
    assert household_alfa.referrals.get().get_absolute_url() not in html
    url = reverse("beneficiaries:case_assign_workers", args=[case.public_id])
    assert client_for(alice).post(url, {"workers": [alice.pk]}).status_code == 403


# Methods -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["referral_transition", "case_assign_workers"])
def test_get_on_a_post_only_view_is_405(client_for, carla, household_alfa, name):
    public_id = (
        household_alfa.referrals.get().public_id
        if name == "referral_transition"
        else household_alfa.cases.get().public_id
    )
    response = client_for(carla).get(reverse(f"beneficiaries:{name}", args=[public_id]))
    assert response.status_code == 405


def test_home_page_links_the_coordinator_to_her_waiting_lists(client_for, carla, project_alfa):
    html = client_for(carla).get(reverse("home")).text
    assert waiting_list_url(project_alfa) in html


def test_home_page_offers_no_waiting_list_to_a_social_worker(client_for, alice, project_alfa):
    html = client_for(alice).get(reverse("home")).text
    assert waiting_list_url(project_alfa) not in html


# Every error in one answer -----------------------------------------------------------------


def test_case_opening_says_the_date_and_the_workers_at_once(
    client_for, carla, coop_alfa, accepted_referral
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    events = AuditEvent.objects.count()
    response = client_for(carla).post(
        case_open_url(accepted_referral),
        {"holding_organisation": coop_alfa.pk, "opened_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "La data di apertura non può essere nel futuro." in response.text
    assert "Questo campo è obbligatorio" in response.text
    assert not Case.objects.exists() and AuditEvent.objects.count() == events


def test_case_opening_names_every_worker_of_another_organisation(
    client_for, carla, bruno, coop_alfa, accepted_referral, project_alfa, coop_beta
):
    ParticipationFactory(project=project_alfa, organisation=coop_beta)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(carla).post(
        case_open_url(accepted_referral),
        {
            "holding_organisation": coop_alfa.pk,
            "workers": [carla.pk, bruno.pk],
            "opened_on": tomorrow.isoformat(),
        },
    )
    assert "Bruno Neri non lavora per l&#x27;ente titolare." in response.text
    assert "La data di apertura non può essere nel futuro." in response.text
    assert not Case.objects.exists() and not CaseAssignment.objects.exists()


def test_referral_form_says_the_project_and_the_reason_at_once(
    client_for, marco, household_new, project_beta, comune_uno
):
    response = client_for(marco).post(
        create_url(household_new),
        {"referring_organisation": comune_uno.pk, "project": project_beta.pk, "urgency": "low"},
    )
    assert response.status_code == 200
    assert "Comune Uno non partecipa al progetto Casa Beta" in response.text
    assert "Questo campo è obbligatorio" in response.text
    assert not Referral.objects.filter(household=household_new).exists()


def test_decline_without_any_reason_gets_the_servers_message(client_for, carla, sent_referral):
    # The browser's `required` bypassed: no notes at all in the POST.
    events = AuditEvent.objects.count()
    response = client_for(carla).post(
        transition_url(sent_referral), {"to_status": "declined"}, follow=True
    )
    assert response.status_code == 200
    assert "Indica il motivo per cui la segnalazione non è accolta." in response.text
    sent_referral.refresh_from_db()
    assert sent_referral.status == Status.SENT and sent_referral.decided_at is None
    assert not sent_referral.events.exists() and AuditEvent.objects.count() == events
