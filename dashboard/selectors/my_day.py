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
import functools
import operator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import (
    Action,
    Case,
    Consent,
    Document,
    FollowUp,
    Household,
    Person,
    Review,
)
from beneficiaries.selectors.cases import my_cases
from beneficiaries.selectors.households import reference_name
from beneficiaries.selectors.pathway import DOCUMENTS_AHEAD_DAYS, last_contact
from core.access import access_for
from core.dates import add_months
from dashboard import figures
from housing import selectors as housing_selectors
from housing.models import HousingUnit, Placement
from partners.models import StaffMembership
from projects.models import Project
from users.models import User

Role = StaffMembership.Role


# How far ahead "La mia giornata" looks, and how many rows each of its boxes shows.
AHEAD_DAYS = 14  # actions, reviews, follow-ups, maximum stays, consents

REVIEWS_AHEAD_DAYS = AHEAD_DAYS


FOLLOW_UPS_AHEAD_DAYS = AHEAD_DAYS

# Taken from the household record itself (not only from uploaded documents).
ISEE_AHEAD_DAYS = 30

PERMITS_AHEAD_DAYS = 60


PLACEMENTS_AHEAD_DAYS = 30


NO_CONTACT_DAYS = 30


MY_DAY_ROWS = 20


def _box(queryset) -> dict:
    rows = list(queryset[: MY_DAY_ROWS + 1])
    return {"rows": rows[:MY_DAY_ROWS], "more": len(rows) > MY_DAY_ROWS}


@dataclass(frozen=True)
class Caseload:
    """The cases of "La mia giornata" (my_cases), optionally narrowed to some projects,
    as filters on the rows that point to them (actions, reviews, placements, households).

    A coordinator's caseload is every case they may follow: tens of thousands at
    national size. Each box reads its first rows by date, so the rows' cases are tested
    one by one (Access.case_rows_q in an EXISTS) instead of computing the whole caseload
    as a set first (the UNION of Access.cases_q: 125–610 ms a box, docs/performance.md).
    A social worker's caseload is their assignments, a short list: read as a set.

    On SQLite the set stays (it runs a correlated EXISTS row by row, without the
    planner's semi-join): at 20,000 households the coordinator's day took 408 ms with the
    set and 760 ms with the row test, the contribution boxes 150 ms each instead of a
    few."""

    user: object
    project_ids: tuple[int, ...] | None = None

    @property
    def _row_test(self) -> bool:
        access = access_for(self.user)
        return (
            connection.vendor == "postgresql"
            and access.is_coordinator
            and access.in_network
            and access.may_do_casework()
        )

    def _filters(self, case_filters: dict) -> dict:
        if self.project_ids is not None:
            return {**case_filters, "project_id__in": self.project_ids}
        return case_filters

    def cases(self, **case_filters):
        filters = self._filters(case_filters)
        if self._row_test:
            return Case.objects.filter(access_for(self.user).case_rows_q(), **filters)
        return my_cases(user=self.user).filter(**filters)

    def rows(self, field: str = "case", **case_filters) -> Q:
        """Rows whose case (through `field`) is in the caseload and matches the filters."""
        if self._row_test:
            return Q(Exists(self.cases(**case_filters).filter(pk=OuterRef(f"{field}_id"))))
        return Q(**{f"{field}__in": self.cases(**case_filters)})

    def households(self, field: str = "pk", **case_filters) -> Q:
        """Rows whose household (its key at `field`: "pk" on households themselves) has
        a case in the caseload that matches the filters."""
        if self._row_test:
            return Q(Exists(self.cases(**case_filters).filter(household_id=OuterRef(field))))
        return Q(**{f"{field}__in": self.cases(**case_filters).values("household_id")})


