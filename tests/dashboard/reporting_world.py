"""A small world for the reporting (issue 19), counted by hand.

The period is two years, 2024-01-01 to 2025-12-31 (PERIOD), and "today" is 2026-06-30,
after it. Six months are 182 days, twelve 365: a stay is in the 6-month cohort when it
started in the period on or before 2025-07-03, in the 12-month one on or before
2025-01-01.

Casa Alfa (area served: Comune Uno, a member of the district "Ambito Uno"); every
household referred by Comune Uno:

- A1  woman (1985) + child (2015). Referral sent 2024-01-01; case 2024-01-05, ETHOS 2
      (emergency); in U1 from 2024-01-11 (10 days' wait), still there. Retained at 6 and
      12 months; both people housed >= 6 months.
- A2  man (1970). Referral 2024-03-01; case 2024-03-01, ETHOS 1 (street); in U1 from
      2024-03-31 (30 days), moved to U2 on 2024-06-30, out of U2 on 2024-09-30 to an own
      rented home (stable): a stay of 184 nights. Case exit 2024-09-30, ETHOS 0 (not
      homeless): improved. Follow-up at 6 months done 2025-03-30, ETHOS 0: improved.
- A3  woman (1990). Referral 2024-06-01; case 2024-06-01, ETHOS 3; in U1 from
      2024-07-01 (30 days) to 2024-08-30, to the street (61 nights, not retained). Case
      exit 2024-08-31, ETHOS 1: worse. Referred again on 2025-03-01: a return.
- A4  man (1980), woman (1982), child (2020). Referral 2025-09-01; case 2025-09-10, ETHOS
      6; in U2 from 2025-10-01 (30 days): too recent for any cohort, 92 nights by the end.
- A5  man (1960). Referral 2023-06-01; case 2023-06-01, no ETHOS recorded; in U1 from
      2023-07-01 (before the period) to 2024-02-29, to public housing (stable, 244
      nights). Case exit 2024-03-01, ETHOS 0 (entry not recorded). Follow-up at 6 months
      done 2024-09-01, ETHOS 0.

Casa Beta (serves no district): B1, woman (1975), referral sent 2024-02-01 by
Cooperativa Beta, case 2024-02-01 ETHOS 4, in Beta's unit from 2024-02-21 (20 days),
still there.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from beneficiaries.models import CaseExit, FollowUp, Person
from dashboard.indicators import Period
from housing.models import Placement
from partners.models import Organisation
from tests.factories import (
    CaseFactory,
    HousingUnitFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PersonFactory,
    ReferralFactory,
    UserFactory,
)

D = datetime.date
PERIOD = Period(D(2024, 1, 1), D(2025, 12, 31))
TODAY = D(2026, 6, 30)
F, M = Person.Sex.FEMALE, Person.Sex.MALE
REF, CHILD, PARTNER = (
    Person.Relationship.REFERENCE,
    Person.Relationship.CHILD,
    Person.Relationship.PARTNER,
)


def sent(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@dataclass
class World:
    alfa: object
    beta: object
    ambito: object
    households: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    placements: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)


def _people(registered_by, *people):
    reference = None
    members = []
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
        members.append(person)
    return members


def _place(unit, case, people, start, end=None, *, reason="", destination="", moved_from=None):
    placement = Placement.objects.create(
        created_by=UserFactory(),
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


def _exit(case, on, reason, destination, ethos):
    case.closed_on = on
    case.save(update_fields=["closed_on"])
    return CaseExit.objects.create(
        case=case,
        closed_on=on,
        reason=reason,
        destination=destination,
        autonomy_reached="yes",
        ethos_light=ethos,
    )


def build(*, project_alfa, project_beta, coop_alfa, coop_beta, comune_uno) -> World:
    ambito = OrganisationFactory(
        name="Ambito Uno", slug="ambito-uno", kind=Organisation.Kind.TERRITORIAL_DISTRICT
    )
    OrganisationMembershipFactory(member=comune_uno, parent=ambito)
    world = World(project_alfa, project_beta, ambito)
    u1 = HousingUnitFactory(project=project_alfa, capacity=4, name="U1")
    u2 = HousingUnitFactory(project=project_alfa, capacity=4, name="U2")
    ub = HousingUnitFactory(project=project_beta, capacity=4, name="UB")
    world.units = {"U1": u1, "U2": u2, "UB": ub}

    def pathway(name, people, *, referred, opened, ethos, project=project_alfa, by=comune_uno):
        members = _people(by, *people)
        household = members[0].household
        referral = ReferralFactory(
            household=household,
            project=project,
            referring_organisation=by,
            status="accepted",
            sent_at=sent(referred),
            ethos_light=ethos,
        )
        holder = coop_alfa if project == project_alfa else coop_beta
        case = CaseFactory(
            household=household,
            project=project,
            referral=referral,
            holding_organisation=holder,
            opened_on=opened,
            ethos_light=ethos,
        )
        world.households[name] = household
        world.cases[name] = case
        return case, members

    c, people = pathway(
        "A1", [(REF, F, D(1985, 1, 1)), (CHILD, F, D(2015, 1, 1))],
        referred=D(2024, 1, 1), opened=D(2024, 1, 5), ethos="2",
    )  # fmt: skip
    world.placements["A1"] = _place(u1, c, people, D(2024, 1, 11))

    c, people = pathway(
        "A2", [(REF, M, D(1970, 1, 1))], referred=D(2024, 3, 1), opened=D(2024, 3, 1), ethos="1"
    )
    first = _place(u1, c, people, D(2024, 3, 31), D(2024, 6, 29), reason=Placement.ExitReason.MOVED)
    world.placements["A2"] = first
    _place(
        u2, c, people, D(2024, 6, 30), D(2024, 9, 30),
        reason=Placement.ExitReason.AUTONOMY, destination="own_rented_home", moved_from=first,
    )  # fmt: skip
    _exit(c, D(2024, 9, 30), CaseExit.Reason.GOALS_REACHED, "own_rented_home", "0")
    FollowUp.objects.create(
        case=c, months_after_exit=6, due_on=D(2025, 3, 30), done_on=D(2025, 3, 30),
        still_housed="yes", housing_situation="own_rented_home", ethos_light="0",
    )  # fmt: skip

    c, people = pathway(
        "A3", [(REF, F, D(1990, 1, 1))], referred=D(2024, 6, 1), opened=D(2024, 6, 1), ethos="3"
    )
    world.placements["A3"] = _place(
        u1, c, people, D(2024, 7, 1), D(2024, 8, 30),
        reason=Placement.ExitReason.VOLUNTARY, destination="homeless",
    )  # fmt: skip
    _exit(c, D(2024, 8, 31), CaseExit.Reason.VOLUNTARY, "homeless", "1")
    ReferralFactory(
        household=c.household,
        project=project_alfa,
        referring_organisation=comune_uno,
        status="sent",
        sent_at=sent(D(2025, 3, 1)),
    )

    c, people = pathway(
        "A4",
        [(REF, M, D(1980, 1, 1)), (PARTNER, F, D(1982, 1, 1)), (CHILD, M, D(2020, 1, 1))],
        referred=D(2025, 9, 1), opened=D(2025, 9, 10), ethos="6",
    )  # fmt: skip
    world.placements["A4"] = _place(u2, c, people, D(2025, 10, 1))

    c, people = pathway(
        "A5", [(REF, M, D(1960, 1, 1))], referred=D(2023, 6, 1), opened=D(2023, 6, 1), ethos=""
    )
    world.placements["A5"] = _place(
        u1, c, people, D(2023, 7, 1), D(2024, 2, 29),
        reason=Placement.ExitReason.AUTONOMY, destination="public_housing",
    )  # fmt: skip
    _exit(c, D(2024, 3, 1), CaseExit.Reason.GOALS_REACHED, "public_housing", "0")
    FollowUp.objects.create(
        case=c, months_after_exit=6, due_on=D(2024, 9, 1), done_on=D(2024, 9, 1),
        still_housed="yes", housing_situation="public_housing", ethos_light="0",
    )  # fmt: skip

    c, people = pathway(
        "B1", [(REF, F, D(1975, 1, 1))], referred=D(2024, 2, 1), opened=D(2024, 2, 1),
        ethos="4", project=project_beta, by=coop_beta,
    )  # fmt: skip
    world.placements["B1"] = _place(ub, c, people, D(2024, 2, 21))
    return world
