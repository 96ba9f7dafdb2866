"""Reads of the support pathway: plans, assessments, diary, documents, exits, follow-up.

Built on the scoping layer (beneficiaries.selectors): every query starts from the cases
the user may see there, and narrows them to casework. The pathway is casework: a
municipal referrer follows the households it referred through their status, never
through their plan, diary or documents, so these functions give referrers nothing
even if the case itself becomes visible to them one day.

Confidential diary entries are read only by the staff of the author's organisation.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    CharField,
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Greatest
from django.utils import timezone

from core import scoping
from housing.models import Placement

from . import selectors
from .models import (
    Action,
    AutonomyAssessment,
    Case,
    CaseAssignment,
    CaseNote,
    Document,
    FollowUp,
    Goal,
    Household,
    Person,
    Review,
    SupportPlan,
)

Role = selectors.Role
CASEWORK_ROLES = selectors.CASEWORK_ROLES

# How far ahead "La mia giornata" looks, and how many rows each of its boxes shows.
REVIEWS_AHEAD_DAYS = 7
FOLLOW_UPS_AHEAD_DAYS = 7
DOCUMENTS_AHEAD_DAYS = 30
PLACEMENTS_AHEAD_DAYS = 30
NO_CONTACT_DAYS = 30
MY_DAY_ROWS = 20


# Which cases ------------------------------------------------------------------------


def _casework_q(user) -> Q:
    return (
        Q(holding_organisation_id__in=scoping.organisation_ids(user, CASEWORK_ROLES))
        | Q(project_id__in=scoping.coordinated_project_ids(user))
        | Q(Exists(CaseAssignment.objects.filter(case_id=OuterRef("pk"), worker_id=user.pk)))
    )


def casework_cases(*, user) -> QuerySet[Case]:
    """The cases whose pathway the user may read: visible to them in the scoping layer,
    and theirs as casework (held by their organisation as social worker or coordinator,
    coordinated by them, or assigned to them)."""
    if not scoping.has_role(user, *CASEWORK_ROLES):
        return Case.objects.none()
    return selectors.visible_cases(user=user).filter(_casework_q(user))


def case_for_casework(*, user, public_id) -> Case:
    """A case and what its pathway pages show at the top, or 404."""
    return selectors.get_or_404(
        casework_cases(user=user).select_related(
            "household", "project", "holding_organisation", "exit"
        ),
        public_id=public_id,
    )


def my_cases(*, user) -> QuerySet[Case]:
    """The caseload of "La mia giornata": the cases a social worker is assigned to; for a
    coordinator, every case they may follow."""
    cases = casework_cases(user=user)
    if scoping.has_role(user, Role.COORDINATOR):
        return cases
    return cases.filter(
        Exists(CaseAssignment.objects.filter(case_id=OuterRef("pk"), worker_id=user.pk))
    )


# Who may do what (the 403s) -----------------------------------------------------------


def can_write(*, user, case: Case) -> bool:
    """Plans, assessments, diary and documents are written by the social workers and
    coordinators who follow the case."""
    return scoping.has_role(user, *CASEWORK_ROLES)


def can_close(*, user, case: Case) -> bool:
    """Closing a case and its follow-up belong to the workers assigned to it and to the
    coordinators of its project or of its holding organisation."""
    return (
        case.assignments.filter(worker_id=user.pk).exists()
        or case.project_id in scoping.coordinated_project_ids(user)
        or case.holding_organisation_id in scoping.organisation_ids(user, [Role.COORDINATOR])
    )


# The plan ---------------------------------------------------------------------------


def plan_of(*, user, case: Case) -> SupportPlan | None:
    """The case's plan with its goals, actions and reviews, or None when there is none
    yet. `case` must come from case_for_casework."""
    actions = Action.objects.select_related(
        "responsible_worker", "responsible_person", "responsible_organisation"
    ).order_by("due_on", "id")
    return (
        SupportPlan.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.order_by("created_at", "id").prefetch_related(
                    Prefetch("actions", queryset=actions)
                ),
            ),
            Prefetch("reviews", queryset=Review.objects.select_related("recorded_by")),
        )
        .first()
    )


def _in_casework(model, user, case_path: str) -> QuerySet:
    return model.objects.filter(**{f"{case_path}__in": casework_cases(user=user)})


def goal_for_user(*, user, pk) -> Goal:
    return selectors.get_or_404(
        _in_casework(Goal, user, "plan__case").select_related(
            "plan__case__household", "plan__case__project"
        ),
        pk=pk,
    )


def action_for_user(*, user, pk) -> Action:
    return selectors.get_or_404(
        _in_casework(Action, user, "goal__plan__case").select_related(
            "goal__plan__case__household"
        ),
        pk=pk,
    )


def review_for_user(*, user, pk) -> Review:
    return selectors.get_or_404(
        _in_casework(Review, user, "plan__case").select_related(
            "plan__case__household", "plan__case__project", "plan__case__holding_organisation"
        ),
        pk=pk,
    )


def follow_up_for_user(*, user, pk) -> FollowUp:
    return selectors.get_or_404(
        _in_casework(FollowUp, user, "case").select_related(
            "case__household", "case__project", "case__holding_organisation", "case__exit"
        ),
        pk=pk,
    )


def household_members(*, case: Case) -> QuerySet[Person]:
    return Person.objects.filter(household_id=case.household_id).order_by("birth_date")


# Assessments ------------------------------------------------------------------------


def assessments_of(*, case: Case) -> list[AutonomyAssessment]:
    """The case's autonomy assessments, oldest first, each with its scores."""
    return list(
        AutonomyAssessment.objects.filter(case=case)
        .select_related("assessed_by", "review")
        .prefetch_related("scores")
        .order_by("taken_on", "id")
    )


