"""Intake: the referral (segnalazione) with its events, and the waiting list."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.ethos import ethos_field
from beneficiaries.models.households import Household
from core.models import TimeStampedModel
from partners.models import Organisation
from projects.models import Project


class Referral(TimeStampedModel):
    """A referral (segnalazione): an organisation, usually a municipality's social
    service, sends a household to a project with a reason and an urgency."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        SENT = "sent", _("Inviata")
        UNDER_ASSESSMENT = "under_assessment", _("In valutazione")
        ACCEPTED = "accepted", _("Accolta")
        DECLINED = "declined", _("Non accolta")
        WITHDRAWN = "withdrawn", _("Ritirata")

    class Urgency(models.TextChoices):
        LOW = "low", _("Bassa")
        MEDIUM = "medium", _("Media")
        HIGH = "high", _("Alta")
        EMERGENCY = "emergency", _("Emergenza")

    # Points of each urgency on the waiting list (see beneficiaries.selectors.waiting_list).
    URGENCY_POINTS = {
        Urgency.LOW: 0,
        Urgency.MEDIUM: 10,
        Urgency.HIGH: 25,
        Urgency.EMERGENCY: 50,
    }
    # Which state may follow which: the referral's whole life in one table.
    TRANSITIONS = {
        Status.DRAFT: {Status.SENT, Status.WITHDRAWN},
        Status.SENT: {Status.UNDER_ASSESSMENT, Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.UNDER_ASSESSMENT: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }
    OPEN_STATUSES = (Status.DRAFT, Status.SENT, Status.UNDER_ASSESSMENT)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("nucleo")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("progetto")
    )
    referring_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("ente inviante"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compilata da"),
    )
    reason = models.TextField(_("motivo dell'invio"))
    urgency = models.CharField(_("urgenza"), max_length=20, choices=Urgency.choices)
    ethos_light = ethos_field(_("situazione ETHOS Light alla segnalazione"))
    eligibility_answers = models.JSONField(
        _("risposte ai requisiti del progetto"),
        default=list,
        blank=True,
        help_text=_(
            "Le risposte alle domande di accesso del progetto, ciascuna con il testo della "
            "domanda come era quando è stata posta."
        ),
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decision_notes = models.TextField(_("motivazione della decisione"), blank=True)

    class Meta:
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_notes=""),
                name="referral_declined_has_reason",
                violation_error_message=_(
                    "Indica il motivo per cui la segnalazione non è accolta."
                ),
            ),
        ]
        # The referral list's order: PostgreSQL walks it and stops at the page's rows
        # instead of sorting every visible referral (151 -> 2 ms at national size,
        # docs/performance.md).
        # And the counts by status of the referrals a user may see, read from the indexes
        # alone, one per part of the scoping (Access.referral_parts).
        indexes = [
            models.Index(F("created_at").desc(), F("id").desc(), name="referral_list_order"),
            models.Index(
                fields=["project", "status", "referring_organisation"],
                name="referral_project_status",
            ),
            models.Index(
                fields=["referring_organisation", "status"], name="referral_sender_status"
            ),
        ]

    def __str__(self):
        return str(_("Segnalazione a %(project)s") % {"project": self.project.display_name})

    def get_absolute_url(self):
        return reverse("beneficiaries:referral_detail", kwargs={"public_id": self.public_id})

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class ReferralEvent(models.Model):
    """One change of state of a referral, with who made it and when."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("segnalazione")
    )
    from_status = models.CharField(
        _("da"), max_length=20, choices=Referral.Status.choices, blank=True
    )
    to_status = models.CharField(_("a"), max_length=20, choices=Referral.Status.choices)
    at = models.DateTimeField(_("quando"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chi"),
    )
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("passaggio di stato")
        verbose_name_plural = _("passaggi di stato")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class WaitingListEntry(TimeStampedModel):
    """A household on a project's waiting list, from the acceptance of its referral until
    it is placed or taken off the list."""

    class RemovalReason(models.TextChoices):
        PLACED = "placed", _("Inserito in alloggio")
        WITHDRAWN = "withdrawn", _("Rinuncia")
        NO_LONGER_ELIGIBLE = "not_eligible", _("Non più in possesso dei requisiti")
        CASE_CLOSED = "case_closed", _("Presa in carico chiusa senza inserimento")
        OTHER = "other", _("Altro")

    referral = models.OneToOneField(
        Referral,
        on_delete=models.CASCADE,
        related_name="waiting_list_entry",
        verbose_name=_("segnalazione"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="waiting_list", verbose_name=_("progetto")
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="waiting_list_entries"
    )
    added_on = models.DateField(_("in lista dal"))
    removed_on = models.DateField(_("uscito dalla lista il"), null=True, blank=True)
    removal_reason = models.CharField(
        _("motivo dell'uscita"), max_length=20, choices=RemovalReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("posizione in lista d'attesa")
        verbose_name_plural = _("lista d'attesa")
        ordering = ["added_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "household"],
                condition=Q(removed_on__isnull=True),
                name="waiting_list_one_entry_per_household",
                violation_error_message=_("Il nucleo è già in lista d'attesa per questo progetto."),
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.project.display_name}"
