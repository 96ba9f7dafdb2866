"""Sets the known-browser cookie on the answer to a login (notifications.services.
browser_login_check decides it; a signal receiver has no response to set it on)."""

from django.conf import settings

from .services import BROWSER_COOKIE, BROWSER_COOKIE_MAX_AGE, BROWSER_COOKIE_SALT


class KnownBrowserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "known_browser_token", None)
        if token:
            response.set_signed_cookie(
                BROWSER_COOKIE,
                token,
                salt=BROWSER_COOKIE_SALT,
                max_age=BROWSER_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
