"""Notifications: what Abitare tells a user without their having to open a page.

A `Notification` is the in-app message (the bell and the notifications page); an
`OutgoingEmail` is the outbox row of an e-mail, written in the same transaction as the
event and sent by a background task after it commits. Neither carries personal data
of the households: a notification says what kind of thing happened, how many, and
links to the page where it is dealt with, whose own access rules then apply.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Delivery, Kind, summary

__all__ = [
    "Delivery",
    "EmailPreference",
    "Kind",
    "KnownBrowser",
    "Notification",
    "OutgoingEmail",
    "ScheduledRun",
]


class OutgoingEmail(models.Model):
    """An e-mail in the outbox. It is written in the transaction of the event, so it
    exists exactly when the event does, and sent by the background task
    `notifications.tasks.send_email` after the commit. A server that refuses it leaves
    it pending for another attempt later; after the last attempt it is failed, for the
    admin to see and retry. Its text says only what kind of thing and how many."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa")
        SENDING = "sending", _("in invio")
        SENT = "sent", _("inviata")
        FAILED = "failed", _("non inviata")

    class Purpose(models.TextChoices):
        NOTIFICATION = "notification", _("notifica")
        DIGEST = "digest", _("riepilogo giornaliero")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("destinatario"),
    )
    purpose = models.CharField(_("tipo di e-mail"), max_length=20, choices=Purpose.choices)
    kind = models.CharField(_("tipo di notifica"), max_length=40, choices=Kind.choices, blank=True)
    subject = models.CharField(_("oggetto"), max_length=200)
    body = models.TextField(_("testo"))
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    last_error = models.CharField(_("ultimo errore"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("prossimo tentativo"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("ultimo tentativo"), null=True, blank=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    # The day (network's time zone) a digest is for: one per user per day.
    digest_day = models.DateField(_("giorno del riepilogo"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail in uscita")
        verbose_name_plural = _("e-mail in uscita")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "digest_day"],
                condition=Q(digest_day__isnull=False),
                name="notifications_one_digest_per_user_per_day",
            ),
            models.CheckConstraint(
                condition=Q(purpose="digest", digest_day__isnull=False)
                | (~Q(purpose="digest") & Q(digest_day__isnull=True)),
                name="notifications_digest_has_day",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_purpose_display()} #{self.pk} ({self.get_status_display()})"


class Notification(models.Model):
    """A message in the user's bell: what kind of thing, how many, and where to deal
    with it. `detail` may hold a short reference the recipient may see on the linked
    page (a referral's code, never a name); it is never put in an e-mail. Notifications
    are purged after NOTIFICATION_RETENTION_DAYS."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinatario"),
    )
    kind = models.CharField(_("tipo"), max_length=40, choices=Kind.choices)
    count = models.PositiveIntegerField(_("quanti"), default=1)
    detail = models.CharField(_("riferimento"), max_length=120, blank=True)
    link = models.CharField(_("collegamento"), max_length=500)
    # Makes a notification about the same thing for the same day (or the same event)
    # come once, however often the job that finds it runs.
    key = models.CharField(_("chiave"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)
    read_at = models.DateTimeField(_("letta il"), null=True, blank=True)
    # Waiting for the user's next daily digest; `digest` is the e-mail that carried it.
    digest_pending = models.BooleanField(_("da mettere nel riepilogo"), default=False)
    digest = models.ForeignKey(
        OutgoingEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("riepilogo"),
    )

    class Meta:
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~Q(key=""),
                name="notifications_once_per_key",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="notifications_count_positive"),
            models.CheckConstraint(
                condition=Q(link__startswith="/") & ~Q(link__startswith="//"),
                name="notifications_link_is_local",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notifications_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notifications_recent_idx"),
            models.Index(fields=["digest_pending", "recipient"], name="notifications_digest_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ×{self.count}"

    def get_absolute_url(self):
        return self.link

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def text(self) -> str:
        return summary(self.kind, self.count)


class EmailPreference(models.Model):
    """How one user wants one kind of notification by e-mail. No row: the kind's
    default (notifications/kinds.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("utente"),
    )
    kind = models.CharField(_("tipo"), max_length=40, choices=Kind.choices)
    delivery = models.CharField(_("e-mail"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("preferenza di notifica")
        verbose_name_plural = _("preferenze di notifica")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_one_pref_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_delivery_display()}"


class KnownBrowser(models.Model):
    """A browser the user has logged in from: a long-lived signed cookie holds a random
    token, of which only the hash is kept here. A login from a browser that is not
    known, by a user who has logged in before, is notified to the user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="known_browsers",
        verbose_name=_("utente"),
    )
    token_hash = models.CharField(_("impronta"), max_length=64)
    first_seen = models.DateTimeField(_("primo accesso"), default=timezone.now)
    last_seen = models.DateTimeField(_("ultimo accesso"), default=timezone.now)

    class Meta:
        verbose_name = _("browser conosciuto")
        verbose_name_plural = _("browser conosciuti")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token_hash"], name="notifications_browser_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.token_hash[:8]}"


class ScheduledRun(models.Model):
    """One daily job on one day (network's time zone): the row is claimed before the
    job runs, so a job runs once a day however many times the scheduler is started."""

    job = models.CharField(_("lavoro"), max_length=60)
    day = models.DateField(_("giorno"))
    started_at = models.DateTimeField(_("iniziato il"), default=timezone.now)
    finished_at = models.DateTimeField(_("finito il"), null=True, blank=True)

    class Meta:
        verbose_name = _("lavoro programmato eseguito")
        verbose_name_plural = _("lavori programmati eseguiti")
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="notifications_job_once_a_day")
        ]

    def __str__(self):
        return f"{self.job} {self.day}"