def max_stay_placements(case_q: Q, until: datetime.date):
    """Current placements (of the cases `case_q` lets through) whose project's maximum
    stay ends by `until` (reached already, or coming): one query for the maximum stays
    in use, one for the placements. The date of each is `placement.max_stay_on`."""
    months_in_use = list(
        Project.objects.filter(max_stay_months__isnull=False)
        .values_list("max_stay_months", flat=True)
        .distinct()
        .order_by()
    )
    if not months_in_use:
        return Placement.objects.none()
    # start + months <= until, written without date arithmetic in SQL: a few days of
    # slack at the ends of months, trimmed exactly by the caller (with_max_stay).
    # The units of each maximum stay as a subquery (hashed once), not the unit and the
    # project joined to each of the network's current placements (20,000 at national
    # size: 130 ms for a box that lists a few).
    reached = Q()
    for months in months_in_use:
        reached |= Q(
            unit_id__in=HousingUnit.objects.filter(project__max_stay_months=months).values("pk"),
            start_date__lte=add_months(until, -months) + datetime.timedelta(days=3),
        )
    return Placement.objects.filter(reached, case_q, end_date__isnull=True)


def with_max_stay(placements, until: datetime.date) -> list:
    rows = []
    for placement in placements:
        placement.max_stay_on = add_months(
            placement.start_date, placement.unit.project.max_stay_months
        )
        if placement.max_stay_on <= until:
            rows.append(placement)
    return rows


def consents_to_renew(household_q: Q, today: datetime.date, until: datetime.date):
    """The consent in force of each purpose (the newest) of the households `household_q`
    lets through (a filter on consents) that is withdrawn, expired, or expires by
    `until`."""
    newer = Consent.objects.filter(
        household_id=OuterRef("household_id"), purpose=OuterRef("purpose")
    ).filter(
        Q(given_on__gt=OuterRef("given_on"))
        | Q(given_on=OuterRef("given_on"), pk__gt=OuterRef("pk"))
    )
    return (
        Consent.objects.filter(household_q)
        .filter(~Exists(newer))
        .filter(Q(withdrawn_on__lte=today) | Q(expires_on__lte=until))
    )


def households_of(caseload: Caseload, **case_filters):
    return Household.objects.filter(caseload.households(**case_filters))


