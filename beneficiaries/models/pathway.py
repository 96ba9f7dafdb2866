"""The support pathway of a case: the individual plan (progetto individualizzato) with
its goals, actions and reviews, autonomy assessments, the diary, documents, the exit
(dimissione) with its one vocabulary of destinations, and the follow-ups."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case as SqlCase
from django.db.models import Q, Value, When
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import autonomy
from beneficiaries.documents import document_upload_to, private_storage
from beneficiaries.models.cases import Case
from beneficiaries.models.ethos import ethos_field
from beneficiaries.models.households import Household, Person
from core.dates import add_months
from core.models import TimeStampedModel
from core.validators import validate_document_expiry
from partners.models import Organisation


def _short_date(day) -> str:
    # Names of rows are read by people (and kept by the audit trail): 01/02/2026.
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


class LifeDomain(models.TextChoices):
    """The life domains in which a support plan sets its goals."""

    HOUSING = "housing", _("Casa")
    WORK = "work", _("Lavoro")
    INCOME = "income", _("Reddito e bilancio familiare")
    HEALTH = "health", _("Salute")
    CHILDREN = "children", _("Figli e scuola")
    DOCUMENTS = "documents", _("Documenti e situazione legale")
    LANGUAGE = "language", _("Lingua italiana")
    SOCIAL_NETWORK = "social_network", _("Rete sociale")
    HOME_CARE = "home_care", _("Cura della casa")


class SupportPlan(TimeStampedModel):
    """The individual support plan (progetto individualizzato) of a case: goals agreed
    with the household on a date, actions to reach them, reviews (verifiche) at a
    chosen interval."""

    class ReviewInterval(models.IntegerChoices):
        MONTHLY = 1, _("Ogni mese")
        BIMONTHLY = 2, _("Ogni due mesi")
        QUARTERLY = 3, _("Ogni tre mesi")
        FOUR_MONTHLY = 4, _("Ogni quattro mesi")
        SIX_MONTHLY = 6, _("Ogni sei mesi")

    case = models.OneToOneField(
        Case,
        on_delete=models.CASCADE,
        related_name="support_plan",
        verbose_name=_("presa in carico"),
    )
    agreed_on = models.DateField(
        _("concordato con il nucleo il"),
        help_text=_("Il giorno in cui il progetto è stato condiviso e firmato con il nucleo."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("frequenza delle verifiche"),
        choices=ReviewInterval.choices,
        default=ReviewInterval.QUARTERLY,
    )
    summary = models.TextField(
        _("obiettivo generale"),
        blank=True,
        help_text=_("In poche righe, dove il nucleo vuole arrivare."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scritto da"),
    )

    class Meta:
        verbose_name = _("progetto individualizzato")
        verbose_name_plural = _("progetti individualizzati")

    def __str__(self):
        return str(
            _("Progetto individualizzato del %(date)s") % {"date": _short_date(self.agreed_on)}
        )

    def get_absolute_url(self):
        return reverse("beneficiaries:plan_detail", kwargs={"public_id": self.case.public_id})

    def next_review_after(self, day: datetime.date) -> datetime.date:
        return add_months(day, self.review_interval_months)


class Goal(TimeStampedModel):
    """A goal (obiettivo) of a support plan, in one life domain. It ends achieved,
    partly achieved or abandoned; a goal still open when the case closes ends as the
    exit form says (by default, not reached at the exit)."""

    class Status(models.TextChoices):
        OPEN = "open", _("In corso")
        ACHIEVED = "achieved", _("Raggiunto")
        PARTLY_ACHIEVED = "partly_achieved", _("Raggiunto in parte")
        ABANDONED = "abandoned", _("Abbandonato")
        NOT_REACHED = "not_reached", _("Non raggiunto all'uscita")

    # How a goal may end: by hand during the case, or at the exit (NOT_REACHED only then).
    CLOSED_STATUSES = (
        Status.ACHIEVED,
        Status.PARTLY_ACHIEVED,
        Status.ABANDONED,
        Status.NOT_REACHED,
    )

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("progetto")
    )
    domain = models.CharField(_("ambito"), max_length=20, choices=LifeDomain.choices)
    description = models.TextField(_("obiettivo"))
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("concluso il"), null=True, blank=True)
    outcome_notes = models.TextField(_("note sull'esito"), blank=True)
    # Shown to the household in "Il mio percorso" (household_view/) only when the worker
    # shares it; never a health goal (a special category, another member may read it).
    visible_to_household = models.BooleanField(_("visibile al nucleo"), default=False)

    class Meta:
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_on__isnull=True))
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="goal_closed_has_date",
                violation_error_message=_("Un obiettivo concluso ha una data di conclusione."),
            ),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.description[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Action(TimeStampedModel):
    """An action (azione) toward a goal: what is done, who is responsible — a worker, a
    member of the household or a partner organisation — and by when."""

    class Responsible(models.TextChoices):
        WORKER = "worker", _("Operatore")
        HOUSEHOLD_MEMBER = "member", _("Componente del nucleo")
        ORGANISATION = "organisation", _("Ente partner")

    class Status(models.TextChoices):
        TO_DO = "to_do", _("Da fare")
        IN_PROGRESS = "in_progress", _("In corso")
        DONE = "done", _("Fatta")
        CANCELLED = "cancelled", _("Annullata")

    OPEN_STATUSES = (Status.TO_DO, Status.IN_PROGRESS)

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="actions", verbose_name=_("obiettivo")
    )
    description = models.CharField(_("azione"), max_length=300)
    responsible_kind = models.CharField(
        _("chi è responsabile"), max_length=20, choices=Responsible.choices
    )
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_actions",
        verbose_name=_("operatore responsabile"),
    )
    responsible_person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_actions",
        verbose_name=_("componente responsabile"),
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_actions",
        verbose_name=_("ente responsabile"),
    )
    due_on = models.DateField(_("entro il"))
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.TO_DO
    )
    done_on = models.DateField(_("fatta il"), null=True, blank=True)
    # Shown to the household (household_view/) only when shared, under a shared goal.
    visible_to_household = models.BooleanField(_("visibile al nucleo"), default=False)

    class Meta:
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        responsible_kind="worker",
                        responsible_worker__isnull=False,
                        responsible_person__isnull=True,
                        responsible_organisation__isnull=True,
                    )
                    | Q(
                        responsible_kind="member",
                        responsible_worker__isnull=True,
                        responsible_person__isnull=False,
                        responsible_organisation__isnull=True,
                    )
                    | Q(
                        responsible_kind="organisation",
                        responsible_worker__isnull=True,
                        responsible_person__isnull=True,
                        responsible_organisation__isnull=False,
                    )
                ),
                name="action_one_responsible",
                violation_error_message=_("Indica chi è responsabile dell'azione."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="action_done_has_date",
                violation_error_message=_("Un'azione fatta ha la data in cui è stata fatta."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="action_status_due")]

    def __str__(self):
        return self.description

    @property
    def responsible(self):
        return self.responsible_worker or self.responsible_person or self.responsible_organisation

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_on < today


class Review(TimeStampedModel):
    """A review (verifica) of a support plan: scheduled on a date, then held, with its
    outcome. Holding one schedules the next at the plan's interval."""

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("progetto")
    )
    scheduled_on = models.DateField(_("prevista il"))
    held_on = models.DateField(_("svolta il"), null=True, blank=True)
    outcome = models.TextField(_("esito"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrata da"),
    )

    class Meta:
        verbose_name = _("verifica")
        verbose_name_plural = _("verifiche")
        ordering = ["scheduled_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | ~Q(outcome=""),
                name="review_held_has_outcome",
                violation_error_message=_("Una verifica svolta ha il suo esito."),
            ),
        ]
        indexes = [
            # The reviews still to hold, by date ("La mia giornata"): walked in order.
            models.Index(
                fields=["scheduled_on", "id"],
                condition=Q(held_on__isnull=True),
                name="review_pending_scheduled",
            ),
        ]

    def __str__(self):
        return str(
            _("Verifica del %(date)s") % {"date": _short_date(self.held_on or self.scheduled_on)}
        )

    @property
    def is_held(self) -> bool:
        return self.held_on is not None


