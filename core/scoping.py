"""The one place that decides what a user may see.

Every read of personal data goes through a selector that calls these functions; a
view never filters by organisation on its own. Everything here keys on the user's
active staff memberships (partners.StaffMembership).
"""

from __future__ import annotations

from collections.abc import Iterable

from partners.models import StaffMembership

Role = StaffMembership.Role


def active_memberships(user) -> list[StaffMembership]:
    """The user's active memberships, read once per request and kept on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = list(
            StaffMembership.objects.filter(user=user, is_active=True, organisation__is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "role")
        )
        user._active_memberships = cached
    return cached


def forget(user) -> None:
    """Drop what this module remembered about the user (after their memberships change)."""
    for attribute in ("_active_memberships", "_coordinated_project_ids"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def roles(user) -> set[str]:
    return {m.role for m in active_memberships(user)}


def has_role(user, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def organisation_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the organisations in which the user holds one of `roles` (any role if None)."""
    wanted = set(roles) if roles is not None else None
    return {
        m.organisation_id for m in active_memberships(user) if wanted is None or m.role in wanted
    }


def coordinated_project_ids(user) -> set[int]:
    """Projects whose casework the user coordinates: they are a coordinator of an
    organisation that leads (capofila) or operationally coordinates the project."""
    from projects.models import Participation

    cached = getattr(user, "_coordinated_project_ids", None)
    if cached is not None:
        return cached
    orgs = organisation_ids(user, [Role.COORDINATOR])
    ids = (
        set(
            Participation.objects.filter(
                organisation_id__in=orgs, role__in=Participation.COORDINATING_ROLES
            ).values_list("project_id", flat=True)
        )
        if orgs
        else set()
    )
    if getattr(user, "is_authenticated", False):
        # Read once per request, like the memberships it derives from.
        user._coordinated_project_ids = ids
    return ids