def my_day(*, user, today: datetime.date | None = None, project: Project | None = None) -> dict:
    """What is due for the user today ("La mia giornata"), one box per kind of thing,
    each row linking to where it is handled; with `project`, only that project's (where
    a coordinator's sum leads). A fixed number of queries: one per box. A coordinator's
    sums per project come from their snapshot (stored_project_sums)."""
    today = today or timezone.localdate()
    caseload = Caseload(user, None if project is None else (project.pk,))
    on_open_cases = functools.partial(caseload.rows, closed_on__isnull=True)

    overdue_actions = (
        Action.objects.filter(
            on_open_cases("goal__plan__case"),
            status__in=Action.OPEN_STATUSES,
            due_on__lt=today,
        )
        .select_related("goal__plan__case")
        .annotate(household_name=reference_name(OuterRef("goal__plan__case__household_id")))
        .order_by("due_on", "id")
    )
    reviews_due = (
        Review.objects.filter(
            on_open_cases("plan__case"),
            held_on__isnull=True,
            scheduled_on__lte=today + datetime.timedelta(days=REVIEWS_AHEAD_DAYS),
        )
        .select_related("plan__case")
        .annotate(household_name=reference_name(OuterRef("plan__case__household_id")))
        .order_by("scheduled_on", "id")
    )
    documents_expiring = (
        Document.objects.filter(
            on_open_cases(),
            expires_on__gte=today,
            superseded_by__isnull=True,
            expires_on__lte=today + datetime.timedelta(days=DOCUMENTS_AHEAD_DAYS),
        )
        .select_related("case", "person")
        .annotate(household_name=reference_name(OuterRef("case__household_id")))
        .order_by("expires_on", "id")
    )
    follow_ups_due = (
        FollowUp.objects.filter(
            caseload.rows(closed_on__isnull=False),
            done_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=FOLLOW_UPS_AHEAD_DAYS),
        )
        .select_related("case")
        .annotate(household_name=reference_name(OuterRef("case__household_id")))
        .order_by("due_on", "id")
    )
    placements_ending = (
        Placement.objects.filter(
            on_open_cases(),
            end_date__isnull=True,
            planned_end_date__lte=today + datetime.timedelta(days=PLACEMENTS_AHEAD_DAYS),
        )
        .select_related("unit__property", "case")
        .annotate(household_name=reference_name(OuterRef("household_id")))
        .order_by("planned_end_date", "pk")
    )
    ahead = today + datetime.timedelta(days=AHEAD_DAYS)
    actions_due = (
        Action.objects.filter(
            on_open_cases("goal__plan__case"),
            status__in=Action.OPEN_STATUSES,
            due_on__gte=today,
            due_on__lte=ahead,
        )
        .select_related("goal__plan__case")
        .annotate(household_name=reference_name(OuterRef("goal__plan__case__household_id")))
        .order_by("due_on", "id")
    )
    max_stays = _box(
        max_stay_placements(on_open_cases(), ahead)
        .select_related("unit__project", "unit__property", "case")
        .annotate(household_name=reference_name(OuterRef("household_id")))
        .order_by("start_date", "pk")
    )
    max_stays["rows"] = with_max_stay(max_stays["rows"], ahead)
    isee_expiring = (
        households_of(caseload, closed_on__isnull=True)
        .filter(isee_expires_on__lte=today + datetime.timedelta(days=ISEE_AHEAD_DAYS))
        .annotate(household_name=reference_name(OuterRef("pk")))
        .order_by("isee_expires_on", "pk")
    )
    # Assegno di inclusione: the 90-day check-in falls due within AHEAD_DAYS (or is past).
    inclusion_check_ins = (
        households_of(caseload, closed_on__isnull=True)
        .filter(inclusion_benefit=True)
        .annotate(
            check_in_from=Coalesce("inclusion_last_check_in_on", "inclusion_pact_signed_on"),
            household_name=reference_name(OuterRef("pk")),
        )
        .filter(
            check_in_from__lte=ahead - datetime.timedelta(days=Household.INCLUSION_CHECK_IN_DAYS)
        )
        .order_by("check_in_from", "pk")
    )
    permits_expiring = (
        Person.objects.filter(
            caseload.households("household_id", closed_on__isnull=True),
            residence_permit_expires_on__lte=today + datetime.timedelta(days=PERMITS_AHEAD_DAYS),
        )
        .select_related("household")
        .order_by("residence_permit_expires_on", "pk")
    )
    consents = (
        consents_to_renew(caseload.households("household_id", closed_on__isnull=True), today, ahead)
        .select_related("household")
        .annotate(household_name=reference_name(OuterRef("household_id")))
        .order_by("expires_on", "pk")
    )
    contact = last_contact()
    no_contact = (
        caseload.cases(closed_on__isnull=True)
        .annotate(household_name=reference_name(OuterRef("household_id")))
        # A case opened recently has had no time to go quiet: count from its opening.
        .annotate(quiet_since=contact.quiet_since)
        .filter(quiet_since__lt=today - datetime.timedelta(days=NO_CONTACT_DAYS))
        .order_by("quiet_since", "pk")
    )
    by_project, sums_figures = (
        stored_project_sums(user=user, today=today)
        if access_for(user).is_coordinator
        else (None, None)
    )
    no_contact_box = _box(no_contact)
    for case in no_contact_box["rows"]:
        case.last_contact = case.last_contact_on
    return {
        "today": today,
        "overdue_actions": _box(overdue_actions),
        "reviews_due": _box(reviews_due),
        "documents_expiring": _box(documents_expiring),
        "placements_ending": _box(placements_ending),
        "follow_ups_due": _box(follow_ups_due),
        "no_contact": no_contact_box,
        "actions_due": _box(actions_due),
        "max_stays": max_stays,
        "isee_expiring": _box(isee_expiring),
        "inclusion_check_ins": _box(inclusion_check_ins),
        "permits_expiring": _box(permits_expiring),
        "consents": _box(consents),
        "project": project,
        "sum_kinds": SUM_KINDS,
        "by_project": by_project,
        "sums_figures": sums_figures,
    }


@dataclass(frozen=True)
class SumKind:
    """A column of a coordinator's sums: a kind of thing, its window ahead, and the
    boxes of "La mia giornata" (heading ids) where its late and coming rows are solved."""

    key: str
    label: str
    late_box: str
    due_box: str