class AutonomyAssessment(TimeStampedModel):
    """An assessment of the household's autonomy on the network's scale (see
    beneficiaries.autonomy): one level in each of the ten domains, taken at entry, at
    each review and at exit, so progress can be seen over time."""

    class Moment(models.TextChoices):
        ENTRY = "entry", _("Ingresso")
        REVIEW = "review", _("Verifica")
        EXIT = "exit", _("Uscita")

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("presa in carico"),
    )
    moment = models.CharField(_("momento"), max_length=10, choices=Moment.choices)
    taken_on = models.DateField(_("data"))
    review = models.ForeignKey(
        Review,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("verifica"),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("valutato da"),
    )
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("valutazione dell'autonomia")
        verbose_name_plural = _("valutazioni dell'autonomia")
        ordering = ["taken_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(moment="entry"),
                name="assessment_one_entry_per_case",
                violation_error_message=_("La valutazione d'ingresso è già stata registrata."),
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(moment="exit"),
                name="assessment_one_exit_per_case",
                violation_error_message=_("La valutazione d'uscita è già stata registrata."),
            ),
        ]

    def __str__(self):
        return str(
            _("Valutazione (%(moment)s) del %(date)s")
            % {"moment": self.get_moment_display(), "date": _short_date(self.taken_on)}
        )

    @classmethod
    def history_extra_fields(cls) -> dict:
        """What the audit trail keeps of an assessment beyond its own fields, as the
        household's history shows it: {key: (label, how a value reads)}."""
        return {"levels": (_("livelli"), _levels_text)}


