"""Reads of projects. Projects and who takes part in them are public within the
network, so every logged-in user may read them; households never pass through here."""

from django.db.models import Prefetch, QuerySet

from core.access import access_for
from partners.models import Organisation

from .models import Participation, Project


def project_list() -> QuerySet[Project]:
    return Project.objects.prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("organisation").order_by(
                "role", "organisation__name"
            ),
        )
    ).order_by("name")


def project_detail_queryset() -> QuerySet[Project]:
    return project_list().prefetch_related(
        "services",
        "priority_rules",
        Prefetch("area_served", queryset=Organisation.objects.order_by("name")),
    )


def projects_of_user_organisations(*, user) -> QuerySet[Project]:
    """Projects in which any of the user's organisations takes part, in any role."""
    return (
        project_list()
        .filter(participations__organisation_id__in=access_for(user).organisation_ids())
        .distinct()
    )


def projects_coordinated_by(*, user) -> QuerySet[Project]:
    return project_list().filter(pk__in=access_for(user).coordinated_projects)


def project_directory() -> QuerySet[Project]:
    """The list of projects, with who leads them and the territory each serves."""
    return project_list().prefetch_related(
        Prefetch("area_served", queryset=Organisation.objects.order_by("name"))
    )
