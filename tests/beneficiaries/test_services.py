"""The services that write personal data: rules, all-or-nothing, permissions, audit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaries.models import (
    Case,
    CaseAssignment,
    Consent,
    Household,
    Person,
    Referral,
    ReferralEvent,
    Vulnerability,
    WaitingListEntry,
)
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import households as households_selectors
from beneficiaries.services import cases as cases_services
from beneficiaries.services import households as households_services
from beneficiaries.services import intake as intake_services
from core.models import AuditEvent
from core.validators import person_cf_check_char
from partners.models import Organisation, StaffMembership
from tests.factories import (
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Role = StaffMembership.Role
Status = Referral.Status
Action = AuditEvent.Action

# Amina Benali's (reference() below): a woman born on 4 March 1990 in Morocco.
VALID_CF = "BNLMNA90C44Z330U"
# The same person's code after omocodia: the Agenzia delle Entrate replaces digits with
# letters (0 → L) when two people would get the same code. Still valid.
OMOCODIC_CF = "BNLMNA90C44Z33LX"
# Fatima El Amrani's, of household_alfa (born on 17 May 1988).
FATIMA_CF = "LMRFTM88E57Z330T"

ROWS = (
    Household,
    Person,
    Vulnerability,
    Consent,
    Referral,
    ReferralEvent,
    WaitingListEntry,
    Case,
    CaseAssignment,
    AuditEvent,
)


def counts():
    return {model.__name__: model.objects.count() for model in ROWS}


def today():
    return timezone.localdate()


def reference(**overrides):
    person = {
        "first_name": "Amina",
        "last_name": "Benali",
        "birth_date": datetime.date(1990, 3, 4),
        "sex": Person.Sex.FEMALE,
        "citizenship": "MA",
        "languages": "arabo, francese",
        "codice_fiscale": "",
    }
    person.update(overrides)
    return person


def create_household(user, organisation, *, person=None, vulnerabilities=(), **fields):
    return households_services.household_create(
        user=user,
        registered_by=organisation,
        reference_person=person or reference(),
        vulnerabilities=list(vulnerabilities),
        **fields,
    )


def rejects(call, field=NON_FIELD_ERRORS):
    """Run a service that must refuse; return its messages for `field`, after checking
    that nothing at all was saved."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        call()
    assert counts() == before, "a refused write must leave no row behind"
    error = caught.value
    if hasattr(error, "error_dict"):
        assert field in error.message_dict, error.message_dict
        return error.message_dict[field]
    assert field == NON_FIELD_ERRORS, error.messages
    return error.messages


def forbidden(call):
    before = counts()
    with pytest.raises(PermissionDenied):
        call()
    assert counts() == before


@pytest.fixture
def org_admin(comune_uno):
    """An administrator of Comune Uno: manages the organisation, not households."""
    user = UserFactory(username="admin.comune")
    StaffMembershipFactory(user=user, organisation=comune_uno, role=Role.ORGANISATION_ADMIN)
    return user


@pytest.fixture
def nobody(db):
    return UserFactory(username="nessuno")


def consenting(user, household, project, *organisations):
    """The household consents to case management with the project's organisations (and
    `organisations`), recorded through the service, as the gate of the pathway asks."""
    households_services.consent_record(
        user=user,
        household=household,
        organisations=[
            *Organisation.objects.filter(participations__project=project),
            *organisations,
        ],
        purpose=Consent.Purpose.CASE_MANAGEMENT,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_by=household.members.get(relationship=Person.Relationship.REFERENCE),
        given_on=timezone.localdate(),
    )
    return household


@pytest.fixture
def sent_referral(marco, comune_uno, project_alfa):
    household = consenting(marco, create_household(marco, comune_uno), project_alfa)
    return intake_services.referral_create(
        user=marco,
        household=household,
        project=project_alfa,
        referring_organisation=comune_uno,
        reason="Sfratto esecutivo a marzo, due figli piccoli.",
        urgency=Referral.Urgency.HIGH,
        send=True,
    )


