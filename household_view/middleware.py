"""The household view is a separate area (docs/architecture.md, "Il mio percorso").

A browser whose session belongs to a household member reaches the household view's
pages only: any other page of Abitare — the staff pages, even the public ones such as
the login — sends it back to the view. The household view's pages are in the language
the member chose (kept in the session and on the access), which may be one the staff
pages do not offer: it is activated here, after LocaleMiddleware, for these pages only.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.utils import translation

from .models import LANGUAGE_CODES
from .services import ACCESS_SESSION_KEY, LANGUAGE_SESSION_KEY

NAMESPACE = "household_view"


class HouseholdAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        session = getattr(request, "session", None)
        if match is not None and match.namespace == NAMESPACE:
            language = session.get(LANGUAGE_SESSION_KEY) if session is not None else None
            if language not in LANGUAGE_CODES:
                language = settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
            return None
        if session is not None and ACCESS_SESSION_KEY in session:
            return redirect("household_view:home")
        return None
