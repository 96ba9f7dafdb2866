"""Placeholder views: being written (see the module owner)."""

from django.http import HttpResponse


def caseload(request, **kwargs):
    return HttpResponse(status=501)


def household_create(request, **kwargs):
    return HttpResponse(status=501)


def duplicate_check(request, **kwargs):
    return HttpResponse(status=501)


def household_detail(request, **kwargs):
    return HttpResponse(status=501)


def household_update(request, **kwargs):
    return HttpResponse(status=501)


def household_history(request, **kwargs):
    return HttpResponse(status=501)


def person_create(request, **kwargs):
    return HttpResponse(status=501)


def person_update(request, **kwargs):
    return HttpResponse(status=501)


def consent_create(request, **kwargs):
    return HttpResponse(status=501)


def consent_withdraw(request, **kwargs):
    return HttpResponse(status=501)