@pytest.fixture
def accepted_referral(sent_referral, carla):
    return intake_services.referral_transition(
        user=carla, referral=sent_referral, to_status=Status.ACCEPTED
    )


# Households -------------------------------------------------------------------------


def test_household_create_saves_household_reference_person_vulnerabilities_and_audit(
    marco, comune_uno
):
    household = create_household(
        marco,
        comune_uno,
        person=reference(codice_fiscale=VALID_CF),
        vulnerabilities=[Vulnerability.Kind.SINGLE_PARENT, Vulnerability.Kind.EVICTION],
        living_situation=Household.LivingSituation.EVICTION,
        isee_value=Decimal("4300.50"),
        isee_issued_on=datetime.date(2026, 1, 10),
        isee_expires_on=datetime.date(2026, 12, 31),
    )

    person = household.members.get()
    assert person.relationship == Person.Relationship.REFERENCE
    assert person.name_key == "amina benali"
    assert {v.kind for v in household.vulnerabilities.all()} == {"single_parent", "eviction"}

    events = AuditEvent.objects.filter(household=household)
    assert set(events.values_list("model_label", "action")) == {
        ("beneficiaries.Household", Action.CREATE),
        ("beneficiaries.Person", Action.CREATE),
        ("beneficiaries.Vulnerability", Action.CREATE),
    }
    assert events.filter(model_label="beneficiaries.Vulnerability").count() == 2
    assert {e.actor for e in events} == {marco}
    household_row = events.get(model_label="beneficiaries.Household")
    assert household_row.changes["isee_value"] == [None, "4300.50"]
    assert household_row.object_repr == "Nucleo Amina Benali", (
        "the history names the household by its reference person, even in its first row"
    )
    person_row = events.get(model_label="beneficiaries.Person")
    assert person_row.changes["codice_fiscale"] == [None, VALID_CF]
    assert person_row.object_repr == "Amina Benali"


def test_person_without_codice_fiscale_is_allowed_and_flagged(marco, comune_uno):
    person = create_household(marco, comune_uno).members.get()
    assert person.codice_fiscale == ""
    assert person.lacks_codice_fiscale


@pytest.mark.parametrize(
    "typed",
    [VALID_CF.lower(), f"  {VALID_CF}  ", "BNL MNA 90C44 Z330U", OMOCODIC_CF],
)
def test_codice_fiscale_is_accepted_as_typed_and_stored_in_upper_case(marco, comune_uno, typed):
    person = create_household(marco, comune_uno, person=reference(codice_fiscale=typed))
    person = person.members.get()
    assert person.codice_fiscale == "".join(typed.split()).upper()


def test_omocodic_check_character_is_the_one_computed():
    # Keeps the constant above honest.
    assert person_cf_check_char(OMOCODIC_CF[:15]) == OMOCODIC_CF[15]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("RSSMRA85T10A562", "Il codice fiscale deve avere 16 caratteri"),
        ("RSSMRA85X10A562S", "Il codice fiscale deve avere 16 caratteri"),  # no month X
        ("123MRA85T10A562S", "Il codice fiscale deve avere 16 caratteri"),
        ("RSSMRA85T10A562T", "il carattere di controllo non corrisponde"),
        ("RSSMRA85T10A56NS", "il carattere di controllo non corrisponde"),
    ],
)
def test_invalid_codice_fiscale_is_refused_and_nothing_is_saved(marco, comune_uno, code, message):
    messages = rejects(
        lambda: create_household(marco, comune_uno, person=reference(codice_fiscale=code)),
        "codice_fiscale",
    )
    assert any(message in m for m in messages), messages


def test_codice_fiscale_already_in_the_network_is_refused(marco, comune_uno):
    create_household(marco, comune_uno, person=reference(codice_fiscale=VALID_CF))
    messages = rejects(
        lambda: create_household(
            marco, comune_uno, person=reference(first_name="Mario", codice_fiscale=VALID_CF)
        )
    )
    assert messages == ["Una persona con questo codice fiscale è già registrata nella rete."]


