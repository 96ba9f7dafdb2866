"""Writing the security log (core.models.SecurityEvent).

Logins, logouts and failed logins come from Django's auth signals, lockouts from
django-axes' signal, refused accesses from `core.middleware.AccessDeniedLogMiddleware`.
Features that let a user take personal data away (exports, downloads) call `record()`
themselves:

    security_log.record(Kind.EXPORT, request=request, details={"household": str(pk)})

Every event also goes to the `abitare.security` logger, so it reaches the server log
even if the database is the thing under attack.
"""

from __future__ import annotations

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import SecurityEvent
from .signals import account_alert

Kind = SecurityEvent.Kind
logger = logging.getLogger("abitare.security")

_WARNING_KINDS = {
    Kind.LOGIN_FAILED,
    Kind.LOCKOUT,
    Kind.ACCESS_DENIED,
    Kind.TWO_FACTOR_FAILED,
    Kind.PERSON_LOOKUP_THROTTLED,
    Kind.HOUSEHOLD_LOGIN_FAILED,
    Kind.HOUSEHOLD_LOCKOUT,
}


def client_ip(request) -> str | None:
    """The client's address, found the same way django-axes finds it for lockouts
    (AXES_IPWARE_* settings), so the log and the lockouts agree on who is who."""
    if request is None:
        return None
    try:
        return get_client_ip_address(request) or None
    except Exception:  # noqa: BLE001 - a malformed header must not stop a login
        return None


def record(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    details: dict | None = None,
) -> SecurityEvent:
    """Write one security event. `user` defaults to the request's user; `request`
    gives where from (address, browser, page)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if not username and user is not None:
        username = user.get_username()
    meta = getattr(request, "META", {}) if request is not None else {}
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or "")[:150],
        ip_address=client_ip(request),
        user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
        path=(getattr(request, "path", "") or "")[:500],
        details=details or {},
    )
    logger.log(
        logging.WARNING if kind in _WARNING_KINDS else logging.INFO,
        "security event %s user=%s ip=%s path=%s details=%s",
        kind,
        event.username or "-",
        event.ip_address or "-",
        event.path or "-",
        event.details,
    )
    return event


# Receivers (connected by CoreConfig.ready) -------------------------------------------


@receiver(user_logged_in, dispatch_uid="security_log_login")
def _on_login(sender, request, user, **kwargs):
    record(Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is None:  # logging out a visitor who was not logged in
        return
    reason = getattr(request, "security_logout_reason", None)
    record(
        Kind.LOGOUT,
        request=request,
        user=user,
        details={"reason": reason} if reason else {},
    )


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the name is kept.
    record(Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username") or ""))


@receiver(user_locked_out, dispatch_uid="security_log_lockout")
def _on_lockout(sender, request, username, ip_address, **kwargs):
    record(
        Kind.LOCKOUT,
        request=request,
        username=str(username or ""),
        details={"failures": getattr(request, "axes_failures_since_start", None)},
    )
    # The account's owner, if the name is one, is told (notifications listens).
    User = get_user_model()
    owner = (
        User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if username
        else None
    )
    if owner is not None:
        account_alert.send(sender=SecurityEvent, user=owner, kind="lockout")
