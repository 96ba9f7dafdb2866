"""The demo households: plausible, consistent with the network's rules, idempotent."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
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
from beneficiaries.selectors import intake as intake_selectors
from core.access import CASEWORK_ROLES
from core.models import AuditEvent
from core.validators import validate_person_codice_fiscale
from demo.households import DEMO_NOTE, codice_fiscale, create_demo_households, unique_codice_fiscale
from demo.staff import create_demo_staff
from partners.models import StaffMembership
from projects.models import Participation, Project
from users.models import User

pytestmark = pytest.mark.django_db

Status = Referral.Status
MODELS = (
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
    return {model.__name__: model.objects.count() for model in MODELS}


# Tests without the demo first: once the module's demo exists, it stays until the end
# of the module (pytest runs a file's tests in order).


def test_without_demo_staff_it_creates_nothing(db):
    call_command("load_network", stdout=StringIO())
    before = counts()
    lines = create_demo_households()
    assert "non creati" in lines[0]
    assert counts() == before


def test_the_codice_fiscale_is_computed_like_the_agenzia_delle_entrate_does():
    # Mario Rossi, born on 10 December 1985 in A562: the textbook example.
    assert (
        codice_fiscale(
            first_name="Mario",
            last_name="Rossi",
            birth_date=datetime.date(1985, 12, 10),
            sex="M",
            place="A562",
        )
        == "RSSMRA85T10A562S"
    )
    # Women add 40 to the day; few consonants are completed by vowels, then X.
    assert codice_fiscale(
        first_name="Nicolò",
        last_name="Fo",
        birth_date=datetime.date(2001, 1, 5),
        sex="F",
        place="F205",
    ).startswith("FOXNCL01A45F205")
    # Four consonants or more in a first name: the first, third and fourth.
    assert codice_fiscale(
        first_name="Gianfranco",
        last_name="Dell'Acqua",
        birth_date=datetime.date(1970, 7, 1),
        sex="M",
        place="F205",
    ).startswith("DLLGFR70L01F205")
    taken = {"RSSMRA85T10A562S"}
    twin = unique_codice_fiscale("RSSMRA85T10A562S", taken)
    assert twin[:15] == "RSSMRA85T10A56N"  # omocodia: the last digit, 2, becomes N
    validate_person_codice_fiscale(twin)
    assert twin in taken
    assert unique_codice_fiscale("BNCGLI90A41F205H", taken) == "BNCGLI90A41F205H"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The network, the demo staff and the demo households, made once for the module
    (a few seconds) and rolled back after it; each test runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_network", stdout=StringIO())
        create_demo_staff()
        yield create_demo_households()
        transaction.set_rollback(True)


def test_about_two_hundred_households_in_every_state(demo, db):
    households = Household.objects.filter(notes=DEMO_NOTE)
    assert 180 <= households.count() <= 220
    assert demo[0] == f"Creati {households.count()} nuclei dimostrativi."

    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values), statuses
    assert all(count >= 5 for count in statuses.values()), statuses
    assert WaitingListEntry.objects.filter(removed_on__isnull=True).count() >= 30
    assert Case.objects.filter(closed_on__isnull=True).count() >= 30
    assert Case.objects.filter(closed_on__isnull=False).count() >= 5
    # Every project of the seed network receives households.
    assert set(Referral.objects.values_list("project__slug", flat=True)) == set(
        Project.objects.values_list("slug", flat=True)
    )


def test_households_are_complete_and_varied(demo, db):
    today = timezone.localdate()
    for household in Household.objects.prefetch_related("members"):
        relationships = [p.relationship for p in household.members.all()]
        assert relationships.count(Person.Relationship.REFERENCE) == 1, household

    people = Person.objects.all()
    assert people.count() > Household.objects.count() * 1.5, "families, not only singles"
    assert people.filter(birth_date__gt=today).count() == 0
    citizenships = set(people.values_list("citizenship", flat=True))
    assert {"IT", "MA", "AL", "RO", "UA", "SN", "EG", "PE", "NG", "PK", "BD"} <= citizenships
    assert people.filter(codice_fiscale="").exists(), "some newcomers have no codice fiscale"
    assert people.exclude(languages="").count() == people.count()
    # Permits: some expired, some expiring within two months, most valid.
    permits = people.exclude(residence_permit_expires_on=None)
    assert permits.filter(residence_permit_expires_on__lt=today).exists()
    soon = today + datetime.timedelta(days=60)
    assert permits.filter(residence_permit_expires_on__range=(today, soon)).exists()
    assert permits.filter(residence_permit_expires_on__gt=soon).exists()
    assert not people.filter(citizenship="IT").exclude(residence_permit_kind__in=["", "not_needed"])
    # ISEE: some expired, some valid, some missing.
    assert Household.objects.filter(isee_expires_on__lt=today).exists()
    assert Household.objects.filter(isee_expires_on__gte=today).exists()
    assert Household.objects.filter(isee_value=None).exists()
    assert len(set(Vulnerability.objects.values_list("kind", flat=True))) >= 6
    # Consent: most current, some lapsed or withdrawn, and the lapse is visible.
    consents = list(Consent.objects.all())
    lapsed = [c for c in consents if c.is_lapsed(today)]
    assert lapsed and len(lapsed) < len(consents) / 2
    assert any(c.withdrawn_on for c in consents)
    assert all(c.organisations.exists() for c in consents)


def test_all_codici_fiscali_are_valid_and_unique(demo, db):
    codes = list(Person.objects.exclude(codice_fiscale="").values_list("codice_fiscale", flat=True))
    assert len(codes) > 300
    assert len(codes) == len(set(codes))
    for code in codes:
        validate_person_codice_fiscale(code)


def test_referrals_follow_the_rules_of_the_network(demo, db):
    taking_part = set(Participation.objects.values_list("project_id", "organisation_id"))
    now = timezone.now()
    for referral in Referral.objects.select_related("household").prefetch_related("events"):
        assert (referral.project_id, referral.referring_organisation_id) in taking_part
        assert referral.household.registered_by_id == referral.referring_organisation_id
        assert referral.referring_organisation_id in {
            m.organisation_id for m in referral.created_by.staff_memberships.all()
        }
        # The events tell the referral's whole story, in order, by allowed steps.
        events = sorted(referral.events.all(), key=lambda e: (e.at, e.id))
        assert events[0].to_status == Status.DRAFT
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in Referral.TRANSITIONS[before.to_status]
            assert after.at >= before.at
        assert events[-1].to_status == referral.status
        assert all(e.at < now and e.by_id for e in events)
        if referral.status == Status.DECLINED:
            assert referral.decision_notes
        if referral.status != Status.DRAFT:
            assert referral.created_at <= referral.sent_at <= now
        if referral.decided_at:
            assert referral.sent_at <= referral.decided_at <= now
        has_entry = WaitingListEntry.objects.filter(referral=referral).exists()
        assert has_entry == (referral.status == Status.ACCEPTED)


def test_cases_are_held_by_the_projects_organisations_and_their_own_workers(demo, db):
    today = timezone.localdate()
    casework = {
        (p.project_id, p.organisation_id)
        for p in Participation.objects.filter(
            role__in=[
                Participation.Role.LEAD,
                Participation.Role.OPERATIONAL_COORDINATOR,
                Participation.Role.PARTNER,
            ]
        )
    }
    staff = set(
        StaffMembership.objects.filter(is_active=True, role__in=CASEWORK_ROLES).values_list(
            "user_id", "organisation_id"
        )
    )
    cases = Case.objects.select_related("referral").prefetch_related("assignments")
    assert cases.exists()
    for case in cases:
        assert (case.project_id, case.holding_organisation_id) in casework
        assert case.referral.status == Status.ACCEPTED
        assert case.referral.project_id == case.project_id
        assert case.referral.decided_at.date() <= case.opened_on <= today
        assert case.closed_on is None or case.opened_on <= case.closed_on <= today
        assignments = list(case.assignments.all())
        assert assignments
        for assignment in assignments:
            assert (assignment.worker_id, case.holding_organisation_id) in staff
    # Not every case sits with the project's lead: partners hold some.
    holders = set(Case.objects.values_list("project_id", "holding_organisation_id"))
    assert len(holders) > Project.objects.count()


def test_the_demo_users_see_their_part(demo, db):
    cohousing = Project.objects.get(slug="cohousing-adda-martesana")
    coordinator = User.objects.get(username="coord.cohousing")
    rows = intake_selectors.waiting_list(user=coordinator, project=cohousing)
    assert rows, "the co-housing has a waiting list to show"
    assert [p.total for _e, p in rows] == sorted((p.total for _e, p in rows), reverse=True)

    referrer = User.objects.get(username="referente.liscate")
    sent = households_selectors.visible_referrals(user=referrer)
    assert sent.exists()
    assert set(sent.values_list("referring_organisation__slug", flat=True)) == {"comune-liscate"}

    worker = User.objects.get(username="operatore.pop")
    assert cases_selectors.caseload(user=worker).exists()


def test_the_history_of_a_demo_household_tells_who_did_what_and_when(demo, db):
    case = Case.objects.filter(closed_on__isnull=False).select_related("household").first()
    events = list(AuditEvent.objects.filter(household=case.household).order_by("at", "id"))
    labels = [(e.model_label, e.action) for e in events]
    assert ("beneficiaries.Household", "create") in labels
    assert ("beneficiaries.Person", "create") in labels
    assert ("beneficiaries.Referral", "transition") in labels
    assert ("beneficiaries.Case", "create") in labels
    assert labels[-1] == ("beneficiaries.Case", "update")
    assert events[-1].changes == {"closed_on": [None, case.closed_on.isoformat()]}
    household_row = next(e for e in events if e.model_label == "beneficiaries.Household")
    assert household_row.object_repr == str(case.household)
    assert household_row.at == case.household.created_at
    assert all(e.actor_id for e in events)
    assert events[0].at < events[-1].at


def test_cohousing_referrals_answer_its_intake_questions(demo, db):
    """The Co-housing's own questions (partners/network.py) are answered from the
    household itself: a mother with minors says yes, and the town is one of the Union's."""
    referrals = list(Referral.objects.filter(project__slug="cohousing-adda-martesana"))
    assert referrals
    for referral in referrals:
        answers = {a["kind"]: a["answer"] for a in referral.eligibility_answers}
        members = list(referral.household.members.all())
        minors = [m for m in members if m.is_minor()]
        reference = next(m for m in members if m.relationship == Person.Relationship.REFERENCE)
        assert answers["yes_no"] == bool(minors and reference.sex == Person.Sex.FEMALE)
        assert answers.get("number") == (min(m.age() for m in minors) if minors else None)
        assert answers["choice"] in (
            "Bellinzago Lombardo",
            "Liscate",
            "Pozzuolo Martesana",
            "Truccazzano",
            "Altro comune",
        )
    assert any(a["answer"] is True for r in referrals for a in r.eligibility_answers)
    assert (
        not Referral.objects.exclude(project__slug="cohousing-adda-martesana")
        .exclude(eligibility_answers=[])
        .exists()
    )


def test_a_second_run_adds_nothing(demo, db):
    before = counts()
    assert create_demo_households() == ["Nuclei dimostrativi già presenti: nessuna modifica."]
    assert counts() == before


def test_it_is_deterministic(demo, db):
    def people():
        return sorted(
            Person.objects.values_list("first_name", "last_name", "birth_date", "codice_fiscale")
        )

    first = people()
    Household.objects.filter(notes=DEMO_NOTE).delete()
    create_demo_households()
    assert people() == first


def test_every_demo_row_passes_full_clean(demo, db):
    # The demo writes in bulk for speed; the rows must still be what the services
    # would accept.
    for model in (Household, Person, Referral, Case, Consent):
        for row in model.objects.all()[:60]:
            try:
                row.full_clean()
            except ValidationError as error:  # pragma: no cover - shown on failure
                pytest.fail(f"{model.__name__} {row.pk}: {error.message_dict}")
