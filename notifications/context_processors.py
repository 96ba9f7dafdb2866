from django.conf import settings

from core import two_factor


def bell(request):
    """Whether the navigation shows the bell: to a logged-in user who has passed the
    second factor (a half-logged-in user would be sent to the code page by its polling).
    No query: the count comes afterwards, through htmx."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or two_factor.needs_verification(request):
        return {}
    return {"notification_bell": {"poll_seconds": settings.NOTIFICATION_BELL_POLL_SECONDS}}