SUM_KINDS = (
    SumKind("actions", _("Azioni (14 giorni)"), "my-day-actions", "my-day-actions-due"),
    SumKind("reviews", _("Verifiche (14 giorni)"), "my-day-reviews", "my-day-reviews"),
    SumKind("follow_ups", _("Follow-up (14 giorni)"), "my-day-follow-ups", "my-day-follow-ups"),
    SumKind(
        "placements",
        _("Inserimenti in scadenza (30 giorni)"),
        "my-day-placements",
        "my-day-placements",
    ),
    SumKind(
        "max_stays", _("Permanenza massima (14 giorni)"), "my-day-max-stays", "my-day-max-stays"
    ),
    SumKind("isee", _("ISEE (30 giorni)"), "my-day-isee", "my-day-isee"),
    SumKind("permits", _("Permessi di soggiorno (60 giorni)"), "my-day-permits", "my-day-permits"),
    SumKind(
        "consents", _("Consensi da rinnovare (14 giorni)"), "my-day-consents", "my-day-consents"
    ),
)


def last_start_reaching(until: datetime.date, months: int) -> datetime.date:
    """The latest start date whose maximum stay of `months` ends by `until`: placements
    that started on it or before have reached it by then (add_months never goes back as
    the start moves on, so the starts that qualify run up to one day)."""
    start = add_months(until, -months)
    while add_months(start + datetime.timedelta(days=1), months) <= until:
        start += datetime.timedelta(days=1)
    while add_months(start, months) > until:
        start -= datetime.timedelta(days=1)
    return start


def _max_stay_q(months_in_use, until: datetime.date) -> Q:
    """Placements whose maximum stay is reached by `until` (`months_in_use`: not empty)."""
    return functools.reduce(
        operator.or_,
        (
            Q(
                unit__project__max_stay_months=months,
                start_date__lte=last_start_reaching(until, months),
            )
            for months in months_in_use
        ),
    )


def _late_and_due(queryset, project_path, late: Q, due: Q, counted="pk") -> dict:
    """{project id: (late, due)} in one aggregate query: `counted` rows of `queryset`
    meeting `late`, and meeting `due` (never both)."""
    rows = (
        queryset.order_by()
        .values(project_path)
        .annotate(
            late=Count(counted, filter=late, distinct=True),
            due=Count(counted, filter=due & ~late, distinct=True),
        )
        .values_list(project_path, "late", "due")
    )
    return {project_id: (n_late, n_due) for project_id, n_late, n_due in rows}


def project_sums(*, user, today: datetime.date | None = None) -> list[dict]:
    """A coordinator's sums, one row per project they coordinate: of each kind of thing
    of "La mia giornata", how many are late and how many fall due within its window;
    the same rows its boxes show for that project. Computed now (sum_counts)."""
    today = today or timezone.localdate()
    return sum_rows(user=user, counts=sum_counts(user=user, today=today))


def stored_project_sums(*, user, today: datetime.date, force: bool = False):
    """(project_sums, their dashboard.figures.Figures) read from a snapshot of the
    counts, or ([], None) for a user who coordinates nothing. At national size the
    counts are aggregates over every case a coordinator follows (350 ms of SQL for
    65,000 cases, docs/performance.md): computed once, by the night job for the day
    ahead, again in the background when stale, or at once with "Ricalcola ora"; the
    page says when. The rows are built at read time from the projects the user
    coordinates now, so a snapshot never shows a project the user has left."""
    if not access_for(user).coordinated_projects:
        return [], None
    stored = figures.get("my_day_sums", sum_params(user=user, today=today), force=force)
    return sum_rows(user=user, counts=stored.value), stored


def sum_params(*, user, today: datetime.date) -> dict:
    return {"user": user.pk, "today": today.isoformat()}


@figures.kind("my_day_sums")
def _stored_sum_counts(params: dict) -> dict:
    user = User.objects.get(pk=params["user"])
    return sum_counts(user=user, today=datetime.date.fromisoformat(params["today"]))


def sum_rows(*, user, counts: dict) -> list[dict]:
    """The rows of the sums from their counts ({kind: {project id: (late, due)}}), one
    per project the user coordinates, by name."""
    return [
        {
            "project": project,
            "cells": [
                {"kind": kind, "late": late, "due": due}
                for kind in SUM_KINDS
                for late, due in [counts.get(kind.key, {}).get(project.pk, (0, 0))]
            ],
        }
        for project in Project.objects.filter(
            pk__in=access_for(user).coordinated_projects
        ).order_by("name")
    ]


