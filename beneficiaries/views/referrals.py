"""Placeholder views: being written (see the module owner)."""

from django.http import HttpResponse


def referral_list(request, **kwargs):
    return HttpResponse(status=501)


def referral_create(request, **kwargs):
    return HttpResponse(status=501)


def referral_detail(request, **kwargs):
    return HttpResponse(status=501)


def referral_transition(request, **kwargs):
    return HttpResponse(status=501)


def case_open(request, **kwargs):
    return HttpResponse(status=501)


def waiting_list(request, **kwargs):
    return HttpResponse(status=501)


def case_detail(request, **kwargs):
    return HttpResponse(status=501)


def case_assign_workers(request, **kwargs):
    return HttpResponse(status=501)
