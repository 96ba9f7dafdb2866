from django.shortcuts import get_object_or_404, render

from . import selectors


def project_list(request):
    return render(request, "projects/project_list.html", {"projects": selectors.project_list()})


def project_detail(request, slug):
    project = get_object_or_404(selectors.project_detail_queryset(), slug=slug)
    return render(request, "projects/project_detail.html", {"project": project})