def sum_counts(*, user, today: datetime.date) -> dict:
    """{kind key: {project id: (late, due)}} of the projects the user coordinates.
    Counted by the database, one aggregate query per kind (and one for the maximum
    stays in use), however many projects and rows."""
    access = access_for(user)
    coordinated = access.coordinated_projects
    if not coordinated:
        return {}
    ahead = today + datetime.timedelta(days=AHEAD_DAYS)
    caseload = Caseload(user, tuple(sorted(coordinated)))
    on_open_cases = functools.partial(caseload.rows, closed_on__isnull=True)
    open_cases = caseload.cases(closed_on__isnull=True)

    def dated(field, until):
        return (
            Q(**{f"{field}__lt": today}),
            Q(**{f"{field}__gte": today, f"{field}__lte": until}),
        )

    counts = {
        "actions": _late_and_due(
            Action.objects.filter(
                on_open_cases("goal__plan__case"),
                status__in=Action.OPEN_STATUSES,
                due_on__lte=ahead,
            ),
            "goal__plan__case__project_id",
            *dated("due_on", ahead),
        ),
        "reviews": _late_and_due(
            Review.objects.filter(
                on_open_cases("plan__case"), held_on__isnull=True, scheduled_on__lte=ahead
            ),
            "plan__case__project_id",
            *dated("scheduled_on", ahead),
        ),
        "follow_ups": _late_and_due(
            FollowUp.objects.filter(
                caseload.rows(closed_on__isnull=False),
                done_on__isnull=True,
                due_on__lte=ahead,
            ),
            "case__project_id",
            *dated("due_on", ahead),
        ),
    }
    placements_until = today + datetime.timedelta(days=PLACEMENTS_AHEAD_DAYS)
    current = Placement.objects.filter(on_open_cases(), end_date__isnull=True)
    counts["placements"] = _late_and_due(
        current.filter(planned_end_date__lte=placements_until),
        "case__project_id",
        *dated("planned_end_date", placements_until),
    )
    months_in_use = list(
        Project.objects.filter(max_stay_months__isnull=False)
        .values_list("max_stay_months", flat=True)
        .distinct()
        .order_by()
    )
    reached_by_ahead = _max_stay_q(months_in_use, ahead)
    counts["max_stays"] = (
        _late_and_due(
            current.filter(reached_by_ahead),
            "case__project_id",
            _max_stay_q(months_in_use, today),
            reached_by_ahead,
        )
        if months_in_use
        else {}
    )
    isee_until = today + datetime.timedelta(days=ISEE_AHEAD_DAYS)
    counts["isee"] = _late_and_due(
        open_cases.filter(household__isee_expires_on__lte=isee_until),
        "project_id",
        *dated("household__isee_expires_on", isee_until),
        counted="household_id",
    )
    permits_until = today + datetime.timedelta(days=PERMITS_AHEAD_DAYS)
    counts["permits"] = _late_and_due(
        open_cases.filter(household__members__residence_permit_expires_on__lte=permits_until),
        "project_id",
        *dated("household__members__residence_permit_expires_on", permits_until),
        counted="household__members",
    )
    to_renew = consents_to_renew(
        caseload.households("household_id", closed_on__isnull=True), today, ahead
    )
    lapsed = to_renew.filter(Q(withdrawn_on__lte=today) | Q(expires_on__lt=today))
    counts["consents"] = _late_and_due(
        open_cases.filter(household__consents__in=to_renew.values("pk")),
        "project_id",
        Q(household__consents__in=lapsed.values("pk")),
        Q(household__consents__in=to_renew.values("pk")),
        counted="household__consents",
    )
    return counts


# The daily reminders scan: how many of each kind of thing is due for the user, on
# the same caseload as "La mia giornata" (my_cases), so a user hears only about what
# their own page shows.
REMINDERS_AHEAD_DAYS = 3

CONSENT_AHEAD_DAYS = AHEAD_DAYS

_EXPIRY_KINDS = {
    Document.Kind.ISEE: "isee_expiring",
    Document.Kind.RESIDENCE_PERMIT: "permit_expiring",
}


