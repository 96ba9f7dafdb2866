"""Login throttling by address as well as by username and address (django-axes).

django-axes locks a username out from one address after AXES_FAILURE_LIMIT failures
(AXES_LOCKOUT_PARAMETERS). That does not slow down password spraying: a few guesses at
each of many names from one address never reach the limit of any pair. Axes has one
failure limit for all its parameter sets, so a second, higher limit per address is
added here: after AXES_IP_FAILURE_LIMIT failures from one address, whatever the names,
within AXES_IP_COOLOFF_TIME, that address may not log in at all until the window has
passed. The count is axes' own rows in the database, so every web node sees the same
failures (docs/deployment.md).

Behind a proxy this is only as good as the client address: with the proxy's address
for everyone, twenty failures anywhere would lock everyone out. That is why
DJANGO_TRUSTED_PROXY_COUNT is part of the deployment and `core.checks` warns when it
looks wrong.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from . import security_log


def address_failures(ip_address: str | None) -> int:
    """Failed logins from this address, over every username, in the window."""
    if not ip_address:
        return 0
    since = timezone.now() - settings.AXES_IP_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def _address(request) -> str | None:
    address = getattr(request, "axes_ip_address", None)
    return address or get_client_ip_address(request)


class AddressAwareDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler, with the per-address limit on top."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_failures(_address(request)) >= settings.AXES_IP_FAILURE_LIMIT:
            # For the lockout page, which then speaks of the address, not of the name.
            request.axes_locked_out_by_address = True
            return True
        return False

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        already_locked = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or already_locked or getattr(request, "axes_locked_out", False):
            return
        failures = address_failures(_address(request))
        if failures >= settings.AXES_IP_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.axes_locked_out_by_address = True
            request.axes_credentials = credentials
            if failures == settings.AXES_IP_FAILURE_LIMIT:
                # Once, when the address crosses the limit; the names it tried are
                # in the failed logins just before.
                security_log.record(
                    security_log.Kind.LOCKOUT,
                    request=request,
                    details={"scope": "address", "failures": failures},
                )
