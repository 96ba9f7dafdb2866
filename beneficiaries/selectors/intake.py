"""Reads of the intake: referrals the user may see, and a project's waiting list in
priority order (for its coordinators). Scoped through the access object (core/access.py)."""

from __future__ import annotations

import copy

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import (
    Person,
    Referral,
    WaitingListEntry,
)
from beneficiaries.priority import priority_of, ranked
from beneficiaries.selectors.households import (
    _members_prefetch,
    visible_referrals,
)
from core.access import FRONTLINE_ROLES, access_for, accesses_for
from core.shortcuts import get_or_404
from partners.models import StaffMembership
from projects.models import Participation

Role = StaffMembership.Role


def referral_list(*, user) -> QuerySet[Referral]:
    return (
        visible_referrals(user=user)
        .select_related("household", "project", "referring_organisation")
        .prefetch_related(_members_prefetch())
        .order_by("-created_at", "-pk")
    )


def referral_counts_by_status(*, user) -> dict[str, int]:
    """How many referrals the user may see there are in each status: one count per part
    of the scoping (Access.referral_parts, disjoint) in one UNION ALL, each read from
    an index (38 -> 10 ms at national size), added up here."""
    access = access_for(user)
    if not access.in_network:
        return {}
    parts = [
        Referral.objects.filter(part)
        .order_by()
        .values("status")
        .annotate(n=Count("*"))  # not COUNT(id): the id is not in the index
        .values_list("status", "n")
        for part in access.referral_parts()
    ]
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
    counts: dict[str, int] = {}
    for status, n in rows:
        counts[status] = counts.get(status, 0) + n
    return counts


def referral_for_user(*, user, public_id) -> Referral:
    return get_or_404(
        visible_referrals(user=user).select_related(
            "household", "project", "referring_organisation"
        ),
        public_id=public_id,
    )


def waiting_list_entries(*, project) -> QuerySet[WaitingListEntry]:
    """A project's current waiting-list entries, unordered and without their rows'
    details (see RankedWaitingList)."""
    return WaitingListEntry.objects.filter(project=project, removed_on__isnull=True)


class RankedWaitingList:
    """A project's waiting list in priority order, ordered by the database
    (priority.ranked); a slice reads only its rows, each as (entry, Priority) with the
    explanation of its points. Paginator takes it as it is: count() is one query."""

    def __init__(self, *, project, today=None):
        self.project = project
        self.today = today or timezone.localdate()
        self.rules = list(project.priority_rules.all())
        self._unranked = waiting_list_entries(project=project)
        self.entries = ranked(self._unranked, rules=self.rules, today=self.today)

    def narrowed(self, change) -> RankedWaitingList:
        """The same list, in the same order, with `change` applied to its entries'
        queryset (a filter, annotations); the ranking of the whole list is kept."""
        other = copy.copy(self)
        other.entries = change(self.entries)
        other._unranked = None
        return other

    def count(self) -> int:
        # The whole list is counted without its score (whose join on the referrals made
        # PostgreSQL read that table whole); a narrowed one needs its annotations.
        return (self._unranked if self._unranked is not None else self.entries).count()

    def __getitem__(self, index):
        if isinstance(index, int):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        entries = (
            self.entries[index]
            .select_related("referral", "household")
            .prefetch_related(
                Prefetch("household__members", queryset=Person.objects.order_by("birth_date")),
                "household__vulnerabilities",
            )
        )
        return [
            (
                entry,
                priority_of(
                    household=entry.household,
                    referral=entry.referral,
                    rules=self.rules,
                    waiting_since=entry.added_on,
                    today=self.today,
                ),
            )
            for entry in entries
        ]

    def __iter__(self):
        return iter(self[:])

    def referral_ids(self) -> list[int]:
        """The referrals of the whole list, in its order (one query, no rows' details)."""
        return list(self.entries.values_list("referral_id", flat=True))


def waiting_list(*, user, project, today=None) -> RankedWaitingList:
    """The project's waiting list in priority order, each row with the reasons of its
    place. For the project's coordinators only (403 otherwise)."""
    access = access_for(user)
    access.require(access.may_coordinate(project))
    return RankedWaitingList(project=project, today=today)


# The places a referrer is told: a band, never the exact place or the others' points.
WAITING_BANDS = ((5, _("tra i primi 5")), (20, _("6–20")), (None, _("oltre 20")))


def waiting_band(*, user, referral, today=None) -> str | None:
    """Where the household of `referral` stands on the waiting list, as a band ("tra i
    primi 5", "6–20", "oltre 20"), for who follows the referral; None if not waiting."""
    access = access_for(user)
    access.require(access.may_follow_referral(referral))
    order = RankedWaitingList(project=referral.project, today=today).referral_ids()
    if referral.pk not in order:
        return None
    position = order.index(referral.pk) + 1
    for limit, label in WAITING_BANDS:
        if limit is None or position <= limit:
            return str(label)
    return None


# Who is told of a referral's moves -------------------------------------------------------


def _who_see_referral(candidates, referral: Referral) -> list:
    """Of `candidates`, those whose access object lets them see `referral`."""
    candidates = list(candidates)
    return [
        candidate
        for candidate, access in zip(candidates, accesses_for(candidates), strict=True)
        if access.may_see_referral(referral)
    ]


def referral_notification_recipients(referral: Referral) -> list:
    """The receiving project's coordinators (told a referral arrived or was withdrawn):
    active users with an active coordinator membership in an organisation that leads or
    operationally coordinates the project, kept only if they may see the referral."""
    candidates = (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_memberships__is_active=True,
            staff_memberships__role=Role.COORDINATOR,
            staff_memberships__organisation__participations__project_id=referral.project_id,
            staff_memberships__organisation__participations__role__in=(
                Participation.COORDINATING_ROLES
            ),
        )
        .distinct()
    )
    return _who_see_referral(candidates, referral)


def referral_referrer_recipients(referral: Referral) -> list:
    """The referrer (told of a decision): who wrote the referral and the active frontline
    staff of the referring organisation, kept only if they may see the referral."""
    candidates = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk=referral.created_by_id)
            | Q(
                staff_memberships__is_active=True,
                staff_memberships__role__in=FRONTLINE_ROLES,
                staff_memberships__organisation_id=referral.referring_organisation_id,
            )
        )
        .distinct()
    )
    return _who_see_referral(candidates, referral)
