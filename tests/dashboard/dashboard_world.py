"""A small world of households in Casa Alfa whose indicators are counted by hand.

The period of the report is the first half of 2025: PERIOD_START to PERIOD_END, 181
days. Every row below says in a comment what it adds to which indicator, so that the
expected values in tests/dashboard/test_indicators.py can be checked with a pencil.

Households of Casa Alfa (referred by Comune Uno unless said otherwise):

- H1  woman (1985) with two minors (2015, 2008-03-01); case from 2024-11-01, open; in
      unit U1 with all three since 2024-12-01.
- H2  man (1970), woman (1975), son born 2007-06-30 (18 on the last day: an adult);
      referral sent 2025-01-10 and accepted; case 2025-02-01 → 2025-05-31; the couple in
      U2 from 2025-02-15 to 2025-05-30, exit to an own rented home (stable); case exit
      "goals reached", to an own rented home too; referred again on 2025-09-01 (a return); autonomy 2.0 → 3.2.
- H3  case closed 2024-12-15 (not served); its 6-month follow-up done 2025-06-15: housed.
- H4  case closed 2024-06-30 (not served); 6-month follow-up done 2025-01-02: unknown;
      12-month follow-up done 2025-06-30: not housed.
- H5  referral sent 2025-03-01, declined.
- H6  referral sent 2025-04-01, still under assessment.
- H7  man (1960), referred by Comune Due on 2025-05-01, accepted; case from 2025-05-10;
      in U2 from 2025-06-20, out of the waiting list's order (with a reason).
- H8  a draft referral, never sent.
- H9  woman (1980); case 2024-06-01 → 2025-04-05 (exit "transferred" to another
      project, referred again on
      2025-04-10, not a return because of the transfer); in U3 from 2024-06-10 to
      2025-01-31, moved to U1 from 2025-02-01 to 2025-03-31, exit to another project
      (temporary); autonomy 3.0 → 2.3.
- H10 woman (1995); referral sent 2024-12-20; case from 2025-01-05, open; in U3 from
      2025-01-06 to 2025-01-20, left without notice (unknown).
- H11 case opened 2025-07-05, after the period (not served).
- H13 placed in U4 in 2023, out of order too (before the period). Casa Beta's one
      placement is out of order as well (another project).
- H12 man (1965); case 2024-03-01 → 2025-03-15 (exit "voluntary", homeless, never
      placed in a unit); referred again on
      2026-04-01, 382 days later (not a return); an exit assessment but no entry one.

Units of Casa Alfa: U1 (4 places), U2 (2), U3 (2), all available; U4 (3 places) is
closed and its rows do not count. Casa Beta has its own case, referral, unit and goal,
outside every figure of Casa Alfa.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from beneficiaries import autonomy
from beneficiaries.models import (
    CaseExit,
    FollowUp,
    Goal,
    Person,
    Referral,
)
from housing.models import HousingUnit, Placement, PlaceOccupancy
from partners.models import Organisation
from projects.models import Participation
from tests.factories import (
    AutonomyAssessmentFactory,
    CaseFactory,
    GoalFactory,
    HousingUnitFactory,
    MunicipalityFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ReferralFactory,
    SupportPlanFactory,
)

D = datetime.date
PERIOD_START = D(2025, 1, 1)
PERIOD_END = D(2025, 6, 30)
AFTER_THE_PERIOD = D(2025, 12, 31)  # "today" for the occupancy: the period is over


def sent(day: datetime.date) -> datetime.datetime:
    """Noon of that day in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@dataclass
class World:
    project: object
    other_project: object
    comune_due: object
    ambito: object
    households: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)


def _household(registered_by, *people):
    """people: (relationship, sex, birth date)."""
    reference = None
    for relationship, sex, born in people:
        where = (
            {"household": reference.household}
            if reference
            else {"household__registered_by": registered_by}
        )
        person = PersonFactory(
            **where, relationship=relationship, sex=sex, birth_date=born, codice_fiscale=""
        )
        reference = reference or person
    return reference.household


def _referral(household, project, referrer, *, on, status=Referral.Status.ACCEPTED):
    return ReferralFactory(
        household=household,
        project=project,
        referring_organisation=referrer,
        status=status,
        sent_at=sent(on) if on else None,
        decision_notes="Requisiti non soddisfatti." if status == Referral.Status.DECLINED else "",
    )


