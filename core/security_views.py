"""The page-independent endpoints of the session controls."""

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .middleware import mark_activity, seconds_left


@require_POST
def session_keep_alive(request):
    """ "Resta collegato": the user is still there, so the idle clock starts again. The
    answer says how long the session may now last (the absolute limit still applies)."""
    mark_activity(request.session)
    return JsonResponse({"expires_in": seconds_left(request.session)})
