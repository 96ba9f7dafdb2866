"""Reads of notifications: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from .kinds import DEFAULT_DELIVERY, Delivery, Kind
from .models import EmailPreference, Notification


def notifications_for(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    """What the bell shows: one query on (recipient, read_at)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def deliveries_for(*, user) -> dict[str, str]:
    """How each kind reaches `user` by e-mail: their choice, or the kind's default."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Kind.values}


def deliveries_for_users(*, user_ids: list[int], kind: str) -> dict[int, str]:
    """How one kind reaches each of `user_ids` by e-mail, in one query."""
    chosen = dict(
        EmailPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    default = DEFAULT_DELIVERY[Kind(kind)]
    return {user_id: Delivery(chosen.get(user_id, default)) for user_id in user_ids}