def test_birth_date_in_the_future_is_refused(marco, comune_uno):
    tomorrow = today() + datetime.timedelta(days=1)
    messages = rejects(
        lambda: create_household(marco, comune_uno, person=reference(birth_date=tomorrow)),
        "birth_date",
    )
    assert messages == ["La data di nascita non può essere nel futuro."]


def test_negative_isee_is_refused(marco, comune_uno):
    messages = rejects(
        lambda: create_household(marco, comune_uno, isee_value=Decimal("-1.00")),
        "isee_value",
    )
    assert messages == ["Il valore ISEE non può essere negativo."]


def test_isee_expiring_before_it_was_issued_is_refused(marco, comune_uno):
    messages = rejects(
        lambda: create_household(
            marco,
            comune_uno,
            isee_issued_on=datetime.date(2026, 3, 1),
            isee_expires_on=datetime.date(2026, 2, 28),
        ),
        "isee_expires_on",
    )
    assert messages == ["La scadenza dell'ISEE non può precedere la data di rilascio."]


def test_permit_expiring_before_it_was_issued_is_refused(marco, comune_uno):
    person = reference(
        residence_permit_kind=Person.PermitKind.WORK,
        residence_permit_issued_on=datetime.date(2025, 6, 1),
        residence_permit_expires_on=datetime.date(2025, 5, 31),
    )
    messages = rejects(
        lambda: create_household(marco, comune_uno, person=person),
        "residence_permit_expires_on",
    )
    assert messages == ["La scadenza del permesso non può precedere la data di rilascio."]


def test_household_create_is_refused_to_outsiders_and_wrong_roles(
    marco, bruno, org_admin, nobody, comune_uno, coop_beta
):
    for user in (bruno, org_admin, nobody):
        forbidden(lambda user=user: create_household(user, comune_uno))
    # A referrer registers households for her own municipality only.
    forbidden(lambda: create_household(marco, coop_beta))


def test_household_update_records_old_and_new_values(alice, household_alfa):
    household_alfa.isee_value = Decimal("7000.00")
    household_alfa.save()

    households_services.household_update(
        user=alice,
        household=household_alfa,
        isee_value=Decimal("8500.00"),
        living_situation=Household.LivingSituation.SHELTER,
        current_address="Via Roma 1, Liscate",
    )

    event = AuditEvent.objects.get(household=household_alfa, action=Action.UPDATE)
    assert event.actor == alice
    assert event.model_label == "beneficiaries.Household"
    assert event.changes == {
        "isee_value": ["7000.00", "8500.00"],
        "living_situation": ["eviction", "shelter"],
        "current_address": ["", "Via Roma 1, Liscate"],
    }
    # The JSON is queryable the same way on SQLite and PostgreSQL.
    assert AuditEvent.objects.filter(changes__has_key="living_situation").get() == event
    assert AuditEvent.objects.filter(changes__isee_value__1="8500.00").get() == event


def test_household_update_without_changes_records_nothing(alice, household_alfa):
    households_services.household_update(
        user=alice, household=household_alfa, living_situation=household_alfa.living_situation
    )
    assert not AuditEvent.objects.exists()


def test_household_update_with_bad_input_changes_nothing(alice, household_alfa):
    rejects(
        lambda: households_services.household_update(
            user=alice, household=household_alfa, isee_value=Decimal("-5")
        ),
        "isee_value",
    )
    household_alfa.refresh_from_db()
    assert household_alfa.isee_value is None