def _levels_text(levels) -> str:
    """{"housing": 5, "work": 3} as "Situazione abitativa 5 · Lavoro e formazione 3", in
    the scale's order."""
    if not isinstance(levels, dict):
        return str(levels)
    known = [d for d in autonomy.DOMAINS if d.value in levels]
    return " · ".join(f"{d.label} {levels[d.value]}" for d in known)


class AutonomyScore(models.Model):
    """The level (1 to 5) of one domain in an assessment."""

    assessment = models.ForeignKey(
        AutonomyAssessment,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("valutazione"),
    )
    domain = models.CharField(_("ambito"), max_length=20, choices=autonomy.Domain.choices)
    level = models.PositiveSmallIntegerField(
        _("livello"), choices=[(v, autonomy.LEVEL_NAMES[v]) for v in autonomy.LEVELS]
    )

    class Meta:
        verbose_name = _("punteggio")
        verbose_name_plural = _("punteggi")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"],
                name="autonomy_score_one_per_domain",
                violation_error_message=_("Questo ambito è già valutato."),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=autonomy.MIN_LEVEL, level__lte=autonomy.MAX_LEVEL),
                name="autonomy_score_level_in_scale",
                violation_error_message=_("Il livello va da 1 a 5."),
            ),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.level}"


class CaseNote(TimeStampedModel):
    """An entry of the case diary (diario): a meeting, a home visit, a call, an
    accompaniment, a group or community activity, a team meeting. A confidential entry
    is read only by the author's organisation. A group or community activity may involve
    other households too, and then appears in their diaries as well."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Colloquio")
        HOME_VISIT = "home_visit", _("Visita domiciliare")
        PHONE_CALL = "phone_call", _("Telefonata")
        ACCOMPANIMENT = "accompaniment", _("Accompagnamento")
        GROUP_ACTIVITY = "group_activity", _("Attività di gruppo")
        COMMUNITY_ACTIVITY = "community_activity", _("Attività di comunità")
        TEAM_MEETING = "team_meeting", _("Riunione d'équipe")

    GROUP_KINDS = (Kind.GROUP_ACTIVITY, Kind.COMMUNITY_ACTIVITY)

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("presa in carico")
    )
    households = models.ManyToManyField(
        Household,
        blank=True,
        related_name="group_notes",
        verbose_name=_("altri nuclei partecipanti"),
    )
    happened_on = models.DateField(_("data"))
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("durata (minuti)"))
    text = models.TextField(_("resoconto"))
    is_confidential = models.BooleanField(
        _("riservata"),
        default=False,
        help_text=_("Una nota riservata è letta solo dal personale del tuo ente."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("ente dell'autore")
    )

    class Meta:
        verbose_name = _("nota di diario")
        verbose_name_plural = _("diario")
        ordering = ["-happened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="case_note_duration_in_a_day",
                violation_error_message=_("La durata va da 1 minuto a 24 ore."),
            ),
        ]
        indexes = [models.Index(fields=["case", "-happened_on"], name="case_note_case_date")]

    def __str__(self):
        return f"{self.get_kind_display()} · {_short_date(self.happened_on)}"


class Document(TimeStampedModel):
    """A document of the household (identity document, residence permit, ISEE
    certificate, hosting agreement...), kept outside the public files and downloaded
    only through a permission-checked view.

    A document replaced by a newer version (a renewed permit, this year's ISEE) stays,
    superseded, linked to its successor, until the household's retention ends; lists
    show the current versions. A wrong upload is deleted, row and file: the history
    keeps who deleted it and why."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Documento d'identità")
        RESIDENCE_PERMIT = "residence_permit", _("Permesso di soggiorno")
        ISEE = "isee", _("Attestazione ISEE")
        HOSTING_AGREEMENT = "hosting_agreement", _("Patto di accoglienza")
        OTHER = "other", _("Altro")

    # These expire, and the network must know when.
    KINDS_WITH_EXPIRY = (Kind.IDENTITY, Kind.RESIDENCE_PERMIT, Kind.ISEE)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="documents", verbose_name=_("presa in carico")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("di chi"),
    )
    kind = models.CharField(_("tipo di documento"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("descrizione"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_upload_to, max_length=255
    )
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("tipo di file"), max_length=100)
    size = models.PositiveIntegerField(_("dimensione (byte)"))
    expires_on = models.DateField(
        _("scade il"), null=True, blank=True, validators=[validate_document_expiry]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="previous_version",
        verbose_name=_("sostituito da"),
    )

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(superseded_by=models.F("pk")),
                name="document_not_superseded_by_itself",
            )
        ]

    def __str__(self):
        return self.title or self.get_kind_display()

    def get_absolute_url(self):
        return reverse("beneficiaries:document_download", kwargs={"public_id": self.public_id})

    def is_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None


