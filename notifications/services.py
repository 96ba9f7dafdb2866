"""Writes of notifications: the API the domain calls (`notify`), reading and
preferences, the outbox and the daily digest, the purge, and the account's own events.

The domain calls one function, inside its own service's transaction:

    from notifications.kinds import Kind
    from notifications.services import notify

    notify(
        recipients=coordinators,          # users who may see what the link shows
        kind=Kind.REFERRAL_SENT,
        link=referral.get_absolute_url(), # where it is dealt with
        actor=user,                       # never told of their own act
    )

The caller decides who may see the subject (the notification only links to it; the
linked page checks access again when opened). If the caller's transaction rolls back,
neither the notification nor its e-mail exists.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import selectors, tasks
from .kinds import Delivery, Kind, summary
from .models import EmailPreference, KnownBrowser, Notification, OutgoingEmail, ScheduledRun

Status = OutgoingEmail.Status

# The signed cookie that makes a browser known (KnownBrowser), and how long it lasts
# (400 days: the longest browsers keep a cookie).
BROWSER_COOKIE = "abitare_browser"
BROWSER_COOKIE_SALT = "notifications.known-browser"
BROWSER_COOKIE_MAX_AGE = 400 * 24 * 60 * 60
# The sweep leaves a due e-mail this long to the task already enqueued for it.
RETRY_GRACE = timedelta(minutes=2)
# An e-mail still "sending" after this long belonged to a worker that died mid-way.
STUCK_AFTER = timedelta(minutes=30)
# Sent e-mails, known browsers and the scheduler's marks are kept this long.
SENT_EMAIL_RETENTION = timedelta(days=30)
KNOWN_BROWSER_RETENTION = timedelta(days=400)
SCHEDULED_RUN_RETENTION = timedelta(days=90)


def _check_link(link: str) -> None:
    # A path inside Abitare: the page that link shows is the one that checks access.
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        raise ValueError(f"A notification links to a page of Abitare, not {link!r}.")


# The API for the domain ---------------------------------------------------------------


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    link: str,
    count: int = 1,
    detail: str = "",
    key: str = "",
    actor=None,
) -> list[Notification]:
    """Tell `recipients` that `count` things of `kind` need them, at `link`.

    - recipients: users; the inactive ones and `actor` (whose act it is) are skipped.
      The caller passes only people who may see the subject.
    - detail: an optional short reference the recipients may see on the linked page
      (a referral's code); shown in the app only, never in an e-mail. Never a name.
    - key: makes the notification come once per recipient for the same kind and key
      (e.g. f"review:{review.pk}:overdue"), however often a scan finds it again.

    Each recipient gets the in-app notification; by their preference for the kind, an
    e-mail at once (enqueued after the commit), a line in the next daily digest, or no
    e-mail. Returns the notifications made.
    """
    kind = Kind(kind)
    _check_link(link)
    if count < 1:
        raise ValueError("A notification is about at least one thing.")
    users = {}
    for user in recipients:
        if user is None or not user.is_active:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        users[user.pk] = user
    if key and users:
        for user_id in Notification.objects.filter(
            recipient_id__in=users, kind=kind, key=key
        ).values_list("recipient_id", flat=True):
            users.pop(user_id, None)
    if not users:
        return []
    deliveries = selectors.deliveries_for_users(user_ids=list(users), kind=kind)
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                count=count,
                detail=detail[:120],
                link=link,
                key=key,
                created_at=now,
                digest_pending=deliveries[user.pk] == Delivery.DIGEST,
            )
            for user in users.values()
        ]
    )
    for user in users.values():
        if deliveries[user.pk] == Delivery.IMMEDIATE and user.email:
            _queue_email(
                recipient=user,
                purpose=OutgoingEmail.Purpose.NOTIFICATION,
                kind=kind,
                template="notifications/email/notification.txt",
                context={"lines": [summary(kind, count)]},
                subject_label=Kind(kind).label,
            )
    return notifications


# Reading --------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return (
        selectors.notifications_for(user=user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def preferences_save(*, user, deliveries: dict[str, str]) -> None:
    """Set how each kind reaches `user` by e-mail (kinds not given stay as they are)."""
    for kind, delivery in deliveries.items():
        EmailPreference.objects.update_or_create(
            user=user, kind=Kind(kind), defaults={"delivery": Delivery(delivery)}
        )


# The outbox ---------------------------------------------------------------------------


def _render_email(*, template: str, context: dict, subject_label) -> tuple[str, str]:
    # In the network's language: users have no language of their own yet.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            template,
            {
                **context,
                "site_url": settings.SITE_URL,
                "notifications_url": settings.SITE_URL + reverse("notifications:list"),
                "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            },
        )
        subject = f"Abitare: {subject_label}"
    return subject[:200], body


def _queue_email(*, recipient, purpose, kind="", template, context, subject_label, day=None):
    subject, body = _render_email(template=template, context=context, subject_label=subject_label)
    email = OutgoingEmail.objects.create(
        recipient=recipient,
        purpose=purpose,
        kind=kind,
        subject=subject,
        body=body,
        digest_day=day,
    )
    transaction.on_commit(partial(tasks.enqueue, email.pk))
    return email


def emails_retry_due(*, now: datetime | None = None) -> int:
    """Enqueue again the pending e-mails whose next attempt is due (their own retry
    task may have been lost with a worker), and mark failed the ones a dead worker
    left half-sent. Returns how many were enqueued."""
    now = now or timezone.now()
    OutgoingEmail.objects.filter(
        status=Status.SENDING, last_attempt_at__lt=now - STUCK_AFTER
    ).update(
        status=Status.FAILED,
        last_error="Invio interrotto: controllare se è arrivata prima di riprovare.",
    )
    due = list(
        OutgoingEmail.objects.filter(
            status=Status.PENDING, next_attempt_at__lte=now - RETRY_GRACE
        ).values_list("pk", flat=True)
    )
    for pk in due:
        tasks.enqueue(pk)
    return len(due)


@transaction.atomic
def email_retry(*, email: OutgoingEmail) -> bool:
    """The admin's "retry": a failed e-mail gets a new round of attempts."""
    updated = OutgoingEmail.objects.filter(pk=email.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if updated:
        transaction.on_commit(partial(tasks.enqueue, email.pk))
    return bool(updated)


# The daily digest ------------------------------------------------------------------------


def digest_time() -> time:
    return time.fromisoformat(settings.NOTIFICATION_DIGEST_TIME)


def digests_send(*, now: datetime | None = None, force: bool = False) -> int:
    """Each user with notifications waiting for the digest gets one e-mail for today
    (network's time zone) with how many of each kind, from NOTIFICATION_DIGEST_TIME on
    (or at once with `force`). At most one per user per day, however often it runs: the
    outbox holds one digest per (user, day). Returns how many digests were made."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if not force and local.time() < digest_time():
        return 0
    day = local.date()
    recipient_ids = (
        Notification.objects.filter(digest_pending=True, created_at__lte=now)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(
        _digest_one(recipient_id=recipient_id, day=day, now=now)
        for recipient_id in list(recipient_ids)
    )


def _digest_one(*, recipient_id: int, day, now: datetime) -> bool:
    try:
        with transaction.atomic():
            if OutgoingEmail.objects.filter(recipient_id=recipient_id, digest_day=day).exists():
                return False
            pending = Notification.objects.filter(
                recipient_id=recipient_id, digest_pending=True, created_at__lte=now
            )
            totals = dict(
                pending.order_by()
                .values("kind")
                .annotate(total=Sum("count"))
                .values_list("kind", "total")
            )
            user = get_user_model().objects.get(pk=recipient_id)
            if not totals:
                return False
            if not user.is_active or not user.email:
                pending.update(digest_pending=False)
                return False
            lines = [summary(kind, totals[kind]) for kind in Kind.values if kind in totals]
            email = _queue_email(
                recipient=user,
                purpose=OutgoingEmail.Purpose.DIGEST,
                template="notifications/email/digest.txt",
                context={"lines": lines},
                subject_label=translation.gettext("il riepilogo di oggi"),
                day=day,
            )
            pending.update(digest_pending=False, digest=email)
            return True
    except IntegrityError:  # another run made this user's digest for today meanwhile
        return False


# Keeping it small ----------------------------------------------------------------------


@transaction.atomic
def notifications_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what is past its time: notifications after NOTIFICATION_RETENTION_DAYS,
    sent e-mails after 30 days, browsers unseen for 400 days. Pending and failed
    e-mails stay until they are dealt with."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    notifications, _ = Notification.objects.filter(created_at__lt=cutoff).delete()
    emails, _ = OutgoingEmail.objects.filter(
        status=Status.SENT, sent_at__lt=now - SENT_EMAIL_RETENTION
    ).delete()
    browsers, _ = KnownBrowser.objects.filter(last_seen__lt=now - KNOWN_BROWSER_RETENTION).delete()
    runs, _ = ScheduledRun.objects.filter(day__lt=(now - SCHEDULED_RUN_RETENTION).date()).delete()
    return {"notifications": notifications, "emails": emails, "browsers": browsers, "runs": runs}


# The account's own events -----------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def browser_login_check(*, request, user) -> bool:
    """At login: is this browser known for this user? A user who has logged in before
    from another browser is told of a login from a new one. The browser gets (or keeps)
    its token in a signed cookie, set by KnownBrowserMiddleware. True if it was new."""
    token = None
    if hasattr(request, "COOKIES"):
        token = request.get_signed_cookie(
            BROWSER_COOKIE, default=None, salt=BROWSER_COOKIE_SALT, max_age=BROWSER_COOKIE_MAX_AGE
        )
    token = token or secrets.token_urlsafe(32)
    request.known_browser_token = token
    token_hash = _token_hash(token)
    now = timezone.now()
    if KnownBrowser.objects.filter(user=user, token_hash=token_hash).update(last_seen=now):
        return False
    seen_elsewhere = KnownBrowser.objects.filter(user=user).exists()
    KnownBrowser.objects.create(user=user, token_hash=token_hash, first_seen=now, last_seen=now)
    if seen_elsewhere:
        notify(recipients=[user], kind=Kind.NEW_BROWSER_LOGIN, link=reverse("account_security"))
    return True


def account_alert(*, user, kind: str) -> None:
    """Something happened to the user's own account (two factors turned off, a
    lockout): tell the user, at most once a day for a lockout however many follow."""
    kind = Kind(kind)
    key = f"{timezone.localdate().isoformat()}" if kind == Kind.LOCKOUT else ""
    notify(recipients=[user], kind=kind, link=reverse("account_security"), key=key)


__all__ = [
    "account_alert",
    "browser_login_check",
    "digests_send",
    "email_retry",
    "emails_retry_due",
    "notifications_mark_all_read",
    "notifications_purge",
    "notification_mark_read",
    "notify",
    "preferences_save",
]