def assessments_by_case(*, user, cases) -> dict[int, list[AutonomyAssessment]]:
    """The autonomy assessments of those of `cases` whose pathway the user may read,
    oldest first, keyed by case id: a fixed number of queries however many cases."""
    readable = casework_cases(user=user).filter(pk__in=[case.pk for case in cases])
    grouped: dict[int, list[AutonomyAssessment]] = {}
    for assessment in (
        AutonomyAssessment.objects.filter(case__in=readable)
        .prefetch_related("scores")
        .order_by("taken_on", "id")
    ):
        grouped.setdefault(assessment.case_id, []).append(assessment)
    return grouped


def pending_reviews(*, case: Case) -> QuerySet[Review]:
    return Review.objects.filter(plan__case=case).order_by("scheduled_on")


# The diary --------------------------------------------------------------------------


def readable_notes_q(user) -> Q:
    """Open entries, and confidential ones written by the user's own organisation."""
    return Q(is_confidential=False) | Q(
        author_organisation_id__in=scoping.organisation_ids(user, CASEWORK_ROLES)
    )


def diary_of(*, user, case: Case) -> QuerySet[CaseNote]:
    """The diary of a case: its own entries, and the group or community activities of
    other cases in which its household took part, without the confidential entries of
    other organisations. `case` must come from case_for_casework."""
    took_part = CaseNote.households.through.objects.filter(
        casenote_id=OuterRef("pk"), household_id=case.household_id
    )
    # A group activity names the households that took part; the reader learns the names
    # of those they may see, and only that there were others.
    visible = selectors.visible_households(user=user).values("pk")
    return (
        CaseNote.objects.filter(Q(case=case) | Q(Exists(took_part)))
        .filter(readable_notes_q(user))
        .select_related("author", "author_organisation")
        .annotate(
            origin_name=Subquery(
                Household.objects.filter(pk__in=visible, cases=OuterRef("case_id"))
                .annotate(name=_reference_name(OuterRef("pk")))
                .values("name")[:1]
            ),
            participants=Count(
                "households", filter=~Q(households=case.household_id), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "households",
                queryset=Household.objects.filter(pk__in=visible)
                .exclude(pk=case.household_id)
                .annotate(reference_name=_reference_name(OuterRef("pk")))
                .order_by("pk"),
                to_attr="visible_participants",
            )
        )
        .order_by("-happened_on", "-id")
    )


def linkable_households(*, user, case: Case) -> QuerySet[Household]:
    """Households that may take part in a group or community activity written in this
    case's diary: those of the other open cases the user follows."""
    return (
        Household.objects.filter(
            Exists(
                casework_cases(user=user).filter(
                    household_id=OuterRef("pk"), closed_on__isnull=True
                )
            )
        )
        .exclude(pk=case.household_id)
        .annotate(reference_name=_reference_name(OuterRef("pk")))
        .order_by("reference_name", "pk")
    )


# Documents --------------------------------------------------------------------------


def documents_of(*, case: Case) -> QuerySet[Document]:
    return (
        Document.objects.filter(case=case)
        .select_related("person", "uploaded_by")
        .order_by("kind", "-created_at")
    )


def document_for_user(*, user, public_id) -> Document:
    return selectors.get_or_404(
        _in_casework(Document, user, "case").select_related("case__household"),
        public_id=public_id,
    )


# Exit and follow-up -----------------------------------------------------------------


def follow_ups_of(*, case: Case) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(case=case).select_related("recorded_by").order_by("due_on")