class ExitDestination(models.TextChoices):
    """Where a household goes to live when it leaves a unit of the network or its case
    ends, and where it lives at each follow-up: one vocabulary for placement exits, case
    exits and follow-ups, so that reports count them together (DESTINATION_GROUPS)."""

    OWN_RENTED_HOME = "own_rented_home", _("Casa in affitto a proprio nome")
    PUBLIC_HOUSING = "public_housing", _("Casa popolare (edilizia pubblica)")
    OWN_PROPERTY = "own_property", _("Casa di proprietà")
    TRANSITIONAL_HOUSING = "transitional_housing", _("Abitare temporaneo o transitorio")
    FAMILY_OR_FRIENDS = "family_or_friends", _("Presso familiari o amici")
    ANOTHER_PROJECT = "another_project", _("Altro progetto o struttura di accoglienza")
    INSTITUTION = "institution", _("Struttura o istituto")
    HOMELESS = "homeless", _("Senza dimora")
    LEFT_WITHOUT_NOTICE = "left_without_notice", _("Uscito senza preavviso")
    UNKNOWN = "unknown", _("Non nota")
    OTHER = "other", _("Altro")


class DestinationGroup(models.TextChoices):
    """The groups of destinations that reports count by."""

    STABLE = "stable", _("Soluzione stabile")
    TEMPORARY = "temporary", _("Soluzione temporanea")
    INSTITUTIONAL = "institutional", _("Struttura o istituto")
    HOMELESS = "homeless", _("Senza dimora")
    OTHER = "other", _("Altra soluzione")
    UNKNOWN = "unknown", _("Non nota")


# The one place that says which group each destination belongs to (for reports);
# destination_group() and destination_group_expression() both read it.
DESTINATION_GROUPS = {
    ExitDestination.OWN_RENTED_HOME: DestinationGroup.STABLE,
    ExitDestination.PUBLIC_HOUSING: DestinationGroup.STABLE,
    ExitDestination.OWN_PROPERTY: DestinationGroup.STABLE,
    ExitDestination.TRANSITIONAL_HOUSING: DestinationGroup.TEMPORARY,
    ExitDestination.FAMILY_OR_FRIENDS: DestinationGroup.TEMPORARY,
    ExitDestination.ANOTHER_PROJECT: DestinationGroup.TEMPORARY,
    ExitDestination.INSTITUTION: DestinationGroup.INSTITUTIONAL,
    ExitDestination.HOMELESS: DestinationGroup.HOMELESS,
    ExitDestination.LEFT_WITHOUT_NOTICE: DestinationGroup.UNKNOWN,
    ExitDestination.UNKNOWN: DestinationGroup.UNKNOWN,
    ExitDestination.OTHER: DestinationGroup.OTHER,
}


def destination_group(destination: str) -> str:
    """The group of a destination code; a blank or unknown code is in the unknown group."""
    return DESTINATION_GROUPS.get(destination, DestinationGroup.UNKNOWN)


def destination_group_expression(field: str = "destination"):
    """The group of the destination in `field`, as an SQL expression, for reports that
    count by group ("" when the field is blank)."""
    return SqlCase(
        *(
            When(**{field: destination}, then=Value(str(group)))
            for destination, group in DESTINATION_GROUPS.items()
        ),
        default=Value(""),
        output_field=models.CharField(),
    )


class AutonomyReached(models.TextChoices):
    YES = "yes", _("Sì")
    PARTLY = "partly", _("In parte")
    NO = "no", _("No")


