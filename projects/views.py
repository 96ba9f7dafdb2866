from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import selectors
from .models import Participation

PAGE_SIZE = 25


def project_list(request):
    page_obj = Paginator(selectors.project_directory(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "project": project,
            # Who to call about the project: its lead and its operational coordinator.
            "coordinators": [
                p
                for p in project.participations.all()
                if p.role in Participation.COORDINATING_ROLES
            ],
            "area_served": project.area_served.all(),
        }
        for project in page_obj
    ]
    return render(request, "projects/project_list.html", {"page_obj": page_obj, "rows": rows})


def project_detail(request, slug):
    project = get_object_or_404(selectors.project_detail_queryset(), slug=slug)
    # "Chi fa cosa": the roles in the order of the choices (promoters first, referring
    # bodies last), each with its organisations; roles nobody holds are left out.
    by_role = {}
    for participation in project.participations.all():
        by_role.setdefault(participation.role, []).append(participation)
    roles = [
        {"label": label, "participations": by_role[value]}
        for value, label in Participation.Role.choices
        if value in by_role
    ]
    return render(request, "projects/project_detail.html", {"project": project, "roles": roles})