def test_household_update_sets_vulnerabilities_also_on_a_prefetched_household(
    carla, household_alfa
):
    Vulnerability.objects.create(household=household_alfa, kind=Vulnerability.Kind.EVICTION)
    household = households_selectors.household_file(user=carla, public_id=household_alfa.public_id)
    assert [v.kind for v in household.vulnerabilities.all()] == ["eviction"]  # prefetched

    households_services.household_update(
        user=carla,
        household=household,
        vulnerabilities=[Vulnerability.Kind.DISABILITY, Vulnerability.Kind.SINGLE_PARENT],
    )

    saved = set(
        Vulnerability.objects.filter(household=household_alfa).values_list("kind", flat=True)
    )
    assert saved == {"disability", "single_parent"}
    assert {v.kind for v in household.vulnerabilities.all()} == saved, (
        "the household in hand shows what was saved, not the stale prefetch"
    )
    rows = AuditEvent.objects.filter(model_label="beneficiaries.Vulnerability")
    assert sorted((e.action, tuple(e.changes["kind"])) for e in rows) == [
        (Action.CREATE, (None, "disability")),
        (Action.CREATE, (None, "single_parent")),
        (Action.DELETE, ("eviction", None)),
    ]


def test_household_update_is_refused_to_outsiders_and_wrong_roles(
    bruno, org_admin, nobody, household_alfa
):
    for user in (bruno, org_admin, nobody):
        forbidden(
            lambda user=user: households_services.household_update(
                user=user, household=household_alfa, notes="x"
            )
        )
    household_alfa.refresh_from_db()
    assert household_alfa.notes == ""


# People -----------------------------------------------------------------------------


def test_person_create_adds_a_member_with_audit(alice, household_alfa):
    child = households_services.person_create(
        user=alice,
        household=household_alfa,
        relationship=Person.Relationship.CHILD,
        first_name="Yasmine",
        last_name="El Amrani",
        birth_date=datetime.date(2021, 9, 1),
        sex=Person.Sex.FEMALE,
    )
    assert child.household == household_alfa
    event = AuditEvent.objects.get(model_label="beneficiaries.Person", object_id=str(child.pk))
    assert (event.action, event.actor, event.household) == (Action.CREATE, alice, household_alfa)


def test_second_reference_person_is_refused(alice, household_alfa):
    messages = rejects(
        lambda: households_services.person_create(
            user=alice,
            household=household_alfa,
            relationship=Person.Relationship.REFERENCE,
            first_name="Omar",
            last_name="El Amrani",
            birth_date=datetime.date(1985, 1, 1),
            sex=Person.Sex.MALE,
        )
    )
    assert messages == ["Il nucleo ha già una persona di riferimento."]


def test_person_update_records_old_and_new_values(alice, household_alfa):
    person = household_alfa.members.get()
    households_services.person_update(
        user=alice,
        person=person,
        phone="333 1234567",
        citizenship="TN",
        codice_fiscale=FATIMA_CF.lower(),
    )
    event = AuditEvent.objects.get(action=Action.UPDATE)
    assert (event.actor, event.household, event.model_label) == (
        alice,
        household_alfa,
        "beneficiaries.Person",
    )
    assert event.changes == {
        "phone": ["", "+393331234567"],
        "citizenship": ["IT", "TN"],
        "codice_fiscale": ["", FATIMA_CF],
    }


def test_person_update_with_bad_input_changes_nothing(alice, household_alfa):
    person = household_alfa.members.get()
    rejects(
        lambda: households_services.person_update(
            user=alice, person=person, birth_date=today() + datetime.timedelta(days=3)
        ),
        "birth_date",
    )
    person.refresh_from_db()
    assert person.birth_date == datetime.date(1988, 5, 17)


def test_person_services_are_refused_to_outsiders_and_wrong_roles(
    bruno, org_admin, nobody, household_alfa
):
    person = household_alfa.members.get()
    for user in (bruno, org_admin, nobody):
        forbidden(
            lambda user=user: households_services.person_create(
                user=user,
                household=household_alfa,
                relationship=Person.Relationship.CHILD,
                first_name="Sara",
                last_name="Neri",
                birth_date=datetime.date(2020, 1, 1),
                sex=Person.Sex.FEMALE,
            )
        )
        forbidden(
            lambda user=user: households_services.person_update(user=user, person=person, phone="1")
        )


# Consent ----------------------------------------------------------------------------


