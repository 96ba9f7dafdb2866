"""Reads of personal data: households, people, referrals, cases.

This module is the scoping layer for personal data. Every view reads households and
what hangs from them through these functions, which return only what the user may
see:

- a social worker sees the households whose case their organisation holds or to which
  they are assigned;
- a coordinator sees every case and every referral received (not drafts) of the
  projects their organisation leads or operationally coordinates, and the cases their
  organisation holds;
- a municipal referrer sees the referrals their organisation sent and the households
  in them, never the cases of other organisations;
- staff of the organisation that registered a household see it (it may still have
  only a draft referral).

Organisation admins and Django admins get nothing more here: personal data is not in
the Django admin.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from beneficiaries.models import (
    Person,
    Referral,
    WaitingListEntry,
)
from beneficiaries.priority import priority_of
from beneficiaries.selectors.households import (
    _members_prefetch,
    visible_referrals,
)
from core.access import access_for
from core.shortcuts import get_or_404
from partners.models import StaffMembership

Role = StaffMembership.Role


def referral_list(*, user) -> QuerySet[Referral]:
    return (
        visible_referrals(user=user)
        .select_related("household", "project", "referring_organisation")
        .prefetch_related(_members_prefetch())
        .order_by("-created_at", "-pk")
    )


def referral_for_user(*, user, public_id) -> Referral:
    return get_or_404(
        visible_referrals(user=user).select_related(
            "household", "project", "referring_organisation"
        ),
        public_id=public_id,
    )


def waiting_list_entries(*, project) -> QuerySet[WaitingListEntry]:
    return (
        WaitingListEntry.objects.filter(project=project, removed_on__isnull=True)
        .select_related("referral", "household")
        .prefetch_related(
            Prefetch("household__members", queryset=Person.objects.order_by("birth_date")),
            "household__vulnerabilities",
        )
    )


def waiting_list(*, user, project, today=None):
    """The project's waiting list in priority order, each row with the reasons of its
    place. For the project's coordinators only (403 otherwise)."""
    access = access_for(user)
    access.require(access.may_coordinate(project))
    rules = list(project.priority_rules.all())
    rows = []
    for entry in waiting_list_entries(project=project):
        priority = priority_of(
            household=entry.household,
            referral=entry.referral,
            rules=rules,
            waiting_since=entry.added_on,
            today=today,
        )
        rows.append((entry, priority))
    rows.sort(key=lambda row: (-row[1].total, row[0].added_on, row[0].pk))
    return rows
