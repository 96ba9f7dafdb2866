"""Housing stock and placements (inserimenti).

The invariant of this app: on no day do the people placed in a unit exceed its capacity.
The services keep it (housing/services.py, inside a transaction that locks the unit);
on PostgreSQL the database keeps it as well, through PlaceOccupancy and the constraints
of migration 0002 (see housing/postgres.py).
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Case as SupportCase
from beneficiaries.models import (
    DestinationGroup,
    ExitDestination,
    Household,
    Person,
    destination_group,
)
from core.models import TimeStampedModel
from partners.models import Organisation
from projects.models import Project


class Property(TimeStampedModel):
    """A property (immobile): a building or a house the network uses for housing, with its
    owner and the organisation that manages it day to day. Its units are the places."""

    name = models.CharField(
        _("nome"),
        max_length=120,
        help_text=_("Come lo chiama l'équipe, per esempio «Casa Aurora»."),
    )
    address = models.CharField(_("indirizzo"), max_length=255)
    town = models.CharField(_("comune"), max_length=100)
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="properties_located",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
        verbose_name=_("comune della rete"),
        help_text=_("Il comune, se fa parte della rete."),
    )
    owner = models.CharField(
        _("proprietà"),
        max_length=200,
        help_text=_("Chi possiede l'immobile (ente, ALER, privato...)."),
    )
    managing_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="managed_properties",
        verbose_name=_("ente gestore"),
    )
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("immobile")
        verbose_name_plural = _("immobili")
        ordering = ["town", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["address", "town"],
                name="property_unique_address",
                violation_error_message=_("Esiste già un immobile a questo indirizzo."),
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.town}"

    def get_absolute_url(self):
        return reverse("housing:property_board", kwargs={"pk": self.pk})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.municipality_id and self.municipality.kind != Organisation.Kind.MUNICIPALITY:
            raise ValidationError({"municipality": _("Scegli un comune.")})


class HousingUnit(TimeStampedModel):
    """A housing unit (unità abitativa): an apartment, a room or a place in a co-housing,
    serving one project, with its capacity in people."""

    class Kind(models.TextChoices):
        APARTMENT = "apartment", _("Appartamento")
        ROOM = "room", _("Stanza")
        COHOUSING_PLACE = "cohousing_place", _("Posto in co-housing")

    class State(models.TextChoices):
        AVAILABLE = "available", _("Disponibile")
        MAINTENANCE = "maintenance", _("In manutenzione")
        CLOSED = "closed", _("Chiuso")

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="units", verbose_name=_("immobile")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="housing_units", verbose_name=_("progetto")
    )
    name = models.CharField(
        _("denominazione"), max_length=100, help_text=_("Per esempio «Appartamento 2B».")
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    capacity = models.PositiveSmallIntegerField(
        _("posti"),
        validators=[MinValueValidator(1, _("Un alloggio ha almeno un posto."))],
        help_text=_("Quante persone può ospitare."),
    )
    step_free = models.BooleanField(
        _("accessibile senza gradini"),
        default=False,
        help_text=_("Si raggiunge senza scale (piano terra o ascensore)."),
    )
    accessible_bathroom = models.BooleanField(_("bagno accessibile"), default=False)
    state = models.CharField(
        _("stato"), max_length=20, choices=State.choices, default=State.AVAILABLE
    )
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("unità abitativa")
        verbose_name_plural = _("unità abitative")
        ordering = ["property__town", "property__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "name"],
                name="housing_unit_unique_name",
                violation_error_message=_("L'immobile ha già un'unità con questo nome."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="housing_unit_capacity_positive",
                violation_error_message=_("Un alloggio ha almeno un posto."),
            ),
        ]

    def __str__(self):
        return f"{self.property.name} · {self.name}"

    def get_absolute_url(self):
        return reverse("housing:unit_detail", kwargs={"pk": self.pk})

    # (No @property here: the field called `property` shadows the builtin in this class.)
    def takes_people(self) -> bool:
        return self.state == self.State.AVAILABLE


class Placement(TimeStampedModel):
    """A placement (inserimento): a household, or some of its members, living in a unit
    from a start date, under a hosting agreement (patto di accoglienza), until it ends
    with an exit reason and a destination. End dates are the last night in the unit."""

    class ExitReason(models.TextChoices):
        AUTONOMY = "autonomy", _("Autonomia abitativa raggiunta")
        MAX_STAY = "max_stay", _("Fine della permanenza massima")
        MOVED = "moved", _("Trasferimento in un altro alloggio della rete")
        VOLUNTARY = "voluntary", _("Uscita volontaria")
        AGREEMENT_BREACH = "agreement_breach", _("Violazione del patto di accoglienza")
        OTHER = "other", _("Altro")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="placements", verbose_name=_("nucleo")
    )
    case = models.ForeignKey(
        SupportCase,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("presa in carico"),
    )
    unit = models.ForeignKey(
        HousingUnit, on_delete=models.PROTECT, related_name="placements", verbose_name=_("alloggio")
    )
    members = models.ManyToManyField(
        Person, related_name="placements", verbose_name=_("persone inserite")
    )
    start_date = models.DateField(_("data di ingresso"))
    planned_end_date = models.DateField(_("fine prevista"), null=True, blank=True)
    planned_end_reason = models.TextField(
        _("motivo della fine prevista diversa"),
        blank=True,
        help_text=_("Obbligatorio se la fine prevista non segue la permanenza massima."),
    )
    agreement_signed_on = models.DateField(
        _("patto di accoglienza firmato il"), null=True, blank=True
    )
    monthly_contribution = models.DecimalField(
        _("quota di compartecipazione mensile (€)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[
            MinValueValidator(0, _("La quota di compartecipazione non può essere negativa."))
        ],
    )
    end_date = models.DateField(_("data di uscita"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motivo dell'uscita"), max_length=30, choices=ExitReason.choices, blank=True
    )
    destination = models.CharField(
        _("destinazione"), max_length=30, choices=ExitDestination.choices, blank=True
    )
    exit_notes = models.TextField(_("note sull'uscita"), blank=True)
    out_of_order = models.BooleanField(
        _("fuori ordine"),
        default=False,
        help_text=_("Inserito prima del primo nucleo compatibile della lista d'attesa."),
    )
    out_of_order_reason = models.TextField(
        _("motivo dell'inserimento fuori ordine"),
        blank=True,
        help_text=_(
            "Perché si è inserito questo nucleo e non il primo compatibile della lista "
            "d'attesa. Vuoto quando l'inserimento ha seguito l'ordine della lista."
        ),
    )
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("trasferito da"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("inserimento")
        verbose_name_plural = _("inserimenti")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_end_after_start",
                violation_error_message=_("L'uscita non può precedere l'ingresso."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True)
                | Q(planned_end_date__gte=F("start_date")),
                name="placement_planned_end_after_start",
                violation_error_message=_("La fine prevista non può precedere l'ingresso."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_contribution__gte=0),
                name="placement_contribution_not_negative",
                violation_error_message=_("La quota di compartecipazione non può essere negativa."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, exit_reason="", destination="")
                | (Q(end_date__isnull=False) & ~Q(exit_reason="")),
                name="placement_exit_reason_iff_ended",
                violation_error_message=_("Un'uscita ha sempre una data e un motivo."),
            ),
            models.CheckConstraint(
                condition=Q(out_of_order=True) | Q(out_of_order_reason=""),
                name="placement_reason_only_out_of_order",
                violation_error_message=_(
                    "Il motivo si indica solo per un inserimento fuori ordine."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(exit_reason="moved") | ~Q(destination=""),
                name="placement_exit_has_destination",
                violation_error_message=_("Indica la destinazione dopo l'uscita."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "start_date"], name="placement_unit_start"),
            # "La mia giornata" reads the first current placements by planned end and by
            # start (the maximum stays), testing each one's case: walked in order
            # instead of sorting every current placement of the network.
            models.Index(
                fields=["planned_end_date", "id"],
                condition=Q(end_date__isnull=True),
                name="placement_current_planned_end",
            ),
            models.Index(
                fields=["start_date", "id"],
                condition=Q(end_date__isnull=True),
                name="placement_current_start",
            ),
            # The next placement of a move (the reporting follows a stay from unit to
            # unit). The unique index of moved_from is there too, but almost every row
            # is NULL in it, so SQLite's statistics (ANALYZE) rate it useless and it
            # scanned the whole table for each stay (the reporting page at 20,000
            # households on SQLite did not finish in 10 minutes): an index of the moves
            # alone.
            models.Index(
                fields=["moved_from"],
                condition=Q(moved_from__isnull=False),
                name="placement_moved_from",
            ),
        ]

    def __str__(self):
        return str(
            _("Inserimento di %(household)s in %(unit)s")
            % {"household": self.household, "unit": self.unit}
        )

    def get_absolute_url(self):
        return reverse("housing:placement_detail", kwargs={"public_id": self.public_id})

    def get_destination_group_display(self) -> str:
        if not self.destination:
            return ""
        return DestinationGroup(destination_group(self.destination)).label

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)

    def days_left(self, today: datetime.date | None = None) -> int | None:
        """Days until the planned end (negative once it has passed), or None."""
        if self.planned_end_date is None:
            return None
        return (self.planned_end_date - (today or timezone.localdate())).days

    def days_past_planned_end(self, today: datetime.date | None = None) -> int:
        """Days the household has stayed beyond the planned end (0 if not beyond it)."""
        left = self.days_left(today)
        return max(-left, 0) if left is not None else 0

    def is_overstay(self, today: datetime.date | None = None) -> bool:
        """Still in the unit after the planned end."""
        today = today or timezone.localdate()
        return (
            self.planned_end_date is not None
            and self.planned_end_date < today
            and (self.end_date is None or self.end_date >= today)
        )


class PlaceOccupancy(models.Model):
    """One person on one place of a unit over a period: the rows the database checks.

    The services write these from placements, never by hand. A unit with capacity N has
    places 1..N; on PostgreSQL an exclusion constraint refuses two people on the same
    place on the same day, another refuses a person in two places on the same day, and
    a trigger refuses a place beyond the unit's capacity (housing/postgres.py). A person
    may move between places of a unit during a stay: one row per stretch."""

    unit = models.ForeignKey(
        HousingUnit,
        on_delete=models.PROTECT,
        related_name="occupancies",
        verbose_name=_("alloggio"),
    )
    slot = models.PositiveSmallIntegerField(_("posto"))
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="occupancies",
        verbose_name=_("inserimento"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="place_occupancies",
        verbose_name=_("persona"),
    )
    start_date = models.DateField(_("dal"))
    end_date = models.DateField(_("al"), null=True, blank=True)

    class Meta:
        verbose_name = _("occupazione di un posto")
        verbose_name_plural = _("occupazioni dei posti")
        ordering = ["unit", "slot", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot__gte=1),
                name="place_occupancy_slot_positive",
                violation_error_message=_("I posti si contano da 1."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="place_occupancy_end_after_start",
                violation_error_message=_("La fine non può precedere l'inizio."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "start_date"], name="occupancy_unit_start"),
            models.Index(fields=["person", "start_date"], name="occupancy_person_start"),
            # "Is this household housed today or later?" per waiting-list entry
            # (selectors._housed): an index-only look-up of each member's stays.
            models.Index(fields=["person", "end_date"], name="occupancy_person_end"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.slot} · {self.start_date}–{self.end_date or ''}"


# The contribution ledger (quota di compartecipazione) --------------------------------
#
# Charges and payments are a ledger: rows are written once and never changed or deleted
# (services only create; the admin is read-only). A payment recorded by mistake is
# undone by a reversing entry; what a household owes is always the sum of the rows.
# The arithmetic (pro rata, allocation to the oldest charges, ageing) is housing/ledger.py.

MONEY = {"max_digits": 10, "decimal_places": 2}


class LedgerRow(models.Model):
    """A row of the contribution ledger: financial data. Its audit events are marked so
    (core.audit), and the household's history shows them only to who may read the
    contributions of the case (core.access.Access.contribution_cases_q)."""

    is_financial = True

    class Meta:
        abstract = True


class ContributionChange(LedgerRow, TimeStampedModel):
    """A new monthly contribution from a date on (the placement's own amount holds from
    its start until the first change)."""

    placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        related_name="contribution_changes",
        verbose_name=_("inserimento"),
    )
    effective_from = models.DateField(_("dal"))
    monthly_amount = models.DecimalField(_("nuova quota mensile (€)"), **MONEY)
    reason = models.TextField(_("motivo"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("variazione della quota")
        verbose_name_plural = _("variazioni della quota")
        ordering = ["placement", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "effective_from"],
                name="contribution_change_one_per_day",
                violation_error_message=_("C'è già una variazione della quota da quel giorno."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0),
                name="contribution_change_not_negative",
                violation_error_message=_("La quota di compartecipazione non può essere negativa."),
            ),
        ]

    def __str__(self):
        return str(_("Quota dal %(day)s") % {"day": self.effective_from})


class ContributionSuspension(LedgerRow, TimeStampedModel):
    """Days on which no contribution is due, for a documented reason (loss of work, a
    hospital stay, a decision of the équipe). Both dates included; no end: until further
    notice."""

    placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        related_name="contribution_suspensions",
        verbose_name=_("inserimento"),
    )
    start_date = models.DateField(_("dal"))
    end_date = models.DateField(_("al"), null=True, blank=True)
    reason = models.TextField(_("motivo"))
    document_reference = models.CharField(
        _("documento"),
        max_length=120,
        help_text=_("Il documento che motiva la sospensione (verbale d'équipe, protocollo...)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("sospensione della quota")
        verbose_name_plural = _("sospensioni della quota")
        ordering = ["placement", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="contribution_suspension_end_after_start",
                violation_error_message=_("La fine non può precedere l'inizio."),
            ),
        ]

    def __str__(self):
        return str(_("Sospensione dal %(day)s") % {"day": self.start_date})


class ContributionCharge(LedgerRow):
    """The contribution due for one month of a placement (addebito): the days in the
    unit that month, less the suspended ones, at the amount in force on each day. One
    per placement and month, written by `charges_generate` and never changed."""

    placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        related_name="contribution_charges",
        verbose_name=_("inserimento"),
    )
    month = models.DateField(_("mese"), help_text=_("Il primo giorno del mese."))
    amount = models.DecimalField(_("importo (€)"), **MONEY)
    days_charged = models.PositiveSmallIntegerField(_("giorni addebitati"))
    days_in_month = models.PositiveSmallIntegerField(_("giorni del mese"))
    due_on = models.DateField(_("scadenza"))
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,  # the scheduled job charges on nobody's behalf
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("addebito della quota")
        verbose_name_plural = _("addebiti della quota")
        ordering = ["placement", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "month"],
                name="contribution_charge_one_per_month",
                violation_error_message=_("Il mese è già stato addebitato."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="contribution_charge_not_negative",
                violation_error_message=_("Un addebito non può essere negativo."),
            ),
            models.CheckConstraint(
                condition=Q(days_charged__lte=F("days_in_month")),
                name="contribution_charge_days_within_month",
                violation_error_message=_("I giorni addebitati superano quelli del mese."),
            ),
        ]
        indexes = [models.Index(fields=["placement", "due_on"], name="charge_placement_due")]

    def __str__(self):
        return str(_("Quota di %(month)s") % {"month": self.month.strftime("%m/%Y")})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("Il mese si indica con il suo primo giorno.")})

    @property
    def is_pro_rata(self) -> bool:
        return self.days_charged < self.days_in_month


class ArrearsFlag(LedgerRow, TimeStampedModel):
    """Months whose unpaid contribution is not the household's fault (a public
    contribution paid late, an error of the office): the arrears stay in the balance,
    shown apart, and are not held against the household."""

    placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        related_name="arrears_flags",
        verbose_name=_("inserimento"),
    )
    first_month = models.DateField(_("dal mese"))
    last_month = models.DateField(_("al mese"), null=True, blank=True)
    reason = models.TextField(_("motivo"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("morosità non imputabile al nucleo")
        verbose_name_plural = _("morosità non imputabili al nucleo")
        ordering = ["placement", "first_month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_month__isnull=True) | Q(last_month__gte=F("first_month")),
                name="arrears_flag_end_after_start",
                violation_error_message=_("La fine non può precedere l'inizio."),
            ),
        ]

    def __str__(self):
        return str(
            _("Non imputabile dal %(month)s") % {"month": self.first_month.strftime("%m/%Y")}
        )

    def covers(self, month: datetime.date) -> bool:
        return self.first_month <= month and (self.last_month is None or month <= self.last_month)


class RepaymentPlan(LedgerRow, TimeStampedModel):
    """A repayment plan (piano di rientro): the arrears agreed with the household, paid
    back in instalments on top of the monthly contribution."""

    placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        related_name="repayment_plans",
        verbose_name=_("inserimento"),
    )
    agreed_on = models.DateField(_("concordato il"))
    total = models.DecimalField(_("importo concordato (€)"), **MONEY)
    notes = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("piano di rientro")
        verbose_name_plural = _("piani di rientro")
        ordering = ["placement", "-agreed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gt=0),
                name="repayment_plan_total_positive",
                violation_error_message=_("L'importo del piano deve essere positivo."),
            ),
        ]

    def __str__(self):
        return str(_("Piano di rientro del %(day)s") % {"day": self.agreed_on})


class RepaymentInstalment(LedgerRow):
    """One instalment (rata) of a repayment plan. It is paid by the payments recorded
    against it."""

    plan = models.ForeignKey(
        RepaymentPlan,
        on_delete=models.PROTECT,
        related_name="instalments",
        verbose_name=_("piano di rientro"),
    )
    number = models.PositiveSmallIntegerField(_("rata n."))
    due_on = models.DateField(_("scadenza"))
    amount = models.DecimalField(_("importo (€)"), **MONEY)

    class Meta:
        verbose_name = _("rata del piano di rientro")
        verbose_name_plural = _("rate del piano di rientro")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="repayment_instalment_unique_number",
                violation_error_message=_("Il piano ha già una rata con questo numero."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="repayment_instalment_amount_positive",
                violation_error_message=_("L'importo della rata deve essere positivo."),
            ),
        ]

    def __str__(self):
        return str(_("Rata %(number)d del %(day)s") % {"number": self.number, "day": self.due_on})


class Payment(LedgerRow):
    """A payment of the contribution (pagamento), allocated to the oldest charges first.
    A mistake is corrected by a reversing entry: a row with the opposite amount that
    points to the one it cancels; the original stays."""

    class Method(models.TextChoices):
        CASH = "cash", _("Contanti")
        TRANSFER = "transfer", _("Bonifico")
        CARD = "card", _("Carta / POS")
        POSTAL = "postal", _("Bollettino postale")
        OTHER = "other", _("Altro")

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="payments", verbose_name=_("inserimento")
    )
    paid_on = models.DateField(_("data del pagamento"))
    amount = models.DecimalField(_("importo (€)"), **MONEY)
    method = models.CharField(_("modalità"), max_length=20, choices=Method.choices)
    receipt_number = models.CharField(_("numero di ricevuta"), max_length=50)
    notes = models.TextField(_("note"), blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("storna il pagamento"),
    )
    instalment = models.ForeignKey(
        RepaymentInstalment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("rata del piano di rientro"),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("pagamento della quota")
        verbose_name_plural = _("pagamenti della quota")
        ordering = ["placement", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="payment_positive_or_reversal",
                violation_error_message=_(
                    "Un pagamento è positivo; solo uno storno ha l'importo negativo."
                ),
            ),
        ]
        indexes = [models.Index(fields=["placement", "paid_on"], name="payment_placement_paid")]

    def __str__(self):
        if self.reverses_id:
            return str(_("Storno della ricevuta %(receipt)s") % {"receipt": self.receipt_number})
        return str(_("Pagamento, ricevuta %(receipt)s") % {"receipt": self.receipt_number})

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class PlacementRenewal(TimeStampedModel):
    """A renewal (proroga) of a temporary-housing placement beyond its planned end: the
    team asks for some more months and the project decides, with a reason. A granted
    renewal moves the placement's planned end by its months; a refused one is kept too,
    because the Ambito's monitoring counts the decisions (C.A.Se Desio's rules)."""

    class Decision(models.TextChoices):
        GRANTED = "granted", _("Concessa")
        REFUSED = "refused", _("Non concessa")

    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="renewals",
        verbose_name=_("inserimento"),
    )
    months = models.PositiveSmallIntegerField(
        _("mesi di proroga"), validators=[MinValueValidator(1, _("Almeno un mese."))]
    )
    decision = models.CharField(_("decisione"), max_length=10, choices=Decision.choices)
    decided_on = models.DateField(_("decisa il"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decisa da"),
    )
    reason = models.TextField(_("motivazione"))
    previous_end_date = models.DateField(_("fine prevista prima della proroga"), null=True)
    new_end_date = models.DateField(_("nuova fine prevista"), null=True, blank=True)

    class Meta:
        verbose_name = _("proroga dell'inserimento")
        verbose_name_plural = _("proroghe degli inserimenti")
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=1),
                name="renewal_at_least_one_month",
                violation_error_message=_("Una proroga dura almeno un mese."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="renewal_has_reason",
                violation_error_message=_("Indica la motivazione della decisione."),
            ),
        ]

    def __str__(self):
        return str(
            _("Proroga di %(months)s mesi (%(decision)s)")
            % {"months": self.months, "decision": self.get_decision_display()}
        )