def test_consent_record_and_withdraw_are_audited(alice, household_alfa, coop_alfa, comune_uno):
    consent = households_services.consent_record(
        user=alice,
        household=household_alfa,
        organisations=[coop_alfa, comune_uno],
        given_by=household_alfa.members.get(),
        purpose=Consent.Purpose.CASE_MANAGEMENT,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_on=datetime.date(2026, 1, 10),
        expires_on=datetime.date(2027, 1, 9),
    )
    assert consent.recorded_by == alice
    assert set(consent.organisations.all()) == {coop_alfa, comune_uno}

    households_services.consent_withdraw(user=alice, consent=consent, on=datetime.date(2026, 2, 1))
    consent.refresh_from_db()
    assert consent.is_lapsed(today=datetime.date(2026, 2, 1))
    actions = list(
        AuditEvent.objects.filter(model_label="beneficiaries.Consent")
        .order_by("id")
        .values_list("action", "changes")
    )
    assert [a for a, _changes in actions] == [Action.CREATE, Action.UPDATE]
    assert actions[1][1] == {"withdrawn_on": [None, "2026-02-01"]}


def test_consent_without_organisations_or_with_a_stranger_is_refused(
    alice, household_alfa, household_beta
):
    fields = {
        "purpose": Consent.Purpose.CASE_MANAGEMENT,
        "legal_basis": Consent.LegalBasis.CONSENT,
        "given_on": datetime.date(2026, 1, 10),
    }
    assert rejects(
        lambda: households_services.consent_record(
            user=alice, household=household_alfa, organisations=[], **fields
        ),
        "organisations",
    ) == ["Indica almeno un ente."]
    assert rejects(
        lambda: households_services.consent_record(
            user=alice,
            household=household_alfa,
            organisations=[household_alfa.registered_by],
            given_by=household_beta.members.get(),
            **fields,
        ),
        "given_by",
    ) == ["La persona non fa parte di questo nucleo."]


def test_consent_services_are_refused_to_outsiders_and_wrong_roles(
    alice, bruno, org_admin, nobody, household_alfa, coop_alfa
):
    consent = households_services.consent_record(
        user=alice,
        household=household_alfa,
        organisations=[coop_alfa],
        purpose=Consent.Purpose.NETWORK_SHARING,
        legal_basis=Consent.LegalBasis.PUBLIC_TASK,
        given_on=datetime.date(2026, 1, 10),
    )
    for user in (bruno, org_admin, nobody):
        forbidden(
            lambda user=user: households_services.consent_record(
                user=user,
                household=household_alfa,
                organisations=[coop_alfa],
                purpose=Consent.Purpose.REPORTING,
                legal_basis=Consent.LegalBasis.PUBLIC_TASK,
                given_on=datetime.date(2026, 1, 10),
            )
        )
        forbidden(
            lambda user=user: households_services.consent_withdraw(user=user, consent=consent)
        )
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


# Referrals --------------------------------------------------------------------------


def test_referral_create_and_send_records_who_and_when(marco, comune_uno, project_alfa):
    household = consenting(marco, create_household(marco, comune_uno), project_alfa)
    before = timezone.now()
    referral = intake_services.referral_create(
        user=marco,
        household=household,
        project=project_alfa,
        referring_organisation=comune_uno,
        reason="Sfratto esecutivo.",
        urgency=Referral.Urgency.EMERGENCY,
        send=True,
    )
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert referral.created_by == marco
    assert referral.sent_at >= before
    events = list(referral.events.values_list("from_status", "to_status", "by__username"))
    assert events == [("", "draft", "marco"), ("draft", "sent", "marco")]
    assert all(e.at >= before for e in referral.events.all())
    audit = AuditEvent.objects.filter(model_label="beneficiaries.Referral").order_by("id")
    assert [e.action for e in audit] == [Action.CREATE, Action.TRANSITION]
    assert audit[1].changes["status"] == ["draft", "sent"]