def reminder_counts(*, user, today: datetime.date | None = None) -> dict[str, int]:
    """{kind of notification (notifications.kinds.Kind value): how many} of what is due
    for the user; kinds with nothing due are left out."""
    today = today or timezone.localdate()
    ahead = today + datetime.timedelta(days=REMINDERS_AHEAD_DAYS)
    caseload = Caseload(user)
    on_open_cases = functools.partial(caseload.rows, closed_on__isnull=True)
    actions = Action.objects.filter(
        on_open_cases("goal__plan__case"), status__in=Action.OPEN_STATUSES
    )
    reviews = Review.objects.filter(on_open_cases("plan__case"), held_on__isnull=True)
    counts = {
        "action_overdue": actions.filter(due_on__lt=today).count(),
        "action_due": actions.filter(due_on__gte=today, due_on__lte=ahead).count(),
        "review_overdue": reviews.filter(scheduled_on__lt=today).count(),
        "review_due": reviews.filter(scheduled_on__gte=today, scheduled_on__lte=ahead).count(),
        "placement_ending": Placement.objects.filter(
            on_open_cases(),
            end_date__isnull=True,
            planned_end_date__gte=today,
            planned_end_date__lte=today + datetime.timedelta(days=PLACEMENTS_AHEAD_DAYS),
        ).count(),
        "follow_up_due": FollowUp.objects.filter(
            caseload.rows(closed_on__isnull=False), done_on__isnull=True, due_on__lte=today
        ).count(),
        # Still in the unit on the last day of the project's maximum stay, or after it.
        "max_stay_reached": len(
            with_max_stay(
                max_stay_placements(on_open_cases(), today).select_related("unit__project"), today
            )
        ),
        # The consent in force of a purpose ends within CONSENT_AHEAD_DAYS (or has just
        # ended) and no newer one replaces it.
        "consent_lapsing": consents_to_renew(
            caseload.households("household_id", closed_on__isnull=True),
            today,
            today + datetime.timedelta(days=CONSENT_AHEAD_DAYS),
        )
        .filter(withdrawn_on__isnull=True, expires_on__gte=today)
        .count(),
        # The Assegno di inclusione's 90-day check-in is due today or past.
        "inclusion_check_in": households_of(caseload, closed_on__isnull=True)
        .filter(inclusion_benefit=True)
        .annotate(check_in_from=Coalesce("inclusion_last_check_in_on", "inclusion_pact_signed_on"))
        .filter(
            check_in_from__lte=today - datetime.timedelta(days=Household.INCLUSION_CHECK_IN_DAYS)
        )
        .count(),
    }
    for document_kind in Document.objects.filter(
        on_open_cases(),
        expires_on__gte=today,
        superseded_by__isnull=True,
        expires_on__lte=today + datetime.timedelta(days=DOCUMENTS_AHEAD_DAYS),
    ).values_list("kind", flat=True):
        kind = _EXPIRY_KINDS.get(document_kind, "document_expiring")
        counts[kind] = counts.get(kind, 0) + 1
    return {kind: n for kind, n in counts.items() if n}


# The contribution ledger in "La mia giornata" (housing.selectors): kept apart from
# my_day() so that it reads, and merges, as one piece. Placements of the user's open
# cases whose ledger the user may read (core.access.Access.contributions_q).
ARREARS_DAYS = 60


def my_day_contributions(*, user, today: datetime.date | None = None) -> dict:
    """Two boxes: households more than ARREARS_DAYS days late with their contribution,
    and repayment instalments late or due within a week. Two queries."""
    today = today or timezone.localdate()
    placements = Placement.objects.filter(
        access_for(user).contributions_by_case_q(),
        Caseload(user).rows(closed_on__isnull=True),
    )
    arrears = (
        housing_selectors.arrears_over(placements, days=ARREARS_DAYS, today=today)
        .select_related("unit__property")
        .annotate(household_name=reference_name(OuterRef("household_id")))
        .order_by("-arrears", "pk")
    )
    instalments = housing_selectors.instalments_due(placements=placements, today=today).annotate(
        household_name=reference_name(OuterRef("plan__placement__household_id"))
    )
    return {
        "today": today,
        "arrears": _box(arrears),
        "instalments_due": _box(instalments),
    }