def _place(
    unit, case, people, start, end=None, *, reason="", destination="", moved_from=None, skipped=""
):
    placement = Placement.objects.create(
        out_of_order=bool(skipped),
        out_of_order_reason=skipped,
        household=case.household,
        case=case,
        unit=unit,
        start_date=start,
        end_date=end,
        exit_reason=reason,
        destination=destination,
        moved_from=moved_from,
    )
    placement.members.set(people)
    return placement


def _occupy(unit, placement, person, slot, start, end=None):
    PlaceOccupancy.objects.create(
        unit=unit, slot=slot, placement=placement, person=person, start_date=start, end_date=end
    )


def _exit(case, on, reason, destination="own_rented_home"):
    CaseExit.objects.create(
        case=case, closed_on=on, reason=reason, destination=destination, autonomy_reached="yes"
    )


EVERY_DOMAIN_AT_3 = dict.fromkeys((d.value for d in autonomy.DOMAINS), 3)
F, M = Person.Sex.FEMALE, Person.Sex.MALE
REF, PARTNER, CHILD = (
    Person.Relationship.REFERENCE,
    Person.Relationship.PARTNER,
    Person.Relationship.CHILD,
)


def build(*, project_alfa, project_beta, coop_alfa, coop_beta, comune_uno) -> World:
    comune_due = MunicipalityFactory(name="Comune Due", slug="comune-due", istat_code="015002")
    ambito = OrganisationFactory(
        name="Ambito Uno", slug="ambito-uno", kind=Organisation.Kind.TERRITORIAL_DISTRICT
    )
    OrganisationMembershipFactory(member=comune_due, parent=ambito)
    ParticipationFactory(
        project=project_alfa, organisation=comune_due, role=Participation.Role.REFERRING_BODY
    )
    world = World(project_alfa, project_beta, comune_due, ambito)
    alfa, beta = project_alfa, project_beta

    def case(name, household, opened, closed=None, referral=None, project=alfa, holder=coop_alfa):
        world.households[name] = household
        world.cases[name] = CaseFactory(
            household=household,
            project=project,
            referral=referral,
            holding_organisation=holder,
            opened_on=opened,
            closed_on=closed,
        )
        return world.cases[name]

    u1 = HousingUnitFactory(project=alfa, name="U1", capacity=4)
    u2 = HousingUnitFactory(project=alfa, name="U2", capacity=2)
    u3 = HousingUnitFactory(project=alfa, name="U3", capacity=2)
    u4 = HousingUnitFactory(project=alfa, name="U4", capacity=3, state=HousingUnit.State.CLOSED)
    world.units = {"U1": u1, "U2": u2, "U3": u3, "U4": u4}

    # H1: served; one woman with children; three people in U1 all through the period.
    h1 = _household(comune_uno, (REF, F, D(1985, 4, 2)), (CHILD, F, D(2015, 9, 1)),
                    (CHILD, M, D(2008, 3, 1)))  # fmt: skip
    r1 = _referral(h1, alfa, comune_uno, on=D(2024, 10, 1))
    c1 = case("H1", h1, D(2024, 11, 1), referral=r1)
    p1 = _place(u1, c1, h1.members.all(), D(2024, 12, 1))
    for slot, person in enumerate(h1.members.order_by("birth_date"), start=1):
        _occupy(u1, p1, person, slot, D(2024, 12, 1))

    # H2: a new referral, accepted; 36 days to the placement; 105 nights; stable exit.
    h2 = _household(comune_uno, (REF, M, D(1970, 1, 1)), (PARTNER, F, D(1975, 1, 1)),
                    (CHILD, M, D(2007, 6, 30)))  # fmt: skip
    r2 = _referral(h2, alfa, comune_uno, on=D(2025, 1, 10))
    c2 = case("H2", h2, D(2025, 2, 1), D(2025, 5, 31), referral=r2)
    couple = list(h2.members.exclude(relationship=CHILD))
    p2 = _place(u2, c2, couple, D(2025, 2, 15), D(2025, 5, 30), reason="autonomy",
                destination="own_rented_home")  # fmt: skip
    for slot, person in enumerate(couple, start=1):
        _occupy(u2, p2, person, slot, D(2025, 2, 15), D(2025, 5, 30))
    _exit(c2, D(2025, 5, 31), CaseExit.Reason.GOALS_REACHED)
    _referral(h2, beta, comune_uno, on=D(2025, 9, 1), status=Referral.Status.SENT)
    AutonomyAssessmentFactory(case=c2, moment="entry", taken_on=D(2025, 2, 1))  # all 2
    AutonomyAssessmentFactory(
        case=c2,
        moment="exit",
        taken_on=D(2025, 5, 31),
        levels=EVERY_DOMAIN_AT_3 | {"social_network": 4, "services": 4},
    )

    # H3 and H4: closed before the period; their follow-ups fall in it.
    h3 = _household(comune_uno, (REF, F, D(1990, 1, 1)), (CHILD, M, D(2020, 1, 1)))
    c3 = case("H3", h3, D(2023, 1, 10), D(2024, 12, 15))
    _exit(c3, D(2024, 12, 15), CaseExit.Reason.GOALS_REACHED)
    AutonomyAssessmentFactory(case=c3, moment="exit", taken_on=D(2024, 12, 15))
    FollowUp.objects.create(case=c3, months_after_exit=3, due_on=D(2025, 3, 15),
                            done_on=D(2025, 3, 20), still_housed="no")  # fmt: skip
    FollowUp.objects.create(case=c3, months_after_exit=6, due_on=D(2025, 6, 15),
                            done_on=D(2025, 6, 15), still_housed="yes",
                            housing_situation="own_rented_home")  # fmt: skip
    FollowUp.objects.create(case=c3, months_after_exit=12, due_on=D(2025, 12, 15))
    h4 = _household(comune_uno, (REF, M, D(1980, 1, 1)))
    c4 = case("H4", h4, D(2024, 1, 10), D(2024, 6, 30))
    _exit(c4, D(2024, 6, 30), CaseExit.Reason.VOLUNTARY)
    FollowUp.objects.create(case=c4, months_after_exit=6, due_on=D(2024, 12, 30),
                            done_on=D(2025, 1, 2), still_housed="unknown")  # fmt: skip
    FollowUp.objects.create(case=c4, months_after_exit=12, due_on=D(2025, 6, 30),
                            done_on=D(2025, 6, 30), still_housed="no")  # fmt: skip

    # H5, H6, H8: referrals only.
    h5 = _household(comune_uno, (REF, F, D(1982, 1, 1)))
    _referral(h5, alfa, comune_uno, on=D(2025, 3, 1), status=Referral.Status.DECLINED)
    h6 = _household(comune_uno, (REF, F, D(1983, 1, 1)))
    _referral(h6, alfa, comune_uno, on=D(2025, 4, 1), status=Referral.Status.UNDER_ASSESSMENT)
    h8 = _household(comune_uno, (REF, F, D(1984, 1, 1)))
    _referral(h8, alfa, comune_uno, on=None, status=Referral.Status.DRAFT)

    # H7: from Comune Due; 50 days to the placement.
    h7 = _household(comune_due, (REF, M, D(1960, 1, 1)))
    r7 = _referral(h7, alfa, comune_due, on=D(2025, 5, 1))
    c7 = case("H7", h7, D(2025, 5, 10), referral=r7)
    # Placed before the first compatible household of the list: out of order.
    p7 = _place(u2, c7, h7.members.all(), D(2025, 6, 20), skipped="Dimissione ospedaliera.")
    _occupy(u2, p7, h7.members.get(), 1, D(2025, 6, 20))

    # H9: moved from U3 to U1; its stay counts from U3 (295 nights); temporary exit.
    h9 = _household(comune_uno, (REF, F, D(1980, 5, 5)))
    r9 = _referral(h9, alfa, comune_uno, on=D(2024, 5, 1))
    c9 = case("H9", h9, D(2024, 6, 1), D(2025, 4, 5), referral=r9)
    woman = h9.members.get()
    p9a = _place(u3, c9, [woman], D(2024, 6, 10), D(2025, 1, 31), reason="moved")
    _occupy(u3, p9a, woman, 1, D(2024, 6, 10), D(2025, 1, 31))
    p9b = _place(u1, c9, [woman], D(2025, 2, 1), D(2025, 3, 31), reason="max_stay",
                 destination="another_project", moved_from=p9a)  # fmt: skip
    _occupy(u1, p9b, woman, 4, D(2025, 2, 1), D(2025, 3, 31))
    _exit(c9, D(2025, 4, 5), CaseExit.Reason.TRANSFERRED, destination="another_project")
    _referral(h9, beta, comune_uno, on=D(2025, 4, 10), status=Referral.Status.SENT)
    AutonomyAssessmentFactory(
        case=c9, moment="entry", taken_on=D(2024, 6, 1), levels=EVERY_DOMAIN_AT_3
    )
    AutonomyAssessmentFactory(
        case=c9, moment="exit", taken_on=D(2025, 4, 5), levels={"housing": 5}
    )  # the other nine domains at 2

    # H10: 17 days to the placement; 15 nights; left without notice.
    h10 = _household(comune_uno, (REF, F, D(1995, 1, 1)))
    r10 = _referral(h10, alfa, comune_uno, on=D(2024, 12, 20))
    c10 = case("H10", h10, D(2025, 1, 5), referral=r10)
    p10 = _place(u3, c10, h10.members.all(), D(2025, 1, 6), D(2025, 1, 20), reason="voluntary",
                 destination="left_without_notice")  # fmt: skip
    _occupy(u3, p10, h10.members.get(), 2, D(2025, 1, 6), D(2025, 1, 20))

    # H11: opened after the period.
    h11 = _household(comune_uno, (REF, F, D(1991, 1, 1)))
    case("H11", h11, D(2025, 7, 5))

    # H12: a case exit in the period, referred again too late to be a return.
    h12 = _household(comune_uno, (REF, M, D(1965, 1, 1)))
    c12 = case("H12", h12, D(2024, 3, 1), D(2025, 3, 15))
    _exit(c12, D(2025, 3, 15), CaseExit.Reason.VOLUNTARY, destination="homeless")
    _referral(h12, beta, comune_uno, on=D(2026, 4, 1), status=Referral.Status.SENT)
    AutonomyAssessmentFactory(case=c12, moment="exit", taken_on=D(2025, 3, 15))

    # U4 is closed: this stay counts nowhere.
    h13 = _household(comune_uno, (REF, M, D(1975, 1, 1)))
    c13 = case("H13", h13, D(2023, 1, 1), D(2024, 1, 1))
    p13 = _place(u4, c13, h13.members.all(), D(2023, 1, 1), skipped="Prima del periodo.")
    _occupy(u4, p13, h13.members.get(), 1, D(2023, 1, 1))

    # Goals: five concluded in the period, three achieved.
    plan = SupportPlanFactory(case=c2, agreed_on=D(2025, 2, 1))
    for status, closed in (
        (Goal.Status.ACHIEVED, D(2025, 1, 1)),
        (Goal.Status.ACHIEVED, D(2025, 3, 1)),
        (Goal.Status.PARTLY_ACHIEVED, D(2025, 4, 1)),
        (Goal.Status.ABANDONED, D(2025, 5, 1)),
        (Goal.Status.ACHIEVED, D(2025, 6, 30)),
        (Goal.Status.ACHIEVED, D(2024, 12, 31)),  # before the period
        (Goal.Status.ACHIEVED, D(2025, 7, 1)),  # after it
    ):
        GoalFactory(plan=plan, status=status, closed_on=closed)
    GoalFactory(plan=plan)  # still open

    # Casa Beta: its own figures, never in Casa Alfa's.
    hb = _household(coop_beta, (REF, F, D(1988, 1, 1)), (CHILD, F, D(2019, 1, 1)))
    rb = _referral(hb, beta, coop_beta, on=D(2025, 2, 2))
    cb = case("B1", hb, D(2025, 2, 10), referral=rb, project=beta, holder=coop_beta)
    ub = HousingUnitFactory(project=beta, name="UB", capacity=2)
    pb = _place(ub, cb, hb.members.all(), D(2025, 3, 1), D(2025, 4, 30), reason="autonomy",
                destination="public_housing", skipped="Casa Beta.")  # fmt: skip
    for slot, person in enumerate(hb.members.all(), start=1):
        _occupy(ub, pb, person, slot, D(2025, 3, 1), D(2025, 4, 30))
    GoalFactory(plan=SupportPlanFactory(case=cb), status="achieved", closed_on=D(2025, 4, 1))
    return world