def test_referral_to_a_project_the_referrer_does_not_take_part_in_is_refused(
    marco, comune_uno, project_beta
):
    household = create_household(marco, comune_uno)
    messages = rejects(
        lambda: intake_services.referral_create(
            user=marco,
            household=household,
            project=project_beta,
            referring_organisation=comune_uno,
            reason="Sfratto.",
            urgency=Referral.Urgency.LOW,
            send=True,
        ),
        "project",
    )
    assert messages == [
        "Comune Uno non partecipa al progetto Casa Beta: non può inviargli segnalazioni."
    ]


def test_second_open_referral_for_the_same_project_is_refused(sent_referral, marco):
    messages = rejects(
        lambda: intake_services.referral_create(
            user=marco,
            household=sent_referral.household,
            project=sent_referral.project,
            referring_organisation=sent_referral.referring_organisation,
            reason="Di nuovo.",
            urgency=Referral.Urgency.LOW,
        ),
        "project",
    )
    assert messages == ["Il nucleo ha già una segnalazione in corso per questo progetto."]


def test_a_household_may_be_referred_again_once_the_referral_is_closed(sent_referral, marco, carla):
    intake_services.referral_transition(
        user=carla, referral=sent_referral, to_status=Status.DECLINED, notes="Fuori ambito."
    )
    again = intake_services.referral_create(
        user=marco,
        household=sent_referral.household,
        project=sent_referral.project,
        referring_organisation=sent_referral.referring_organisation,
        reason="Situazione cambiata.",
        urgency=Referral.Urgency.HIGH,
    )
    assert again.status == Status.DRAFT


def test_referral_create_is_refused_to_outsiders_and_wrong_roles(
    marco, alice, bruno, org_admin, nobody, comune_uno, project_alfa
):
    household = create_household(marco, comune_uno)
    # alice is a social worker, but not of Comune Uno: she cannot refer in its name.
    for user in (alice, bruno, org_admin, nobody):
        forbidden(
            lambda user=user: intake_services.referral_create(
                user=user,
                household=household,
                project=project_alfa,
                referring_organisation=comune_uno,
                reason="x",
                urgency=Referral.Urgency.LOW,
            )
        )


def test_a_household_the_referrer_cannot_see_cannot_be_referred(
    marco, comune_uno, project_alfa, household_beta
):
    forbidden(
        lambda: intake_services.referral_create(
            user=marco,
            household=household_beta,
            project=project_alfa,
            referring_organisation=comune_uno,
            reason="x",
            urgency=Referral.Urgency.LOW,
        )
    )


def test_coordinator_assesses_and_accepts_and_the_household_enters_the_waiting_list(
    sent_referral, carla
):
    intake_services.referral_transition(
        user=carla, referral=sent_referral, to_status=Status.UNDER_ASSESSMENT
    )
    accepted = intake_services.referral_transition(
        user=carla, referral=sent_referral, to_status=Status.ACCEPTED, notes="Idonei."
    )
    assert accepted.status == Status.ACCEPTED
    assert accepted.decided_at is not None
    assert accepted.decision_notes == "Idonei."
    events = list(
        sent_referral.events.order_by("at", "id").values_list(
            "from_status", "to_status", "by__username"
        )
    )
    assert events[-2:] == [
        ("sent", "under_assessment", "carla"),
        ("under_assessment", "accepted", "carla"),
    ]
    entry = WaitingListEntry.objects.get()
    assert (entry.referral, entry.project, entry.household) == (
        accepted,
        sent_referral.project,
        sent_referral.household,
    )
    assert entry.added_on == today()
    assert entry.removed_on is None


def test_decline_needs_a_reason(sent_referral, carla):
    messages = rejects(
        lambda: intake_services.referral_transition(
            user=carla, referral=sent_referral, to_status=Status.DECLINED, notes="   "
        ),
        "notes",
    )
    assert messages == ["Indica il motivo per cui la segnalazione non è accolta."]
    sent_referral.refresh_from_db()
    assert sent_referral.status == Status.SENT


