"""A throwaway project full of realistic data, to measure the dashboard against.

`create_project` writes, with bulk inserts, one project of the given number of
households and everything their pathways leave behind: referrals (most accepted, some
declined, withdrawn or pending), cases with their workers, placements in units that
never overlap (so PostgreSQL's occupancy constraints hold), exits with destinations,
follow-ups, support plans with goals and reviews (some overdue), autonomy assessments at
entry and exit, diary entries, and a few households referred again after their exit.

It never commits by itself: the benchmark command runs it inside a transaction that it
rolls back, and the tests inside theirs. Names are fictional and marked "Benchmark".
"""

from __future__ import annotations

import datetime
import heapq
import random
import uuid
from dataclasses import dataclass

from django.utils import timezone

from beneficiaries import autonomy
from beneficiaries.models import (
    AutonomyAssessment,
    AutonomyScore,
    Case,
    CaseAssignment,
    CaseExit,
    CaseNote,
    ExitDestination,
    FollowUp,
    Goal,
    Household,
    LifeDomain,
    Person,
    Referral,
    Review,
    SupportPlan,
    name_key,
)
from beneficiaries.services import pathway as pathway_services
from core.dates import add_months
from housing.models import HousingUnit, Placement, PlaceOccupancy, Property
from partners.models import Organisation, OrganisationMembership, StaffMembership
from projects.models import Participation, Project
from users.models import User

BATCH = 1000


FIRST_NAMES_F = ("Amina", "Giulia", "Fatou", "Elena", "Sara", "Olena", "Maria", "Nadia")


FIRST_NAMES_M = ("Luca", "Omar", "Ivan", "Marco", "Samuel", "Karim", "Paolo", "Ahmed")


LAST_NAMES = ("Benchmark", "Prova", "Esempio", "Campione", "Modello", "Saggio")


# Exit destinations (of the placement and of the case exit alike), with their weights.
EXITS = (
    (ExitDestination.OWN_RENTED_HOME, 30),
    (ExitDestination.PUBLIC_HOUSING, 15),
    (ExitDestination.FAMILY_OR_FRIENDS, 15),
    (ExitDestination.ANOTHER_PROJECT, 15),
    (ExitDestination.INSTITUTION, 5),
    (ExitDestination.LEFT_WITHOUT_NOTICE, 10),
    (ExitDestination.UNKNOWN, 10),
)


EXIT_REASONS = (
    (Placement.ExitReason.AUTONOMY, CaseExit.Reason.GOALS_REACHED),
    (Placement.ExitReason.MAX_STAY, CaseExit.Reason.MAX_STAY),
    (Placement.ExitReason.VOLUNTARY, CaseExit.Reason.VOLUNTARY),
    (Placement.ExitReason.AGREEMENT_BREACH, CaseExit.Reason.BREACH),
)


@dataclass
class BenchmarkProject:
    project: Project
    coordinator: User
    households: int
    counts: dict


