"""The referring organisation's view of the households it sent: the pathway of one
referral as a timeline of facts (dashboard.selectors.referrals). Access: the selector
(404 outside the user's referrals, 403 for a referral the user sees only as the
project's coordinator)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard.selectors import referrals as referrals_selectors


@require_GET
def referral_timeline(request, public_id):
    referral = referrals_selectors.followed_referral(user=request.user, public_id=public_id)
    steps = referrals_selectors.referral_timeline(user=request.user, referral=referral)
    return render(
        request,
        "dashboard/referral_timeline.html",
        {"referral": referral, "household": referral.household, "steps": steps},
    )
