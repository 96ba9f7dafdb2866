from core.access import access_for
from partners.models import StaffMembership

Role = StaffMembership.Role


def navigation(request):
    """Which sections the navigation bar offers. Offering a link is not access: every
    view checks again through the scoping layer."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    user_roles = access_for(user).roles
    return {
        "nav": {
            "casework": bool(user_roles & {Role.SOCIAL_WORKER, Role.COORDINATOR}),
            "referrals": bool(
                user_roles & {Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MUNICIPAL_REFERRER}
            ),
            "coordination": Role.COORDINATOR in user_roles,
        }
    }
