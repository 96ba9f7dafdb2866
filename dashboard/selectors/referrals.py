"""What the referring organisation follows of the households it sent: the list of its
referrals with what changed since the last visit, and the pathway of each as a timeline
of facts. Here, above housing/, because a placement is one of the facts.

Built only from the facts the referrer may know (core.access.Access.may_follow_referral):
the referral's states and the reason of a decline, a band of the waiting list, who took
the household in charge and when, the municipality of the unit (never the address), the
exit's date, destination group and autonomy reached, and whether the household was still
housed at each follow-up. Never the diary, the plan, special categories or documents: the
queries below do not even read them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import DateTimeField, F, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from beneficiaries.models import Case, CaseExit, FollowUp, Referral, WaitingListEntry
from beneficiaries.models.pathway import DestinationGroup, destination_group
from beneficiaries.selectors.households import reference_name, visible_referrals
from beneficiaries.selectors.intake import waiting_band
from core.access import access_for
from core.shortcuts import get_or_404
from housing.models import Placement

Status = Referral.Status

_LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def followed_referrals(*, user) -> QuerySet[Referral]:
    """The referrals (not drafts) the user's organisation sent, newest first, each with
    `household_name` and `last_change` (the latest moment a fact of its timeline was
    written). One query."""
    access = access_for(user)
    if not access.in_network:
        return Referral.objects.none()

    def latest(queryset, field="updated_at"):
        return Coalesce(
            Subquery(
                queryset.order_by().values("referral_id").annotate(m=Max(field)).values("m")[:1],
                output_field=DateTimeField(),
            ),
            Value(_LONG_AGO),
        )

    cases = Case.objects.filter(referral_id=OuterRef("pk"))
    return (
        visible_referrals(user=user)
        .filter(referring_organisation_id__in=access.frontline_organisations)
        .exclude(status=Status.DRAFT)
        .select_related("project")
        .annotate(
            household_name=reference_name(OuterRef("household_id")),
            last_change=Greatest(
                Coalesce(F("updated_at"), Value(_LONG_AGO)),
                latest(WaitingListEntry.objects.filter(referral_id=OuterRef("pk"))),
                latest(cases),
                latest(
                    Placement.objects.filter(case__referral_id=OuterRef("pk")).annotate(
                        referral_id=F("case__referral_id")
                    )
                ),
                latest(
                    CaseExit.objects.filter(case__referral_id=OuterRef("pk")).annotate(
                        referral_id=F("case__referral_id")
                    )
                ),
                latest(
                    FollowUp.objects.filter(
                        case__referral_id=OuterRef("pk"), done_on__isnull=False
                    ).annotate(referral_id=F("case__referral_id"))
                ),
            ),
        )
        .order_by("-sent_at", "-pk")
    )


def followed_referral(*, user, public_id) -> Referral:
    """A referral the user follows, or 404 (outside their scope) / 403 (a draft, or a
    referral they see only as the project's coordinator)."""
    referral = get_or_404(
        visible_referrals(user=user).select_related(
            "project", "household", "referring_organisation"
        ),
        public_id=public_id,
    )
    access = access_for(user)
    access.require(access.may_follow_referral(referral))
    return referral


@dataclass(frozen=True)
class Step:
    """One fact of the timeline: what, when, and a few plain words."""

    kind: str
    label: str
    on: datetime.date | None
    detail: str = ""


def referral_timeline(*, user, referral) -> list[Step]:
    """The pathway of the household of `referral`, as the referring organisation may
    know it, in order. A fixed number of queries."""
    access = access_for(user)
    access.require(access.may_follow_referral(referral))
    steps = []
    for event in referral.events.exclude(to_status=Status.DRAFT).order_by("at", "id"):
        detail = event.notes if event.to_status == Status.DECLINED else ""
        steps.append(Step(event.to_status, Status(event.to_status).label, event.at.date(), detail))
    entry = WaitingListEntry.objects.filter(referral=referral).first()
    if entry is not None:
        if entry.removed_on is None:
            band = waiting_band(user=user, referral=referral)
            steps.append(
                Step(
                    "waiting",
                    _("In lista d'attesa"),
                    entry.added_on,
                    _("Posizione: %(band)s") % {"band": band} if band else "",
                )
            )
        else:
            steps.append(Step("waiting", _("In lista d'attesa"), entry.added_on))
    placements: dict[int, list] = {}
    for placement in (
        Placement.objects.filter(case__referral=referral)
        .select_related("unit__property")
        .order_by("start_date", "pk")
    ):
        placements.setdefault(placement.case_id, []).append(placement)
    for case in (
        Case.objects.filter(referral=referral)
        .select_related("holding_organisation", "exit")
        .prefetch_related("follow_ups")
        .order_by("opened_on", "pk")
    ):
        steps.append(
            Step(
                "case",
                _("Presa in carico"),
                case.opened_on,
                case.holding_organisation.display_name,
            )
        )
        for placement in placements.get(case.pk, []):
            steps.append(
                Step(
                    "placed",
                    _("Inserimento in alloggio"),
                    placement.start_date,
                    _("Comune: %(town)s") % {"town": placement.unit.property.town},
                )
            )
        exit_ = getattr(case, "exit", None)
        if exit_ is not None:
            steps.append(
                Step(
                    "exited",
                    _("Uscita dal progetto"),
                    exit_.closed_on,
                    _("Destinazione: %(group)s · autonomia raggiunta: %(autonomy)s")
                    % {
                        "group": DestinationGroup(destination_group(exit_.destination)).label,
                        "autonomy": exit_.get_autonomy_reached_display(),
                    },
                )
            )
        elif case.closed_on:
            steps.append(Step("exited", _("Uscita dal progetto"), case.closed_on))
        for follow_up in sorted(case.follow_ups.all(), key=lambda f: f.months_after_exit):
            if follow_up.done_on is None:
                continue
            steps.append(
                Step(
                    "follow_up",
                    _("Follow-up a %(months)d mesi") % {"months": follow_up.months_after_exit},
                    follow_up.done_on,
                    follow_up.get_still_housed_display(),
                )
            )
    return steps