def has_follow_up_basis(*, case: Case, on: datetime.date) -> bool:
    """Whether the household gave consent (or another legal basis covers) being
    contacted after its exit."""
    from .models import Consent

    return (
        Consent.objects.filter(
            household_id=case.household_id,
            purpose=Consent.Purpose.FOLLOW_UP,
            given_on__lte=on,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        .exists()
    )


# La mia giornata ----------------------------------------------------------------------


def _reference_name(household_ref):
    """The reference person's name of a household, as a subquery: one query per box of
    "La mia giornata" instead of one more to fetch every household's members."""
    return Subquery(
        Person.objects.filter(
            household_id=household_ref, relationship=Person.Relationship.REFERENCE
        )
        .annotate(full=Concat("first_name", Value(" "), "last_name", output_field=CharField()))
        .values("full")[:1],
        output_field=CharField(),
    )


def _box(queryset) -> dict:
    rows = list(queryset[: MY_DAY_ROWS + 1])
    return {"rows": rows[:MY_DAY_ROWS], "more": len(rows) > MY_DAY_ROWS}


def my_day(*, user, today: datetime.date | None = None) -> dict:
    """What is due for the user today ("La mia giornata"), one box per kind of thing,
    each row linking to where it is handled. A fixed number of queries: one per box."""
    today = today or timezone.localdate()
    cases = my_cases(user=user)
    open_cases = cases.filter(closed_on__isnull=True)

    overdue_actions = (
        Action.objects.filter(
            goal__plan__case__in=open_cases, status__in=Action.OPEN_STATUSES, due_on__lt=today
        )
        .select_related("goal__plan__case")
        .annotate(household_name=_reference_name(OuterRef("goal__plan__case__household_id")))
        .order_by("due_on", "id")
    )
    reviews_due = (
        Review.objects.filter(
            plan__case__in=open_cases,
            held_on__isnull=True,
            scheduled_on__lte=today + datetime.timedelta(days=REVIEWS_AHEAD_DAYS),
        )
        .select_related("plan__case")
        .annotate(household_name=_reference_name(OuterRef("plan__case__household_id")))
        .order_by("scheduled_on", "id")
    )
    documents_expiring = (
        Document.objects.filter(
            case__in=open_cases,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=DOCUMENTS_AHEAD_DAYS),
        )
        .select_related("case", "person")
        .annotate(household_name=_reference_name(OuterRef("case__household_id")))
        .order_by("expires_on", "id")
    )
    follow_ups_due = (
        FollowUp.objects.filter(
            case__in=cases.filter(closed_on__isnull=False),
            done_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=FOLLOW_UPS_AHEAD_DAYS),
        )
        .select_related("case")
        .annotate(household_name=_reference_name(OuterRef("case__household_id")))
        .order_by("due_on", "id")
    )
    placements_ending = (
        Placement.objects.filter(
            case__in=open_cases,
            end_date__isnull=True,
            planned_end_date__lte=today + datetime.timedelta(days=PLACEMENTS_AHEAD_DAYS),
        )
        .select_related("unit__property", "case")
        .annotate(household_name=_reference_name(OuterRef("household_id")))
        .order_by("planned_end_date", "pk")
    )
    own_last = Subquery(
        CaseNote.objects.filter(case_id=OuterRef("pk"))
        .values("case_id")
        .annotate(last=Max("happened_on"))
        .values("last")[:1]
    )
    group_last = Subquery(
        CaseNote.households.through.objects.filter(household_id=OuterRef("household_id"))
        .values("household_id")
        .annotate(last=Max("casenote__happened_on"))
        .values("last")[:1]
    )
    no_contact = (
        open_cases.annotate(
            own_last=own_last,
            group_last=group_last,
            household_name=_reference_name(OuterRef("household_id")),
        )
        # A case opened recently has had no time to go quiet: count from its opening.
        .annotate(
            quiet_since=Greatest(
                Coalesce("own_last", "opened_on"), Coalesce("group_last", "opened_on")
            )
        )
        .filter(quiet_since__lt=today - datetime.timedelta(days=NO_CONTACT_DAYS))
        .order_by("quiet_since", "pk")
    )
    no_contact_box = _box(no_contact)
    for case in no_contact_box["rows"]:
        case.last_contact = max(filter(None, [case.own_last, case.group_last]), default=None)
    return {
        "today": today,
        "overdue_actions": _box(overdue_actions),
        "reviews_due": _box(reviews_due),
        "documents_expiring": _box(documents_expiring),
        "placements_ending": _box(placements_ending),
        "follow_ups_due": _box(follow_ups_due),
        "no_contact": no_contact_box,
    }