def test_decline_with_a_reason_keeps_it_and_makes_no_waiting_list_entry(sent_referral, carla):
    declined = intake_services.referral_transition(
        user=carla,
        referral=sent_referral,
        to_status=Status.DECLINED,
        notes="Il nucleo non risiede nel territorio servito.",
    )
    assert declined.decision_notes == "Il nucleo non risiede nel territorio servito."
    assert declined.events.last().notes == "Il nucleo non risiede nel territorio servito."
    assert not WaitingListEntry.objects.exists()


@pytest.mark.parametrize(
    ("start", "to_status", "who"),
    [
        (Status.ACCEPTED, Status.SENT, "marco"),
        (Status.ACCEPTED, Status.DECLINED, "carla"),
        (Status.DECLINED, Status.ACCEPTED, "carla"),
        (Status.WITHDRAWN, Status.SENT, "marco"),
        (Status.DRAFT, Status.ACCEPTED, "carla"),
        (Status.DRAFT, Status.UNDER_ASSESSMENT, "carla"),
    ],
)
def test_invalid_transitions_are_refused(
    request, marco, carla, comune_uno, project_alfa, start, to_status, who
):
    referral = ReferralFactory(
        household__registered_by=comune_uno,
        project=project_alfa,
        status=start,
        decision_notes="Motivo." if start == Status.DECLINED else "",
    )
    user = request.getfixturevalue(who)
    messages = rejects(
        lambda: intake_services.referral_transition(
            user=user, referral=referral, to_status=to_status, notes="Motivo."
        )
    )
    assert messages == [
        f"Una segnalazione nello stato «{Status(start).label}» non può passare a "
        f"«{Status(to_status).label}»."
    ]
    referral.refresh_from_db()
    assert referral.status == start


def test_referral_transitions_are_refused_to_the_wrong_side(
    marco, carla, alice, bruno, nobody, comune_uno, project_alfa, sent_referral
):
    draft = ReferralFactory(
        household__registered_by=comune_uno, project=project_alfa, status=Status.DRAFT
    )
    # Only the referrer sends or withdraws; only the project's coordinators decide.
    forbidden(
        lambda: intake_services.referral_transition(
            user=carla, referral=draft, to_status=Status.SENT
        )
    )
    for user in (marco, alice, bruno, nobody):
        for to_status in (Status.UNDER_ASSESSMENT, Status.ACCEPTED):
            forbidden(
                lambda user=user, to_status=to_status: intake_services.referral_transition(
                    user=user, referral=sent_referral, to_status=to_status
                )
            )
        forbidden(
            lambda user=user: intake_services.referral_transition(
                user=user, referral=sent_referral, to_status=Status.DECLINED, notes="No."
            )
        )
    for user in (carla, alice, bruno, nobody):
        forbidden(
            lambda user=user: intake_services.referral_transition(
                user=user, referral=sent_referral, to_status=Status.WITHDRAWN
            )
        )


def test_referrer_withdraws_her_referral(sent_referral, marco):
    withdrawn = intake_services.referral_transition(
        user=marco, referral=sent_referral, to_status=Status.WITHDRAWN
    )
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.events.last().by == marco


# Cases ------------------------------------------------------------------------------


def test_case_open_takes_charge_with_assigned_workers_and_audit(accepted_referral, carla, alice):
    case = cases_services.case_open(
        user=carla,
        referral=accepted_referral,
        holding_organisation=carla.staff_memberships.get().organisation,
        workers=[alice],
        opened_on=datetime.date(2026, 2, 1),
    )
    assert case.is_open
    assert list(case.workers.all()) == [alice]
    assert case in cases_selectors.caseload(user=alice)
    labels = set(
        AuditEvent.objects.filter(household=case.household, action=Action.CREATE).values_list(
            "model_label", flat=True
        )
    )
    assert {"beneficiaries.Case", "beneficiaries.CaseAssignment"} <= labels


def test_second_open_case_for_the_same_household_and_project_is_refused(
    accepted_referral, carla, alice, coop_alfa
):
    cases_services.case_open(
        user=carla, referral=accepted_referral, holding_organisation=coop_alfa, workers=[alice]
    )
    messages = rejects(
        lambda: cases_services.case_open(
            user=carla,
            referral=accepted_referral,
            holding_organisation=coop_alfa,
            workers=[alice],
        )
    )
    assert messages == ["Il nucleo ha già una presa in carico aperta in questo progetto."]
    assert Case.objects.count() == 1


