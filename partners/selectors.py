"""Reads of the network's organisations.

Organisations, how they belong to one another and the projects they take part in are
not personal data: every logged-in user reads the whole network. Staff memberships are
about people and never leave through here.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from projects.models import Participation, Project

from .models import Organisation, OrganisationMembership, StaffMembership


def _network_for(user) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.all()


def organisation_list(*, user) -> QuerySet[Organisation]:
    """The directory: active organisations, each with the ones it belongs to."""
    return (
        _network_for(user)
        .filter(is_active=True)
        .prefetch_related(
            Prefetch("parents", queryset=Organisation.objects.order_by("name")),
        )
        .order_by("name")
    )


def organisation_detail_queryset(*, user) -> QuerySet[Organisation]:
    """One organisation's page: what it belongs to, who belongs to it, the projects it
    takes part in (with its role) and the projects serving its territory.

    Organisations that are no longer active stay readable, so the links of past
    projects still lead somewhere."""
    return _network_for(user).prefetch_related(
        Prefetch(
            "memberships_as_member",
            queryset=OrganisationMembership.objects.select_related("parent").order_by(
                "parent__name"
            ),
        ),
        Prefetch(
            "memberships_as_parent",
            queryset=OrganisationMembership.objects.select_related("member").order_by(
                "member__name"
            ),
        ),
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("project").order_by(
                "project__name", "role"
            ),
        ),
        Prefetch("projects_serving", queryset=Project.objects.order_by("name")),
    )


def colleagues_to_alert(user) -> list:
    """Who hears that `user` did something suspicious with their access (too many
    look-ups of people): the coordinators of the user's organisations, or the network's
    admins when those organisations have none. Never the user themselves."""
    User = get_user_model()
    organisations = StaffMembership.objects.filter(user=user).values("organisation_id")
    coordinators = list(
        User.objects.filter(
            is_active=True,
            staff_memberships__organisation_id__in=organisations,
            staff_memberships__role=StaffMembership.Role.COORDINATOR,
        )
        .exclude(pk=user.pk)
        .distinct()
    )
    if coordinators:
        return coordinators
    return list(User.objects.filter(is_active=True, is_superuser=True).exclude(pk=user.pk))
