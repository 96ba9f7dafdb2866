"""How often a user may ask whether a person is already in the network.

The duplicate check of a registration answers "this person is registered" even for
households the user may not open (only "said to exist"), so it is an oracle: asked
often enough, it tells which people the network serves. Each look-up is therefore
written to the security log (no codice fiscale, no name: only which form asked and how
many matches there were), and counted: a user may make `PERSON_LOOKUP_LIMIT` of them in
`PERSON_LOOKUP_WINDOW`. Past that, nothing is answered, the refusal is logged, and the
first refusal of the window is signalled (`core.signals.lookups_throttled`) so that the
user's coordinators hear of it (notifications listens).

The count is the security log's own rows, in the database every web node shares: no
per-process memory, no cache to configure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import security_log
from .models import SecurityEvent
from .signals import lookups_throttled

Kind = SecurityEvent.Kind


def window() -> timedelta:
    return timedelta(seconds=settings.PERSON_LOOKUP_WINDOW)


def lookups_made(user) -> int:
    """The user's look-ups within the window."""
    since = timezone.now() - window()
    return SecurityEvent.objects.filter(user=user, kind=Kind.PERSON_LOOKUP, at__gte=since).count()


@transaction.atomic
def person_lookup(*, request, form: str, lookup: Callable[[], tuple[list, int]]):
    """Run `lookup` (which returns the visible matches and how many are hidden) for the
    request's user if they are within the limit, and log it; None when they are not."""
    user = request.user
    # One look-up of the same user at a time, on every node: the count and the new row
    # are read and written under the user's row lock.
    get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
    since = timezone.now() - window()
    if lookups_made(user) >= settings.PERSON_LOOKUP_LIMIT:
        first_refusal = not SecurityEvent.objects.filter(
            user=user, kind=Kind.PERSON_LOOKUP_THROTTLED, at__gte=since
        ).exists()
        security_log.record(
            Kind.PERSON_LOOKUP_THROTTLED,
            request=request,
            details={"form": form, "limit": settings.PERSON_LOOKUP_LIMIT},
        )
        if first_refusal:
            lookups_throttled.send(sender=SecurityEvent, user=user)
        return None
    visible, hidden_count = lookup()
    security_log.record(
        Kind.PERSON_LOOKUP,
        request=request,
        details={"form": form, "visible": len(visible), "hidden": hidden_count},
    )
    return visible, hidden_count
