"""The contribution ledger on the dashboard (quota di compartecipazione): how much of
what was charged was collected, and how many households are late. Computed by the
database, three queries; no name leaves this module."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Sum
from django.utils import timezone

from dashboard.indicators.period import VIA_CASE, Dimension, Period, _group_key, _grouped, _Paths
from housing import selectors as housing_selectors
from housing.models import ContributionCharge, Payment, Placement

VIA_PLACEMENT = _Paths(
    "placement__case__project_id", "placement__case__referral__referring_organisation"
)
MONEY = DecimalField(max_digits=14, decimal_places=2)


def contributions(
    *, project_ids, period: Period, by=Dimension.TOTAL, today: datetime.date | None = None
) -> dict:
    """Charged: the charges of the months of the period. Collected: the payments dated
    in the period, less the reversals dated in it. Households in arrears: those with a
    placement in the projects that, on the last day of the period (today, if sooner),
    owe something on a charge past its due date."""
    elapsed = period.until(today or timezone.localdate())
    if elapsed is None:
        return {}
    ids = list(project_ids)
    key = _group_key(by, VIA_PLACEMENT)
    charged = _grouped(
        ContributionCharge.objects.filter(
            placement__unit__project_id__in=ids,
            month__gte=elapsed.start.replace(day=1),
            month__lte=elapsed.end,
        ),
        key,
        charged=Sum("amount", output_field=MONEY),
    )
    collected = _grouped(
        Payment.objects.filter(
            placement__unit__project_id__in=ids,
            paid_on__gte=elapsed.start,
            paid_on__lte=elapsed.end,
        ),
        key,
        collected=Sum("amount", output_field=MONEY),
    )
    late = _grouped(
        housing_selectors.arrears_over(
            Placement.objects.filter(unit__project_id__in=ids), days=0, today=elapsed.end
        ),
        _group_key(by, VIA_CASE),
        households=Count("household", distinct=True),
    )
    groups = set(charged) | set(collected) | set(late)
    zero = Decimal("0.00")
    return {
        group: {
            "charged": charged.get(group, {}).get("charged") or zero,
            "collected": collected.get(group, {}).get("collected") or zero,
            "households_in_arrears": late.get(group, {}).get("households") or 0,
        }
        for group in groups
    }
