"""The site's URLs plus views that fail, for tests/core/test_error_pages.py."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def _forbidden(request):
    raise PermissionDenied


def _bad_request(request):
    raise BadRequest


def _broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("prova/vietato/", _forbidden),
    path("prova/richiesta-non-valida/", _bad_request),
    path("prova/guasto/", _broken),
    *site_urlpatterns,
]