def _bulk(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def create_project(
    *, households: int = 5000, seed: int = 2026, today: datetime.date | None = None
) -> BenchmarkProject:
    rng = random.Random(seed)  # noqa: S311 - fictional data, not secrets
    today = today or timezone.localdate()
    tag = uuid.uuid4().hex[:8]
    days = lambda low, high: datetime.timedelta(days=rng.randint(low, high))  # noqa: E731

    # The network around the project ---------------------------------------------------
    lead = Organisation.objects.create(
        name=f"Cooperativa Benchmark {tag}",
        slug=f"benchmark-coop-{tag}",
        kind=Organisation.Kind.SOCIAL_COOPERATIVE,
    )
    district = Organisation.objects.create(
        name=f"Ambito Benchmark {tag}",
        slug=f"benchmark-ambito-{tag}",
        kind=Organisation.Kind.TERRITORIAL_DISTRICT,
    )
    municipalities = _bulk(
        Organisation,
        [
            Organisation(
                name=f"Comune Benchmark {tag} {i}",
                slug=f"benchmark-comune-{tag}-{i}",
                kind=Organisation.Kind.MUNICIPALITY,
            )
            for i in range(1, 9)
        ],
    )
    _bulk(
        OrganisationMembership,
        [OrganisationMembership(member=m, parent=district) for m in municipalities[:5]],
    )
    project = Project.objects.create(
        name=f"Progetto Benchmark {tag}",
        slug=f"benchmark-{tag}",
        kind=Project.Kind.TEMPORARY_HOUSING,
        max_stay_months=18,
    )
    _bulk(
        Participation,
        [Participation(project=project, organisation=lead, role=Participation.Role.LEAD)]
        + [
            Participation(project=project, organisation=m, role=Participation.Role.REFERRING_BODY)
            for m in municipalities
        ],
    )
    coordinator = User.objects.create_user(
        username=f"benchmark-coord-{tag}", first_name="Coordinatrice", last_name="Benchmark"
    )
    workers = _bulk(
        User,
        [
            User(username=f"benchmark-op-{tag}-{i}", first_name="Operatore", last_name=f"B{i}")
            for i in range(1, 13)
        ],
    )
    _bulk(
        StaffMembership,
        [
            StaffMembership(
                user=coordinator, organisation=lead, role=StaffMembership.Role.COORDINATOR
            )
        ]
        + [
            StaffMembership(user=w, organisation=lead, role=StaffMembership.Role.SOCIAL_WORKER)
            for w in workers
        ],
    )

    # Places: units of 2 to 6, twenty to a building -------------------------------------
    unit_count = max(4, households // 5)
    properties = _bulk(
        Property,
        [
            Property(
                name=f"Casa Benchmark {i}",
                address=f"Via Benchmark {tag} {i}",
                town="Desio",
                owner="Comune",
                managing_organisation=lead,
            )
            for i in range(unit_count // 20 + 1)
        ],
    )
    units = _bulk(
        HousingUnit,
        [
            HousingUnit(
                property=properties[i // 20],
                project=project,
                name=f"Alloggio {i}",
                kind=HousingUnit.Kind.APARTMENT,
                capacity=rng.choice((2, 3, 4, 4, 5, 6)),
            )
            for i in range(unit_count)
        ],
    )
    # When each unit is free again, per capacity: a heap of (free from, unit index).
    start_of_data = today - datetime.timedelta(days=3 * 365)
    free = {c: [] for c in range(2, 7)}
    for index, unit in enumerate(units):
        heapq.heappush(free[unit.capacity], (start_of_data, index))

    # Households and people ---------------------------------------------------------------
    household_rows = _bulk(
        Household,
        [
            Household(
                registered_by=rng.choice(municipalities),
                living_situation=rng.choice(Household.LivingSituation.values),
            )
            for _ in range(households)
        ],
    )
    people, members_of = [], {}
    for household in household_rows:
        size = rng.choices((1, 2, 3, 4, 5), weights=(30, 20, 25, 15, 10))[0]
        woman = rng.random() < 0.6
        last = rng.choice(LAST_NAMES)
        members = []
        for position in range(size):
            if position == 0:
                relationship, female = Person.Relationship.REFERENCE, woman
                born = today - days(20 * 365, 65 * 365)
            elif position == 1 and size > 2 and rng.random() < 0.5:
                relationship, female = Person.Relationship.PARTNER, not woman
                born = today - days(20 * 365, 65 * 365)
            else:
                relationship, female = Person.Relationship.CHILD, rng.random() < 0.5
                born = today - days(1 * 365, 17 * 365)
            first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
            members.append(
                Person(
                    household=household,
                    relationship=relationship,
                    first_name=first,
                    last_name=last,
                    birth_date=born,
                    sex=Person.Sex.FEMALE if female else Person.Sex.MALE,
                    name_key=name_key(first, last),
                )
            )
        people.extend(members)
        members_of[household.pk] = members
    _bulk(Person, people)

    # Referrals and cases -----------------------------------------------------------------
    Status = Referral.Status
    referrals = []
    for household in household_rows:
        sent = today - days(20, 3 * 365)
        status = rng.choices(
            (Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.UNDER_ASSESSMENT),
            weights=(80, 12, 3, 5),
        )[0]
        referrals.append(
            Referral(
                household=household,
                project=project,
                referring_organisation=household.registered_by,
                reason="Emergenza abitativa (dati di prova).",
                urgency=rng.choice(Referral.Urgency.values),
                status=status,
                sent_at=_noon(sent),
                decided_at=_noon(sent + days(3, 20))
                if status in (Status.ACCEPTED, Status.DECLINED)
                else None,
                decision_notes="Requisiti non soddisfatti." if status == Status.DECLINED else "",
            )
        )
    _bulk(Referral, referrals)
    cases = []
    for referral in referrals:
        if referral.status != Status.ACCEPTED:
            continue
        opened = min(today, referral.sent_at.date() + days(7, 30))
        cases.append(
            Case(
                household=referral.household,
                project=project,
                referral=referral,
                holding_organisation=lead,
                opened_on=opened,
            )
        )
    _bulk(Case, cases)
    _bulk(
        CaseAssignment,
        [
            CaseAssignment(case=case, worker=rng.choice(workers), assigned_on=case.opened_on)
            for case in cases
            if rng.random() < 0.95
        ],
    )

    # Placements, one after the other in each unit ---------------------------------------
    placements, exits, closed_cases = [], [], []
    for case in cases:
        if rng.random() > 0.8:
            continue
        members = members_of[case.household_id]
        size = len(members)
        wanted = case.opened_on + days(5, 90)
        fitting = [c for c in free if c >= size and free[c]]
        if not fitting:
            continue
        capacity = min(fitting, key=lambda c: free[c][0])
        free_from, index = heapq.heappop(free[capacity])
        start = max(wanted, free_from)
        if start > today:
            heapq.heappush(free[capacity], (free_from, index))
            continue
        end = start + days(30, 540)
        placement = Placement(
            household_id=case.household_id, case=case, unit=units[index], start_date=start
        )
        if end < today:
            (reason, case_reason), destination = (
                rng.choice(EXIT_REASONS),
                rng.choices(EXITS, weights=[w for *_, w in EXITS])[0][0],
            )
            placement.end_date = end
            placement.exit_reason = reason
            placement.destination = destination
            heapq.heappush(free[capacity], (end + days(1, 20), index))
            closed_on = min(today, end + days(0, 10))
            case.closed_on = closed_on
            closed_cases.append(case)
            exits.append(
                CaseExit(
                    case=case,
                    closed_on=closed_on,
                    reason=case_reason,
                    destination=destination,
                    autonomy_reached=rng.choice(("yes", "partly", "no")),
                )
            )
        else:
            heapq.heappush(free[capacity], (datetime.date.max, index))
        placement.members_list = members
        placements.append(placement)
    _bulk(Placement, placements)
    Case.objects.bulk_update(closed_cases, ["closed_on"], batch_size=BATCH)
    _bulk(CaseExit, exits)
    _bulk(
        Placement.members.through,
        [
            Placement.members.through(placement_id=p.pk, person_id=person.pk)
            for p in placements
            for person in p.members_list
        ],
    )
    _bulk(
        PlaceOccupancy,
        [
            PlaceOccupancy(
                unit=p.unit,
                slot=slot,
                placement=p,
                person=person,
                start_date=p.start_date,
                end_date=p.end_date,
            )
            for p in placements
            for slot, person in enumerate(p.members_list, start=1)
        ],
    )

    # After the exit: follow-ups, and some households referred again --------------------
    follow_ups, again = [], []
    for case_exit in exits:
        for months in (3, 6, 12):
            due = add_months(case_exit.closed_on, months)
            done = due + days(0, 14)
            if done < today and rng.random() < 0.9:
                housed = rng.choices(("yes", "no", "unknown"), weights=(75, 15, 10))[0]
                follow_ups.append(
                    FollowUp(
                        case=case_exit.case,
                        months_after_exit=months,
                        due_on=due,
                        done_on=done,
                        still_housed=housed,
                        housing_situation=ExitDestination.OWN_RENTED_HOME
                        if housed == "yes"
                        else "",
                    )
                )
            else:
                follow_ups.append(
                    FollowUp(case=case_exit.case, months_after_exit=months, due_on=due)
                )
        later = case_exit.closed_on + days(30, 500)
        if rng.random() < 0.07 and later < today:
            again.append(
                Referral(
                    household_id=case_exit.case.household_id,
                    project=project,
                    referring_organisation_id=case_exit.case.household.registered_by_id,
                    reason="Nuova emergenza dopo l'uscita (dati di prova).",
                    urgency=Referral.Urgency.HIGH,
                    status=Status.SENT,
                    sent_at=_noon(later),
                )
            )
    _bulk(FollowUp, follow_ups)
    _bulk(Referral, again)

    # The pathway: plans, goals, reviews, assessments, diary -------------------------------
    plans = _bulk(
        SupportPlan,
        [
            SupportPlan(case=case, agreed_on=min(today, case.opened_on + days(7, 30)))
            for case in cases
        ],
    )
    goals, reviews = [], []
    for plan in plans:
        case = plan.case
        until = case.closed_on or today
        for _ in range(rng.randint(1, 4)):
            closed = plan.agreed_on + days(30, 400)
            if closed <= until and (case.closed_on or rng.random() < 0.4):
                status = rng.choices(
                    (Goal.Status.ACHIEVED, Goal.Status.PARTLY_ACHIEVED, Goal.Status.ABANDONED),
                    weights=(50, 30, 20),
                )[0]
            else:
                status, closed = Goal.Status.OPEN, None
            goals.append(
                Goal(
                    plan=plan,
                    domain=rng.choice(LifeDomain.values),
                    description="Obiettivo di prova",
                    status=status,
                    closed_on=closed,
                )
            )
        review_day = add_months(plan.agreed_on, 3)
        while review_day <= until:
            reviews.append(
                Review(plan=plan, scheduled_on=review_day, held_on=review_day, outcome="Fatta.")
            )
            review_day = add_months(review_day, 3)
        if case.closed_on is None:
            # The next review; about one in ten is already late.
            late = rng.random() < 0.1
            reviews.append(
                Review(plan=plan, scheduled_on=today - days(1, 40) if late else review_day)
            )
    _bulk(Goal, goals)
    _bulk(Review, reviews)

    assessments, levels = [], []
    for case in cases:
        if rng.random() < 0.9:
            entry = {d.value: rng.randint(1, 3) for d in autonomy.DOMAINS}
            assessments.append(
                (AutonomyAssessment(case=case, moment="entry", taken_on=case.opened_on), entry)
            )
            if case.closed_on and rng.random() < 0.85:
                exit_levels = {
                    d: max(1, min(5, level + rng.randint(-1, 2))) for d, level in entry.items()
                }
                assessments.append(
                    (
                        AutonomyAssessment(case=case, moment="exit", taken_on=case.closed_on),
                        exit_levels,
                    )
                )
    _bulk(AutonomyAssessment, [a for a, _ in assessments])
    for assessment, by_domain in assessments:
        levels.extend(
            AutonomyScore(assessment=assessment, domain=d, level=level)
            for d, level in by_domain.items()
        )
    _bulk(AutonomyScore, levels)

    notes = []
    for case in cases:
        until = case.closed_on or today
        span = max(0, (until - case.opened_on).days)
        for _ in range(rng.randint(0, 4)):
            notes.append(
                CaseNote(
                    case=case,
                    happened_on=case.opened_on + datetime.timedelta(days=rng.randint(0, span)),
                    kind=rng.choice(CaseNote.Kind.values),
                    duration_minutes=rng.choice((15, 30, 45, 60, 90)),
                    text="Nota di prova.",
                    author_organisation=lead,
                )
            )
    _bulk(CaseNote, notes)
    pathway_services.refresh_last_contact(household_ids=[h.pk for h in household_rows])

    return BenchmarkProject(
        project=project,
        coordinator=coordinator,
        households=households,
        counts={
            "persone": len(people),
            "segnalazioni": len(referrals) + len(again),
            "prese in carico": len(cases),
            "inserimenti": len(placements),
            "uscite": len(exits),
            "follow-up": len(follow_ups),
            "obiettivi": len(goals),
            "verifiche": len(reviews),
            "valutazioni": len(assessments),
            "note di diario": len(notes),
        },
    )
