from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.access import access_for
from dashboard import services as dashboard_services
from dashboard.selectors import my_day as my_day_selectors
from dashboard.selectors import referrals as referrals_selectors
from partners.models import StaffMembership
from projects import selectors as project_selectors

Role = StaffMembership.Role

REFERRALS_SHOWN = 50


@require_http_methods(["GET", "POST"])
def home(request):
    """The home page shows one section per role the user holds. A POST ("Ricalcola
    ora" under a coordinator's sums) computes the sums again, then shows the page."""
    user = request.user
    access = access_for(user)
    user_roles = access.roles
    context = {
        "memberships": access.memberships,
        "is_social_worker": Role.SOCIAL_WORKER in user_roles,
        "is_coordinator": Role.COORDINATOR in user_roles,
        "is_referrer": Role.MUNICIPAL_REFERRER in user_roles,
        "is_org_admin": Role.ORGANISATION_ADMIN in user_roles,
    }
    if request.method == "POST":
        if context["is_coordinator"]:
            my_day_selectors.stored_project_sums(user=user, today=timezone.localdate(), force=True)
            messages.success(request, _("Cifre ricalcolate ora."))
        return redirect(request.get_full_path())
    if context["is_coordinator"]:
        context["coordinated_projects"] = project_selectors.projects_coordinated_by(user=user)
    context["my_projects"] = project_selectors.projects_of_user_organisations(user=user)
    if context["is_referrer"]:
        # What changed since the last visit is marked, then the visit is recorded.
        last_visit = dashboard_services.home_visited(user=user)
        referrals = list(referrals_selectors.followed_referrals(user=user)[:REFERRALS_SHOWN])
        for referral in referrals:
            referral.is_new = last_visit is None or referral.last_change > last_visit
        context["followed_referrals"] = referrals
        context["last_visit"] = last_visit
    if context["is_social_worker"] or context["is_coordinator"]:
        # A coordinator's sum of a project leads here, to the boxes of that project only.
        project = None
        if request.GET.get("progetto"):
            project = get_object_or_404(
                project_selectors.projects_coordinated_by(user=user),
                slug=request.GET["progetto"],
            )
        context["my_day"] = my_day_selectors.my_day(user=user, project=project)
        context["my_day_contributions"] = my_day_selectors.my_day_contributions(user=user)
    return render(request, "dashboard/home.html", context)