def test_case_open_refuses_bad_input_and_saves_nothing(
    sent_referral, carla, alice, bruno, coop_alfa, coop_beta
):
    assert rejects(
        lambda: cases_services.case_open(
            user=carla, referral=sent_referral, holding_organisation=coop_alfa, workers=[alice]
        )
    ) == ["Si può aprire una presa in carico solo da una segnalazione accolta."]

    accepted = intake_services.referral_transition(
        user=carla, referral=sent_referral, to_status=Status.ACCEPTED
    )
    assert rejects(
        lambda: cases_services.case_open(
            user=carla, referral=accepted, holding_organisation=coop_beta, workers=[bruno]
        ),
        "holding_organisation",
    ) == ["Questo ente non lavora nel progetto."]
    assert rejects(
        lambda: cases_services.case_open(
            user=carla, referral=accepted, holding_organisation=coop_alfa, workers=[bruno]
        ),
        "workers",
    ) == ["Bruno Neri non lavora per l'ente titolare."]
    assert rejects(
        lambda: cases_services.case_open(
            user=carla,
            referral=accepted,
            holding_organisation=coop_alfa,
            workers=[alice],
            opened_on=today() + datetime.timedelta(days=1),
        ),
        "opened_on",
    ) == ["La data di apertura non può essere nel futuro."]


def test_case_open_is_refused_to_everyone_but_the_projects_coordinators(
    accepted_referral, marco, alice, bruno, nobody, coop_alfa
):
    for user in (marco, alice, bruno, nobody):
        forbidden(
            lambda user=user: cases_services.case_open(
                user=user,
                referral=accepted_referral,
                holding_organisation=coop_alfa,
                workers=[alice],
            )
        )


def test_case_assign_workers_replaces_the_team_with_audit(
    accepted_referral, carla, alice, coop_alfa
):
    case = cases_services.case_open(
        user=carla, referral=accepted_referral, holding_organisation=coop_alfa, workers=[alice]
    )
    diana = UserFactory(username="diana", first_name="Diana", last_name="Galli")
    StaffMembershipFactory(user=diana, organisation=coop_alfa, role=Role.SOCIAL_WORKER)

    cases_services.case_assign_workers(user=carla, case=case, workers=[diana])

    assert list(case.workers.all()) == [diana]
    removed = AuditEvent.objects.get(
        model_label="beneficiaries.CaseAssignment", action=Action.DELETE
    )
    assert removed.changes == {"worker": ["Alice Rossi", None]}
    assert removed.actor == carla

    assert rejects(
        lambda: cases_services.case_assign_workers(user=carla, case=case, workers=[]), "workers"
    ) == ["Assegna almeno un operatore."]

    case.closed_on = today()
    case.save()
    assert rejects(
        lambda: cases_services.case_assign_workers(user=carla, case=case, workers=[alice])
    ) == ["La presa in carico è chiusa."]


def test_case_assign_workers_is_refused_to_workers_and_outsiders(
    accepted_referral, carla, alice, marco, bruno, nobody, coop_alfa
):
    case = cases_services.case_open(
        user=carla, referral=accepted_referral, holding_organisation=coop_alfa, workers=[alice]
    )
    for user in (alice, marco, bruno, nobody):
        forbidden(
            lambda user=user: cases_services.case_assign_workers(
                user=user, case=case, workers=[alice]
            )
        )


# The household file -----------------------------------------------------------------


def test_opening_a_household_file_is_logged(alice, household_alfa):
    households_services.household_file_opened(user=alice, household=household_alfa)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.household) == (Action.VIEW, alice, household_alfa)
    assert event.object_id == str(household_alfa.pk)
    assert event.object_repr == "Nucleo Fatima El Amrani"
    assert event.changes == {}
