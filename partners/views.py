from django.shortcuts import render


def organisation_list(request):
    return render(request, "partners/organisation_list.html", {})


def organisation_detail(request, slug):
    return render(request, "partners/organisation_detail.html", {})
