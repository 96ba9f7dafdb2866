"""Session and access controls that apply to every request.

`SessionSecurityMiddleware` ends a session that has been idle too long
(SESSION_IDLE_TIMEOUT) or has lasted too long altogether (SESSION_ABSOLUTE_TIMEOUT),
ends the session of a user who has been deactivated, and marks every page seen by a
logged-in user `Cache-Control: no-store` so that personal data stays out of shared and
browser caches. It sits before LoginRequiredMiddleware's view check, so a request whose
session it has just ended is sent to the login page like any anonymous one.

`TwoFactorMiddleware` keeps a user who must still give a second factor on the pages
that ask for it (core.two_factor).

`AccessDeniedLogMiddleware` writes a security event for every 404 and 403 that a view
raises for a logged-in user: the scoping layer answers "not yours" with Http404 and
"not your role" with PermissionDenied, so each refused access is recorded once, here.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model, logout, user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import security_log

# Session keys (epoch seconds). Underscored like Django's own auth keys.
LAST_ACTIVITY_KEY = "_security_last_activity"
LOGIN_AT_KEY = "_security_login_at"
# Writing the session on every request would cost a database write per click; a
# request within this many seconds of the last recorded one leaves it unchanged.
_ACTIVITY_RESOLUTION = 15
# Sent by requests a page makes on its own (the bell's polling): they are not the user
# doing something, so they must not keep an idle session alive.
BACKGROUND_HEADER = "X-Abitare-Background"


def idle_timeout() -> int:
    return settings.SESSION_IDLE_TIMEOUT


def absolute_timeout() -> int:
    return settings.SESSION_ABSOLUTE_TIMEOUT


def seconds_left(session, now: float | None = None) -> int:
    """Seconds before this session ends unless the user does something (the idle
    limit) or in any case (the absolute limit)."""
    now = time.time() if now is None else now
    last = session.get(LAST_ACTIVITY_KEY, now)
    started = session.get(LOGIN_AT_KEY, now)
    return max(0, int(min(last + idle_timeout(), started + absolute_timeout()) - now))


def mark_activity(session, now: float | None = None) -> None:
    session[LAST_ACTIVITY_KEY] = int(time.time() if now is None else now)


@receiver(user_logged_in, dispatch_uid="session_security_login")
def _start_session_clock(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[LOGIN_AT_KEY] = now
    request.session[LAST_ACTIVITY_KEY] = now


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = self._enforce(request)
        if ended and request.headers.get("HX-Request") == "true":
            # A fragment request would otherwise swap the login page into the page: send
            # the whole page to the login instead, coming back to where it was.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            next_url = current.path + (f"?{current.query}" if current.query else "")
            response = HttpResponse(status=204)
            response["HX-Redirect"] = (
                f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url or '/'})}"
            )
            add_never_cache_headers(response)
            return response
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if ended or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)  # includes no-store and private
        return response

    def _enforce(self, request) -> bool:
        """End the session if it must end; True if it did."""
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None:
            return False
        if not user.is_authenticated:
            if SESSION_KEY in session:
                # The session names a user that authentication no longer accepts: the
                # account was deactivated or deleted. End the session itself, not only
                # this request's login.
                self._end_orphan_session(request)
                return True
            return False
        if not user.is_active:  # a backend that lets inactive users in must not matter
            self._end(request, "account_disabled", None)
            return True
        now = time.time()
        started = session.get(LOGIN_AT_KEY)
        last = session.get(LAST_ACTIVITY_KEY)
        if started is None:  # a session from before these controls existed
            session[LOGIN_AT_KEY] = int(now)
            started = now
        if now - started > absolute_timeout():
            self._end(
                request,
                "absolute_timeout",
                _("La sessione è durata più del massimo consentito: accedi di nuovo."),
            )
            return True
        if last is not None and now - last > idle_timeout():
            self._end(
                request,
                "idle_timeout",
                _("La sessione è scaduta per inattività: accedi di nuovo."),
            )
            return True
        background = request.headers.get(BACKGROUND_HEADER) == "true"
        if last is None or (now - last >= _ACTIVITY_RESOLUTION and not background):
            mark_activity(session, now)
        # For the page's warning (templates/includes/session_timeout.html).
        request.session_seconds_left = seconds_left(session, now)
        request.session_timeout_warning = settings.SESSION_TIMEOUT_WARNING
        return False

    def _end(self, request, reason: str, message) -> None:
        request.security_logout_reason = reason
        logout(request)
        if message and hasattr(request, "_messages"):
            messages.info(request, message)

    def _end_orphan_session(self, request) -> None:
        user = get_user_model().objects.filter(pk=request.session.get(SESSION_KEY)).first()
        request.session.flush()
        security_log.record(
            security_log.Kind.LOGOUT,
            request=request,
            user=user,
            details={"reason": "account_disabled"},
        )


class AccessDeniedLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = getattr(request, "resolver_match", None)
        security_log.record(
            security_log.Kind.ACCESS_DENIED,
            request=request,
            details={
                "status": 404 if isinstance(exception, Http404) else 403,
                "view": match.view_name if match else "",
                "method": request.method,
            },
        )
        return None  # Django goes on to render its usual 404/403 page


class TwoFactorMiddleware:
    """After the password, a user who must give a second factor (coordinators, admins,
    and anyone who turned it on) reaches nothing but the pages that set it up or ask
    for it — the Django admin and its login included. See core.two_factor."""

    # Views a half-logged-in user may reach: the second factor itself, leaving, and
    # choosing the language or keeping the session alive while typing a code.
    ALLOWED_VIEWS = {
        "two_factor_setup",
        "two_factor_verify",
        "recovery_codes",
        "logout",
        "admin:logout",
        "set_language",
        "session_keep_alive",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from . import two_factor

        if not two_factor.needs_verification(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.ALLOWED_VIEWS:
            return None
        target = resolve_url(
            "two_factor_verify" if two_factor.has_app(request.user) else "two_factor_setup"
        )
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(target)
