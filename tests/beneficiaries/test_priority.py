"""The waiting list's priority: each criterion, urgency, weeks waiting, and the order."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from beneficiaries.models import Household, Person, Referral, Vulnerability
from beneficiaries.priority import meets, priority_of
from beneficiaries.selectors import intake as intake_selectors
from projects.models import PriorityRule
from tests.factories import (
    HouseholdFactory,
    PersonFactory,
    ReferralFactory,
    WaitingListEntryFactory,
)

pytestmark = pytest.mark.django_db

Criterion = PriorityRule.Criterion
Kind = Vulnerability.Kind
TODAY = datetime.date(2026, 6, 15)


def born(years_ago, days=0):
    return TODAY.replace(year=TODAY.year - years_ago) - datetime.timedelta(days=days)


def household(*members, vulnerabilities=(), **fields):
    """A household of (relationship, sex, birth date) members; the first is the
    reference person."""
    home = HouseholdFactory(**fields)
    for relationship, sex, birth_date in members:
        PersonFactory(household=home, relationship=relationship, sex=sex, birth_date=birth_date)
    for kind in vulnerabilities:
        Vulnerability.objects.create(household=home, kind=kind)
    return Household.objects.prefetch_related("members", "vulnerabilities").get(pk=home.pk)


REF, PARTNER, CHILD, PARENT = (
    Person.Relationship.REFERENCE,
    Person.Relationship.PARTNER,
    Person.Relationship.CHILD,
    Person.Relationship.PARENT,
)
F, M = Person.Sex.FEMALE, Person.Sex.MALE


def mother_and_child(child_age=6, child_days=0, **kwargs):
    return household((REF, F, born(34)), (CHILD, M, born(child_age, child_days)), **kwargs)


# Each criterion ---------------------------------------------------------------------


def test_woman_with_children():
    assert meets(Criterion.WOMAN_WITH_CHILDREN, mother_and_child(), TODAY)
    father = household((REF, M, born(40)), (CHILD, F, born(5)))
    assert not meets(Criterion.WOMAN_WITH_CHILDREN, father, TODAY)
    woman_alone = household((REF, F, born(30)))
    assert not meets(Criterion.WOMAN_WITH_CHILDREN, woman_alone, TODAY)
    # A daughter who is herself a minor is not a woman with children.
    two_girls = household((REF, F, born(16)), (PARTNER, F, born(15)))
    assert not meets(Criterion.WOMAN_WITH_CHILDREN, two_girls, TODAY)
    # Children who have come of age no longer count.
    grown_up = household((REF, F, born(50)), (CHILD, M, born(18)))
    assert not meets(Criterion.WOMAN_WITH_CHILDREN, grown_up, TODAY)


def test_children_under_3_counts_full_years():
    assert meets(Criterion.CHILDREN_UNDER_3, mother_and_child(child_age=2, child_days=364), TODAY)
    assert not meets(Criterion.CHILDREN_UNDER_3, mother_and_child(child_age=3), TODAY)


def test_single_parent_from_the_family_or_the_recorded_vulnerability():
    assert meets(Criterion.SINGLE_PARENT, mother_and_child(), TODAY)
    couple = household((REF, F, born(34)), (PARTNER, M, born(36)), (CHILD, M, born(4)))
    assert not meets(Criterion.SINGLE_PARENT, couple, TODAY)
    # The other parent may live elsewhere yet the worker recorded a single parent.
    recorded = household(
        (REF, F, born(34)),
        (PARENT, F, born(66)),
        (CHILD, M, born(4)),
        vulnerabilities=[Kind.SINGLE_PARENT],
    )
    assert meets(Criterion.SINGLE_PARENT, recorded, TODAY)
    assert not meets(Criterion.SINGLE_PARENT, household((REF, M, born(30))), TODAY)


@pytest.mark.parametrize(
    ("criterion", "kind"),
    [
        (Criterion.DISABILITY, Kind.DISABILITY),
        (Criterion.DOMESTIC_VIOLENCE, Kind.DOMESTIC_VIOLENCE),
    ],
)
def test_criteria_recorded_as_vulnerabilities(criterion, kind):
    assert meets(criterion, household((REF, F, born(40)), vulnerabilities=[kind]), TODAY)
    other = household((REF, F, born(40)), vulnerabilities=[Kind.HEALTH])
    assert not meets(criterion, other, TODAY)


@pytest.mark.parametrize(
    ("criterion", "kind", "situation"),
    [
        (Criterion.EVICTION, Kind.EVICTION, Household.LivingSituation.EVICTION),
        (Criterion.HOMELESS, Kind.HOMELESS, Household.LivingSituation.HOMELESS),
    ],
)
def test_eviction_and_homelessness_from_vulnerability_or_living_situation(
    criterion, kind, situation
):
    rented = Household.LivingSituation.RENTED
    by_kind = household((REF, M, born(40)), vulnerabilities=[kind], living_situation=rented)
    by_situation = household((REF, M, born(40)), living_situation=situation)
    neither = household((REF, M, born(40)), living_situation=rented)
    assert meets(criterion, by_kind, TODAY)
    assert meets(criterion, by_situation, TODAY)
    assert not meets(criterion, neither, TODAY)


# The score --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "points"),
    [("low", 0), ("medium", 10), ("high", 25), ("emergency", 50)],
)
def test_urgency_points(urgency, points):
    referral = ReferralFactory.build(urgency=urgency)
    priority = priority_of(
        household=household((REF, M, born(40))),
        referral=referral,
        rules=[],
        waiting_since=TODAY,
        today=TODAY,
    )
    urgency_line = priority.lines[0]
    assert urgency_line.points == points
    assert urgency_line.label == f"Urgenza: {Referral.Urgency(urgency).label}"
    assert priority.total == points


@pytest.mark.parametrize(
    ("days", "weeks"), [(0, 0), (6, 0), (7, 1), (13, 1), (14, 2), (100, 14), (-10, 0)]
)
def test_one_point_per_full_week_waiting(days, weeks):
    priority = priority_of(
        household=household((REF, M, born(40))),
        referral=ReferralFactory.build(urgency="low"),
        rules=[],
        waiting_since=TODAY - datetime.timedelta(days=days),
        today=TODAY,
    )
    assert priority.lines[-1].points == weeks
    assert priority.lines[-1].label == f"Attesa: {weeks} settimane"


def test_the_score_explains_each_rule_met_and_only_those(project_alfa):
    project_alfa.priority_rules.create(criterion=Criterion.WOMAN_WITH_CHILDREN, points=10)
    project_alfa.priority_rules.create(criterion=Criterion.DISABILITY, points=7)
    project_alfa.priority_rules.create(criterion=Criterion.CHILDREN_UNDER_3, points=5)
    priority = priority_of(
        household=mother_and_child(child_age=1, vulnerabilities=[Kind.EVICTION]),
        referral=ReferralFactory.build(urgency="medium"),
        rules=list(project_alfa.priority_rules.all()),
        waiting_since=TODAY - datetime.timedelta(days=21),
        today=TODAY,
    )
    assert [(line.label, line.points) for line in priority.lines] == [
        ("Donna con figli minori", 10),
        ("Bambini sotto i 3 anni", 5),
        ("Urgenza: Media", 10),
        ("Attesa: 3 settimane", 3),
    ]
    assert priority.total == 28


# The list ---------------------------------------------------------------------------


def waiting(project, home, *, urgency, added_on):
    return WaitingListEntryFactory(
        referral__household=home,
        referral__project=project,
        referral__urgency=urgency,
        added_on=added_on,
    )


def test_waiting_list_order_and_tie_break(carla, project_alfa):
    project_alfa.priority_rules.create(criterion=Criterion.WOMAN_WITH_CHILDREN, points=10)
    weeks_ago = lambda n: TODAY - datetime.timedelta(weeks=n)  # noqa: E731
    man = lambda: household((REF, M, born(45)))  # noqa: E731

    # 25 (high) + 2 weeks = 27
    high_recent = waiting(project_alfa, man(), urgency="high", added_on=weeks_ago(2))
    # 10 (mother) + 10 (medium) + 7 weeks = 27, but on the list since earlier: first
    mother = waiting(project_alfa, mother_and_child(), urgency="medium", added_on=weeks_ago(7))
    # 0 (low) + 30 weeks = 30
    long_wait = waiting(project_alfa, man(), urgency="low", added_on=weeks_ago(30))
    # 50 (emergency) + 0 weeks
    emergency = waiting(project_alfa, man(), urgency="emergency", added_on=TODAY)
    # Same score and same day as high_recent: the first entered (lower id) stays first.
    twin = waiting(project_alfa, man(), urgency="high", added_on=weeks_ago(2))
    # Off the list: not shown.
    gone = waiting(project_alfa, man(), urgency="emergency", added_on=weeks_ago(40))
    gone.removed_on = TODAY
    gone.removal_reason = "withdrawn"
    gone.save()

    rows = intake_selectors.waiting_list(user=carla, project=project_alfa, today=TODAY)

    assert [entry for entry, _priority in rows] == [
        emergency,
        long_wait,
        mother,
        high_recent,
        twin,
    ]
    assert [priority.total for _entry, priority in rows] == [50, 30, 27, 27, 27]
    mother_lines = [line.label for line in rows[2][1].lines]
    assert mother_lines == ["Donna con figli minori", "Urgenza: Media", "Attesa: 7 settimane"]


def test_waiting_list_is_only_for_the_projects_coordinators(
    alice, marco, bruno, carla, project_alfa, project_beta
):
    for user in (alice, marco, bruno):
        with pytest.raises(PermissionDenied):
            intake_selectors.waiting_list(user=user, project=project_alfa)
    with pytest.raises(PermissionDenied):
        intake_selectors.waiting_list(user=carla, project=project_beta)


# The order in the database equals the explained order ----------------------------------

# One rule per criterion, with points of distinct powers of two: a score then says exactly
# which criteria the database found met.
RULE_POINTS = {criterion: 2 ** (7 + i) for i, criterion in enumerate(Criterion.values)}


def _random_household(rng, today):
    home = HouseholdFactory(
        living_situation=rng.choice([c for c, _label in Household.LivingSituation.choices])
    )
    for n in range(rng.randint(1, 4)):
        # Ages around the criteria's edges (3 and 18) and far from them, to the day.
        years = rng.choice([0, 2, 3, 4, 17, 18, 19, 35, 70])
        birth = today.replace(year=today.year - years, day=28 if today.day == 29 else today.day)
        birth += datetime.timedelta(days=rng.choice([-1, 0, 1, 40, -200]))
        if today.month == 2 and today.day == 29 and rng.random() < 0.3:
            birth = datetime.date(today.year - years, 2, 29) if years % 4 == 0 else birth
        PersonFactory(
            household=home,
            relationship=REF if n == 0 else rng.choice([PARTNER, CHILD, PARENT]),
            sex=rng.choice([F, M]),
            birth_date=birth,
        )
    for kind in rng.sample([c for c, _label in Kind.choices], rng.randint(0, 3)):
        Vulnerability.objects.create(household=home, kind=kind)
    return home


@pytest.mark.parametrize(
    "today",
    [TODAY, datetime.date(2028, 2, 29), datetime.date(2027, 3, 1), datetime.date(2027, 2, 28)],
    ids=str,
)
def test_the_database_scores_and_orders_as_the_explanation_says(carla, project_alfa, today):
    import random

    rng = random.Random(today.toordinal())
    for criterion, points in RULE_POINTS.items():
        project_alfa.priority_rules.create(criterion=criterion, points=points)
    for _ in range(40):
        waiting(
            project_alfa,
            _random_household(rng, today),
            urgency=rng.choice([c for c, _label in Referral.Urgency.choices]),
            added_on=today - datetime.timedelta(days=rng.choice([-3, 0, 6, 7, 8, 13, 14, 400])),
        )
    ranked = intake_selectors.waiting_list(user=carla, project=project_alfa, today=today)
    rows = list(ranked)
    scores = dict(ranked.entries.values_list("pk", "priority_score"))
    assert len(rows) == len(scores) == 40
    # Each entry: the database's score is the sum of the points the explanation lists.
    for entry, priority in rows:
        assert scores[entry.pk] == priority.total, [line.label for line in priority.lines]
    # The order: by the explained score, then who entered first, then the entry's id.
    explained = sorted(rows, key=lambda row: (-row[1].total, row[0].added_on, row[0].pk))
    assert [entry.pk for entry, _p in rows] == [entry.pk for entry, _p in explained]
    # The sample reaches every criterion both ways, so none is tested only as "not met".
    for criterion, points in RULE_POINTS.items():
        met = [score & points for score in scores.values()]
        assert any(met) and not all(met), criterion
    # A page of the list is the same slice of the whole order.
    assert [entry.pk for entry, _p in ranked[10:20]] == [entry.pk for entry, _p in rows[10:20]]
