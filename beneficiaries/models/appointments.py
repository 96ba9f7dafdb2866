"""Appointments (appuntamenti): what the social workers plan to do with a household —
interviews, home visits, accompaniments (job centre, questura, school), group
activities, équipe meetings, reviews — with the staff involved, the members expected,
the interpreter or cultural mediator, and, once it has happened, the diary entry it
became. Rooms are the organisations' meeting rooms, booked by appointments."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.cases import Case
from beneficiaries.models.households import Household, Person
from beneficiaries.models.pathway import CaseNote
from core.models import TimeStampedModel
from partners.models import Organisation


class Room(TimeStampedModel):
    """A room of an organisation where interviews and meetings are held (set up in the
    Django admin). An appointment books it: a room is never booked twice at once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("ente")
    )
    name = models.CharField(_("nome"), max_length=100)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in uso"), default=True)

    class Meta:
        verbose_name = _("stanza")
        verbose_name_plural = _("stanze")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="room_unique_name_per_organisation",
                violation_error_message=_("L'ente ha già una stanza con questo nome."),
            )
        ]

    def __str__(self):
        return f"{self.name} · {self.organisation.display_name}"


class Appointment(TimeStampedModel):
    """An appointment of a case (or, for a group activity, of a case and other
    households): kind, when, where, who of the staff and of the household, whether an
    interpreter or cultural mediator is needed and booked, and how it went. Recording
    the outcome writes the diary entry (`diary_note`)."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Colloquio")
        HOME_VISIT = "home_visit", _("Visita domiciliare")
        JOB_CENTRE = "job_centre", _("Accompagnamento al centro per l'impiego")
        QUESTURA = "questura", _("Accompagnamento in questura (permesso di soggiorno)")
        SCHOOL = "school", _("Accompagnamento a scuola")
        ACCOMPANIMENT = "accompaniment", _("Altro accompagnamento")
        GROUP_ACTIVITY = "group_activity", _("Attività di gruppo")
        TEAM_MEETING = "team_meeting", _("Riunione d'équipe")
        REVIEW = "review", _("Verifica del progetto")

    class Place(models.TextChoices):
        OFFICE = "office", _("In sede")
        HOME = "home", _("A casa del nucleo")
        OUTSIDE = "outside", _("Fuori sede")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Previsto")
        HELD = "held", _("Svolto")
        NOT_HELD = "not_held", _("Non svolto")
        CANCELLED = "cancelled", _("Annullato")

    class NotHeldReason(models.TextChoices):
        NO_SHOW = "no_show", _("Il nucleo non si è presentato")
        HOUSEHOLD_CANCELLED = "household_cancelled", _("Disdetto dal nucleo all'ultimo momento")
        INTERPRETER_MISSING = "interpreter_missing", _("Mancava l'interprete o il mediatore")
        STAFF_UNAVAILABLE = "staff_unavailable", _("Operatore non disponibile")
        OTHER = "other", _("Altro motivo")

    # The diary kind each appointment becomes.
    DIARY_KINDS = {
        Kind.INTERVIEW: CaseNote.Kind.INTERVIEW,
        Kind.HOME_VISIT: CaseNote.Kind.HOME_VISIT,
        Kind.JOB_CENTRE: CaseNote.Kind.ACCOMPANIMENT,
        Kind.QUESTURA: CaseNote.Kind.ACCOMPANIMENT,
        Kind.SCHOOL: CaseNote.Kind.ACCOMPANIMENT,
        Kind.ACCOMPANIMENT: CaseNote.Kind.ACCOMPANIMENT,
        Kind.GROUP_ACTIVITY: CaseNote.Kind.GROUP_ACTIVITY,
        Kind.TEAM_MEETING: CaseNote.Kind.TEAM_MEETING,
        Kind.REVIEW: CaseNote.Kind.INTERVIEW,
    }
    # A missed appointment (counted on the case): the household did not come.
    MISSED_REASONS = (NotHeldReason.NO_SHOW, NotHeldReason.HOUSEHOLD_CANCELLED)
    # What occupies a worker or a room (a cancelled appointment frees both).
    BUSY_STATUSES = (Status.PLANNED, Status.HELD)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name=_("presa in carico"),
    )
    households = models.ManyToManyField(
        Household,
        blank=True,
        related_name="group_appointments",
        verbose_name=_("altri nuclei partecipanti"),
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("inizio"))
    duration_minutes = models.PositiveSmallIntegerField(_("durata (minuti)"))
    # Kept with the start (starts_at + duration) so that the database finds overlaps.
    ends_at = models.DateTimeField(_("fine"))
    place = models.CharField(_("luogo"), max_length=10, choices=Place.choices)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("stanza"),
    )
    place_details = models.CharField(
        _("dove"), max_length=200, blank=True, help_text=_("L'indirizzo o l'ufficio, fuori sede.")
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="appointments", verbose_name=_("operatori coinvolti")
    )
    members = models.ManyToManyField(
        Person, blank=True, related_name="appointments", verbose_name=_("componenti attesi")
    )
    interpreter_needed = models.BooleanField(_("serve un interprete o mediatore"), default=False)
    interpreter_language = models.CharField(_("lingua"), max_length=80, blank=True)
    interpreter_booked = models.BooleanField(_("interprete o mediatore prenotato"), default=False)
    interpreter_name = models.CharField(
        _("interprete o mediatore (nome o ente)"), max_length=150, blank=True
    )
    notes = models.TextField(
        _("note per gli operatori"),
        blank=True,
        help_text=_("Solo per il personale: il nucleo non le vede."),
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    not_held_reason = models.CharField(
        _("motivo"), max_length=20, choices=NotHeldReason.choices, blank=True
    )
    interpreter_used = models.BooleanField(_("interprete presente"), null=True, blank=True)
    diary_note = models.OneToOneField(
        CaseNote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
        verbose_name=_("nota di diario"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pianificato da"),
    )

    class Meta:
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="appointment_duration_in_a_day",
                violation_error_message=_("La durata va da 1 minuto a 24 ore."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointment_ends_after_start",
                violation_error_message=_("L'appuntamento deve finire dopo l'inizio."),
            ),
            models.CheckConstraint(
                condition=Q(room__isnull=True) | Q(place="office"),
                name="appointment_room_only_in_office",
                violation_error_message=_(
                    "Una stanza si prenota solo per un appuntamento in sede."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="not_held", not_held_reason__gt="")
                | (~Q(status="not_held") & Q(not_held_reason="")),
                name="appointment_not_held_has_reason",
                violation_error_message=_("Indica perché l'appuntamento non si è svolto."),
            ),
            models.CheckConstraint(
                condition=Q(interpreter_booked=False) | Q(interpreter_needed=True),
                name="appointment_booked_interpreter_is_needed",
                violation_error_message=_(
                    "Si prenota un interprete solo se serve: indica che serve."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at"], name="appointment_starts_at"),
            models.Index(fields=["case", "starts_at"], name="appointment_case_start"),
            models.Index(fields=["room", "starts_at"], name="appointment_room_start"),
        ]

    def __str__(self):
        when = timezone.localtime(self.starts_at) if self.starts_at else None
        text = formats.date_format(when, "SHORT_DATETIME_FORMAT") if when else ""
        return f"{self.get_kind_display()} · {text}"

    def get_absolute_url(self):
        return reverse("beneficiaries:appointment_detail", kwargs={"public_id": self.public_id})

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_missed(self) -> bool:
        return self.status == self.Status.NOT_HELD and self.not_held_reason in self.MISSED_REASONS

    @property
    def lacked_interpreter(self) -> bool:
        return self.interpreter_needed and self.interpreter_used is False

    def place_label(self) -> str:
        """Where, as the household may be told: the room, home, or the place outside."""
        if self.place == self.Place.OFFICE and self.room_id:
            return str(self.room)
        if self.place == self.Place.OUTSIDE and self.place_details:
            return self.place_details
        return str(self.get_place_display())

    def set_end(self) -> None:
        if self.starts_at and self.duration_minutes:
            self.ends_at = self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class CalendarFeed(TimeStampedModel):
    """A worker's private calendar feed (iCalendar) for the phone's calendar: reached by
    a secret link whose token is kept only as a hash; the worker resets it at will, and
    chooses whether the household's name goes into it (by default only the kind and a
    reference of the case)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("operatore"),
    )
    token_hash = models.CharField(_("impronta del codice"), max_length=64, unique=True)
    include_names = models.BooleanField(
        _("nomi nel calendario"),
        default=False,
        help_text=_(
            "Mostra il nome della persona di riferimento del nucleo e l'indirizzo fuori sede."
        ),
    )

    class Meta:
        verbose_name = _("calendario personale")
        verbose_name_plural = _("calendari personali")

    def __str__(self):
        return str(_("Calendario di %(user)s") % {"user": self.user})