class CaseExit(TimeStampedModel):
    """The exit (dimissione) of a case: when, why, where the household went, and
    whether it reached autonomy. Recorded together with the closing of the case."""

    class Reason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("Obiettivi del progetto raggiunti")
        MAX_STAY = "max_stay", _("Fine del periodo massimo di accoglienza")
        VOLUNTARY = "voluntary", _("Uscita volontaria del nucleo")
        TRANSFERRED = "transferred", _("Passaggio ad altro progetto o servizio")
        BREACH = "breach", _("Interruzione per mancato rispetto del patto")
        OTHER = "other", _("Altro")

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="exit", verbose_name=_("presa in carico")
    )
    closed_on = models.DateField(_("data di uscita"))
    reason = models.CharField(_("motivo dell'uscita"), max_length=20, choices=Reason.choices)
    destination = models.CharField(
        _("dove va a vivere"), max_length=20, choices=ExitDestination.choices
    )
    autonomy_reached = models.CharField(
        _("autonomia raggiunta"), max_length=10, choices=AutonomyReached.choices
    )
    ethos_light = ethos_field(_("situazione ETHOS Light all'uscita"))
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrata da"),
    )

    class Meta:
        verbose_name = _("dimissione")
        verbose_name_plural = _("dimissioni")

    def __str__(self):
        return str(_("Uscita del %(date)s") % {"date": _short_date(self.closed_on)})


class FollowUp(TimeStampedModel):
    """A follow-up contact after the exit, at 3, 6 or 12 months: is the household still
    housed, and where?"""

    class After(models.IntegerChoices):
        THREE_MONTHS = 3, _("3 mesi")
        SIX_MONTHS = 6, _("6 mesi")
        TWELVE_MONTHS = 12, _("12 mesi")

    class StillHoused(models.TextChoices):
        YES = "yes", _("Sì, ha ancora una casa")
        NO = "no", _("No, ha perso la casa")
        UNKNOWN = "unknown", _("Non si sa (non raggiungibile)")

    # A follow-up is made around its date: from two weeks before it is due.
    WINDOW_DAYS = 14
    # Situations that are a home of the household's own (not after "lost the home")...
    HOME_SITUATIONS = (
        ExitDestination.OWN_RENTED_HOME,
        ExitDestination.PUBLIC_HOUSING,
        ExitDestination.OWN_PROPERTY,
    )
    # ...and those that are no home at all (not after "still housed").
    HOMELESS_SITUATIONS = (
        ExitDestination.HOMELESS,
        ExitDestination.LEFT_WITHOUT_NOTICE,
        ExitDestination.UNKNOWN,
    )

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("presa in carico")
    )
    months_after_exit = models.PositiveSmallIntegerField(_("dopo"), choices=After.choices)
    due_on = models.DateField(_("previsto il"))
    done_on = models.DateField(_("svolto il"), null=True, blank=True)
    still_housed = models.CharField(
        _("ha ancora una casa?"), max_length=10, choices=StillHoused.choices, blank=True
    )
    housing_situation = models.CharField(
        _("dove vive"), max_length=20, choices=ExitDestination.choices, blank=True
    )
    where = models.CharField(
        _("indirizzo o comune"), max_length=200, blank=True, help_text=_("Facoltativo.")
    )
    ethos_light = ethos_field(_("situazione ETHOS Light al follow-up"))
    notes = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-up")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "months_after_exit"],
                name="follow_up_one_per_interval",
                violation_error_message=_("Questo follow-up è già programmato."),
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(still_housed=""),
                name="follow_up_done_has_result",
                violation_error_message=_("Indica se il nucleo ha ancora una casa."),
            ),
        ]

    def __str__(self):
        return str(_("Follow-up a %(months)s mesi") % {"months": self.months_after_exit})

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def window_opens_on(self) -> datetime.date:
        """The first day the contact may be recorded: WINDOW_DAYS before it is due."""
        return self.due_on - datetime.timedelta(days=self.WINDOW_DAYS)

    @classmethod
    def contradiction(cls, still_housed: str, housing_situation: str) -> str | None:
        """Why the answer "still housed?" and the housing situation cannot both be true,
        or None when they agree."""
        if still_housed == cls.StillHoused.NO and housing_situation in cls.HOME_SITUATIONS:
            return _(
                "Il nucleo ha perso la casa, ma «%(situation)s» è una casa: correggi una "
                "delle due risposte."
            ) % {"situation": ExitDestination(housing_situation).label}
        if still_housed == cls.StillHoused.YES and housing_situation in cls.HOMELESS_SITUATIONS:
            return _(
                "Il nucleo ha ancora una casa, ma «%(situation)s» non lo è: correggi una "
                "delle due risposte."
            ) % {"situation": ExitDestination(housing_situation).label}
        if still_housed == cls.StillHoused.UNKNOWN and housing_situation not in (
            "",
            ExitDestination.UNKNOWN,
        ):
            return _(
                "Se non si sa se il nucleo ha ancora una casa, lascia vuoto «dove vive» "
                "(o scegli «Non nota»)."
            )
        return None
