from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import selectors
from .filters import OrganisationFilter

PAGE_SIZE = 25


def organisation_list(request):
    """The directory of the network, searchable by name and kind."""
    filterset = OrganisationFilter(
        request.GET, queryset=selectors.organisation_list(user=request.user)
    )
    # An impossible filter (a kind that does not exist, a text too long) finds nothing;
    # the form says what is wrong instead of silently ignoring it.
    organisations = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/organisation_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "is_filtered": any(filterset.form.cleaned_data.values())
            if filterset.is_valid()
            else True,
        },
    )


def organisation_detail(request, slug):
    organisation = get_object_or_404(
        selectors.organisation_detail_queryset(user=request.user), slug=slug
    )
    # One row per project, with every role the organisation holds in it.
    projects = {}
    for participation in organisation.participations.all():
        row = projects.setdefault(
            participation.project_id, {"project": participation.project, "roles": []}
        )
        row["roles"].append(participation.get_role_display())
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "parent_memberships": organisation.memberships_as_member.all(),
            "member_memberships": organisation.memberships_as_parent.all(),
            "project_rows": list(projects.values()),
            "projects_serving": organisation.projects_serving.all(),
        },
    )
