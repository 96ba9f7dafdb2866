"""The household's own view of its pathway ("Il mio percorso"): the accesses a worker
gives to adult members, what the members write to their workers, and how they rate
themselves on the network's autonomy scale.

A member is not a user of Abitare: it has no account and no password. It comes in
through a one-time link (or its QR code) that a worker of the case hands it, and on the
same phone later with a short PIN. Nothing secret is stored in clear: the link's token
and the device's key only as SHA-256 digests, the PIN with Django's password hashers."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Case, Consent, Person

# The languages of the household view (the staff pages stay in Italian and English).
# Each named in its own language: a person looks for the name they read.
LANGUAGES = [
    ("it", "Italiano"),
    ("en", "English"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("uk", "Українська"),
]
LANGUAGE_CODES = frozenset(code for code, _name in LANGUAGES)


class HouseholdAccess(models.Model):
    """An adult member's access to its household's view, given by a worker of the case.

    The link works once and only until `link_expires_at`; opening it starts a session
    limited to the household view, in which the member may set a PIN for this phone
    (the phone keeps a signed cookie naming the access and a random key). Wrong PINs
    lock the access for a while (`locked_until`). The access ends when revoked, and by
    itself some time after the case closes (`ends_on`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="household_accesses",
        verbose_name=_("presa in carico"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="household_accesses",
        verbose_name=_("componente"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creato da"),
    )
    issued_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    link_token_hash = models.CharField(
        _("impronta del link"), max_length=64, unique=True, editable=False
    )
    link_expires_at = models.DateTimeField(_("il link scade il"))
    opened_at = models.DateTimeField(_("aperto la prima volta il"), null=True, blank=True)
    device_key_hash = models.CharField(
        _("impronta della chiave del telefono"), max_length=64, blank=True, editable=False
    )
    pin_hash = models.CharField(_("impronta del PIN"), max_length=128, blank=True, editable=False)
    pin_set_at = models.DateTimeField(_("PIN impostato il"), null=True, blank=True)
    failed_pin_attempts = models.PositiveSmallIntegerField(_("PIN errati di fila"), default=0)
    locked_until = models.DateTimeField(_("bloccato fino al"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("ultimo uso"), null=True, blank=True)
    language = models.CharField(
        _("lingua"), max_length=8, choices=LANGUAGES, default=settings.LANGUAGE_CODE
    )
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revocato da"),
    )

    class Meta:
        verbose_name = _("accesso del nucleo a «Il mio percorso»")
        verbose_name_plural = _("accessi del nucleo a «Il mio percorso»")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(failed_pin_attempts__gte=0),
                name="household_access_failures_not_negative",
            ),
        ]

    def __str__(self):
        return str(_("Accesso di %(name)s a «Il mio percorso»") % {"name": self.person.first_name})

    def ends_on(self) -> datetime.date | None:
        """The last day the access works because the case closed (a grace period for
        the follow-ups), or None while the case is open."""
        closed_on = self.case.closed_on
        if closed_on is None:
            return None
        return closed_on + datetime.timedelta(days=settings.HOUSEHOLD_ACCESS_GRACE_DAYS)

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        """Whether the access may be used at all (not revoked, the case not closed for
        longer than the grace period, the person still of the household)."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        if self.person.household_id != self.case.household_id:
            return False
        end = self.ends_on()
        return end is None or timezone.localdate(now) <= end

    def link_is_usable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opened_at is None and self.link_expires_at > now and self.is_active(now)

    def is_locked(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.locked_until is not None and self.locked_until > now


class MemberMessage(models.Model):
    """What a member writes to its workers from its view: a short message, or a request
    to withdraw one of the household's consents (which changes nothing by itself: the
    worker records the withdrawal). It reaches the workers as a notification; it is
    not a diary note."""

    access = models.ForeignKey(
        HouseholdAccess,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("accesso"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("presa in carico")
    )
    sent_at = models.DateTimeField(_("inviato il"), auto_now_add=True)
    text = models.TextField(_("messaggio"), max_length=1000, blank=True)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consenso da revocare"),
    )

    class Meta:
        verbose_name = _("messaggio dal nucleo")
        verbose_name_plural = _("messaggi dal nucleo")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") | Q(consent__isnull=False),
                name="member_message_says_something",
            ),
        ]

    def __str__(self):
        if self.consent_id:
            return str(_("Richiesta di revoca di un consenso"))
        return str(_("Messaggio dal nucleo"))

    def staff_url(self) -> str:
        """Where the workers read it (the page checks their access again)."""
        return reverse("household_access:list", kwargs={"public_id": self.case.public_id})


class SelfAssessment(models.Model):
    """A member's rating of its own autonomy on the network's scale (beneficiaries.
    autonomy: the same ten domains and five levels), shown to the worker beside the
    worker's own assessment and marked as the member's. Kept apart from
    AutonomyAssessment on purpose: the dashboard's indicators count the workers'
    assessments only."""

    access = models.ForeignKey(
        HouseholdAccess,
        on_delete=models.CASCADE,
        related_name="self_assessments",
        verbose_name=_("accesso"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("presa in carico")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("componente")
    )
    taken_at = models.DateTimeField(_("il"), auto_now_add=True)
    # {domain: level}, the domains of beneficiaries.autonomy.Domain, levels 1 to 5.
    levels = models.JSONField(_("livelli"), default=dict)

    class Meta:
        verbose_name = _("autovalutazione del nucleo")
        verbose_name_plural = _("autovalutazioni del nucleo")
        ordering = ["-taken_at", "-id"]

    def __str__(self):
        return str(_("Autovalutazione del nucleo"))
