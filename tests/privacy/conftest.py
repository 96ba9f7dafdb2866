"""The marked world of the privacy tests (issue 11): a household whose records each carry
a unique marker, so that any surface can be searched for what it must not show.

`world` is the household's file, its case in Casa Alfa and its case in Casa Beta;
`placed_world` adds its placement in a unit of Casa Alfa with a contribution ledger;
`group_world` adds group activities written in another household's diary that name it;
`notified_world` adds the notifications that the events of the network send."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from beneficiaries.models import CaseNote, Document, Person, Vulnerability
from housing import ledger
from housing import services as housing_services
from housing.models import Payment
from partners.models import StaffMembership
from tests.factories import (
    CaseAssignmentFactory,
    CaseFactory,
    CaseNoteFactory,
    GoalFactory,
    HousingUnitFactory,
    OrganisationFactory,
    PersonFactory,
    PropertyFactory,
    ReferralFactory,
    StaffMembershipFactory,
    SupportPlanFactory,
    UserFactory,
)

ALL_MARKERS = {
    "MK-OPEN-NOTE",  # an ordinary diary entry of Casa Alfa: a household fact
    "MK-CHILD-DOC",  # the child's own document
    "MK-CONF-OWN",  # confidential, written by Alfa (the coordinator's own cooperative)
    "MK-CONF-OTHER",  # confidential, written by an anti-violence centre
    "MK-SPECIAL-MOTHER",  # the household's domestic-violence record
    "MK-MOTHER-DOC",  # the mother's document
    "MK-BETA-NOTE",  # diary of the household's case in Casa Beta
    "MK-BETA-GOAL",  # plan of that case
    "MK-BETA-REFERRAL",  # the referral to Casa Beta
    # placed_world: the placement in Casa Alfa and its contribution ledger
    "MK-PLACEMENT-END",  # why the planned end differs from the maximum stay
    "MK-LEDGER-PAYMENT",  # a payment's notes
    "MK-LEDGER-RECEIPT",  # its receipt's number
    "MK-LEDGER-SUSPENSION",  # why the contribution is suspended
    "MK-LEDGER-ARREARS",  # why arrears are not the household's fault
    # group_world: activities written in another household's diary (Casa Beta's)
    "MK-GROUP-NOTE",  # an open group activity the household took part in
    "MK-GROUP-CONF",  # a confidential one, written by Beta
    "MK-GROUP-HOST",  # the name of the household in whose diary they are written
    "MK-GROUP-OTHER",  # the name of a third household that took part, seen by nobody here
    # notified_world: what the reminders are about
    "MK-ACTION-DUE",  # an action of Casa Alfa's plan, due tomorrow
}
# Markers of records of other households that the household's diary shows by design (a
# group activity appears in the diaries of all who took part): not in its history.
OTHER_HOUSEHOLDS_MARKERS = {"MK-GROUP-NOTE", "MK-GROUP-CONF", "MK-GROUP-HOST"}


def _document(case, person, title):
    document = Document(
        case=case,
        person=person,
        kind="identity",
        title=title,
        original_name="scan.pdf",
        content_type="application/pdf",
        size=8,
    )
    document.file.save("scan.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()


@pytest.fixture
def antiviolence_centre(db):
    return OrganisationFactory(name="Centro Antiviolenza MK", slug="centro-antiviolenza")


@pytest.fixture
def beta_coordinator(coop_beta, project_beta):
    user = UserFactory(username="coord.beta")
    StaffMembershipFactory(user=user, organisation=coop_beta, role=StaffMembership.Role.COORDINATOR)
    return user


@pytest.fixture
def stranger(db):
    """A coordinator of an organisation that has nothing to do with the household."""
    user = UserFactory(username="coord.altrove")
    StaffMembershipFactory(
        user=user, organisation=OrganisationFactory(), role=StaffMembership.Role.COORDINATOR
    )
    return user


@pytest.fixture
def vera(antiviolence_centre, household_alfa):
    """The anti-violence centre's coordinator, assigned to the household's case in Casa
    Alfa (the centre follows the mother): she sees the case and the placement, and
    reads her own centre's confidential note, but the contributions are not hers to
    read (core.access.Access.may_read_contributions)."""
    user = UserFactory(username="vera", first_name="Vera", last_name="Conti")
    StaffMembershipFactory(
        user=user, organisation=antiviolence_centre, role=StaffMembership.Role.COORDINATOR
    )
    CaseAssignmentFactory(case=household_alfa.cases.get(project__slug="casa-alfa"), worker=user)
    return user


@pytest.fixture
def world(
    household_alfa,
    coop_alfa,
    coop_beta,
    project_beta,
    comune_uno,
    antiviolence_centre,
    private_storage_root,
):
    """Fatima (reference person) and her son Amir in household_alfa, followed by Alfa in
    Casa Alfa, and also by Beta in Casa Beta."""
    fatima = household_alfa.members.get()
    amir = PersonFactory(
        household=household_alfa,
        relationship=Person.Relationship.CHILD,
        first_name="Amir",
        last_name="El Amrani",
        birth_date=datetime.date(2015, 3, 2),
        sex=Person.Sex.MALE,
    )
    case = household_alfa.cases.get()
    CaseNoteFactory(case=case, text="MK-OPEN-NOTE colloquio")
    CaseNoteFactory(case=case, text="MK-CONF-OWN", is_confidential=True)
    CaseNoteFactory(
        case=case,
        text="MK-CONF-OTHER violenza dell'ex compagno",
        is_confidential=True,
        author_organisation=antiviolence_centre,
    )
    Vulnerability.objects.create(
        household=household_alfa,
        kind=Vulnerability.Kind.DOMESTIC_VIOLENCE,
        notes="MK-SPECIAL-MOTHER",
    )
    Vulnerability.objects.create(
        household=household_alfa, kind=Vulnerability.Kind.SINGLE_PARENT, notes="genitore solo"
    )
    _document(case, fatima, "MK-MOTHER-DOC")
    _document(case, amir, "MK-CHILD-DOC")
    beta_referral = ReferralFactory(
        household=household_alfa,
        project=project_beta,
        referring_organisation=comune_uno,
        status="accepted",
        reason="MK-BETA-REFERRAL",
    )
    beta_case = CaseFactory(
        household=household_alfa,
        project=project_beta,
        referral=beta_referral,
        holding_organisation=coop_beta,
    )
    CaseNoteFactory(case=beta_case, text="MK-BETA-NOTE")
    GoalFactory(plan=SupportPlanFactory(case=beta_case), description="MK-BETA-GOAL")
    # Both referrals were sent before they were accepted (the factory leaves the date
    # empty; the SIUSS export counts sent referrals only).
    household_alfa.referrals.filter(sent_at__isnull=True).update(sent_at=timezone.now())
    return {"fatima": fatima, "amir": amir, "beta_case": beta_case}


def months_ago(count: int, today: datetime.date | None = None) -> datetime.date:
    """The first day of the month `count` months before this one."""
    month = ledger.first_of_month(today or timezone.localdate())
    for _ in range(count):
        month = ledger.first_of_month(month - datetime.timedelta(days=1))
    return month


@pytest.fixture
def placed_world(world, household_alfa, project_alfa, carla):
    """The household placed in a unit of Casa Alfa three months ago, through the
    services (which write the audit trail): two months charged, a payment, the current
    month's contribution suspended, the arrears of last month not the household's
    fault."""
    unit = HousingUnitFactory(
        project=project_alfa,
        property=PropertyFactory(name="Casa Via dei Tigli"),
        name="Trilocale Via dei Tigli",
        capacity=4,
    )
    start = months_ago(2)
    placement = housing_services.placement_start(
        user=carla,
        unit=unit,
        household=household_alfa,
        members=list(household_alfa.members.all()),
        start_date=start,
        planned_end_date=start + datetime.timedelta(days=365),
        planned_end_reason="MK-PLACEMENT-END un anno, come da progetto",
        monthly_contribution=Decimal("120.00"),
    )
    housing_services.contribution_suspend(
        user=carla,
        placement=placement,
        start_date=months_ago(0),
        end_date=None,
        reason="MK-LEDGER-SUSPENSION perdita del lavoro",
        document_reference="verbale d'équipe 12",
    )
    for month in (months_ago(2), months_ago(1)):
        housing_services.charges_generate(user=carla, placement=placement, month=month)
    housing_services.payment_record(
        user=carla,
        placement=placement,
        paid_on=months_ago(2) + datetime.timedelta(days=4),
        amount=Decimal("120"),
        method=Payment.Method.CASH,
        receipt_number="MK-LEDGER-RECEIPT-41",
        notes="MK-LEDGER-PAYMENT pagato dalla madre",
    )
    housing_services.arrears_flag(
        user=carla,
        placement=placement,
        first_month=months_ago(1),
        last_month=months_ago(1),
        reason="MK-LEDGER-ARREARS il contributo comunale arriva in ritardo",
    )
    return {**world, "unit": unit, "placement": placement}


@pytest.fixture
def group_world(world, household_alfa, coop_beta, project_beta, bruno):
    """Two group activities written in the diary of another household (Giada's, followed
    by Beta in Casa Beta) that name the marked household and a third one: an open one,
    and one confidential to Beta. Their audit rows are the ones `case_note_create`
    writes: one for the household whose diary it is, one for each household named."""
    from core import audit

    host = PersonFactory(
        household__registered_by=coop_beta, first_name="Giada", last_name="MK-GROUP-HOST"
    ).household
    host_case = CaseFactory(household=host, project=project_beta, holding_organisation=coop_beta)
    CaseAssignmentFactory(case=host_case, worker=bruno)
    third = PersonFactory(
        household__registered_by=OrganisationFactory(), last_name="MK-GROUP-OTHER"
    ).household
    notes = []
    for text, confidential in (
        ("MK-GROUP-NOTE laboratorio di cucina con le madri", False),
        ("MK-GROUP-CONF tensioni nel gruppo", True),
    ):
        note = CaseNoteFactory(
            case=host_case,
            kind=CaseNote.Kind.GROUP_ACTIVITY,
            text=text,
            is_confidential=confidential,
            author=bruno,
            households=[household_alfa, third],
        )
        audit.record_create(actor=bruno, instance=note, household=host, case=host_case)
        for household in (household_alfa, third):
            audit.record(
                actor=bruno,
                action=audit.Action.CREATE,
                instance=note,
                household=household,
                case=host_case,
                changes={"households": [None, str(household.pk)]},
            )
        notes.append(note)
    return {**world, "host_case": host_case, "group_notes": notes}


def markers_in(data) -> set[str]:
    text = json.dumps(data, ensure_ascii=False)
    return {marker for marker in ALL_MARKERS if marker in text}


@pytest.fixture
def notified_world(
    placed_world,
    household_alfa,
    project_beta,
    comune_uno,
    carla,
    alice,
    dave,
    marco,
    bruno,
    vera,
    beta_coordinator,
    django_capture_on_commit_callbacks,
):
    """The notifications that the network's events send about the marked household, as
    the domain sends them (core.signals, heard by notifications/receivers.py), with the
    e-mails sent (mail.outbox) and the day's digests made:

    - its referral to Casa Beta sent by the referrer (Beta's coordinators are told) and
      accepted (the referrer is told);
    - workers added to its case in Casa Alfa, among them Beta's worker, who may not see
      that case (the receivers keep only who may);
    - the daily reminders scan, with an action of Casa Alfa's plan due tomorrow
      (MK-ACTION-DUE) and a review of Casa Beta's plan overdue;
    - Alfa's worker going past the duplicate check's limit (Alfa's coordinator is told,
      with the worker's username in the app, never in the e-mail).
    """
    from django.core.management import call_command

    from beneficiaries.models import Referral
    from core.signals import case_workers_added, lookups_throttled, referral_moved
    from notifications import services as notification_services
    from tests.factories import ActionFactory, ReviewFactory

    today = timezone.localdate()
    alfa_case = household_alfa.cases.get(project__slug="casa-alfa")
    alfa_goal = GoalFactory(plan=SupportPlanFactory(case=alfa_case), description="Casa")
    ActionFactory(
        goal=alfa_goal,
        description="MK-ACTION-DUE rinnovo del permesso",
        due_on=today + datetime.timedelta(days=1),
    )
    beta_plan = placed_world["beta_case"].support_plan
    ReviewFactory(plan=beta_plan, scheduled_on=today - datetime.timedelta(days=5))
    beta_referral = Referral.objects.get(household=household_alfa, project=project_beta)
    with django_capture_on_commit_callbacks(execute=True):
        referral_moved.send(
            sender=Referral, referral=beta_referral, to_status=Referral.Status.SENT, actor=marco
        )
        referral_moved.send(
            sender=Referral,
            referral=beta_referral,
            to_status=Referral.Status.ACCEPTED,
            actor=beta_coordinator,
        )
        case_workers_added.send(
            sender=type(alfa_case),
            case=alfa_case,
            workers=[alice, dave, vera, bruno],
            actor=carla,
            opened=False,
        )
        call_command("scan_reminders", stdout=io.StringIO())
        lookups_throttled.send(sender=None, user=dave)
        notification_services.digests_send(force=True)
    return {**placed_world, "alfa_case": alfa_case}
