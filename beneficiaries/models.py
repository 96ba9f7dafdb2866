import datetime
import unicodedata
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import TimeStampedModel
from core.validators import normalise_code, validate_person_codice_fiscale
from partners.models import Organisation
from projects.models import Project


def name_key(*names: str) -> str:
    """A person's names folded for comparison: no accents, lower case, words sorted, so
    "Nicolò De Santis" and "de santis nicolo" meet."""
    words = []
    for name in names:
        folded = unicodedata.normalize("NFKD", name or "")
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        words.extend(w for w in "".join(c if c.isalnum() else " " for c in folded).lower().split())
    return " ".join(sorted(words))


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Household(TimeStampedModel):
    """A household (nucleo familiare): the people who live together and are accompanied
    together. Who may see it follows from its referrals and cases (see selectors)."""

    class LivingSituation(models.TextChoices):
        RENTED = "rented", _("In affitto")
        EVICTION = "eviction", _("Sfratto in corso")
        FAMILY_OR_FRIENDS = "family_friends", _("Ospite di parenti o amici")
        SHELTER = "shelter", _("Struttura di accoglienza o dormitorio")
        HOMELESS = "homeless", _("Senza dimora")
        PRECARIOUS = "precarious", _("Alloggio precario o inadeguato")
        INSTITUTION = "institution", _("Istituto, ospedale o carcere")
        OTHER = "other", _("Altro")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registered_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="registered_households",
        verbose_name=_("registrato da"),
        help_text=_("L'ente che ha inserito il nucleo in Abitare."),
    )
    living_situation = models.CharField(
        _("situazione abitativa prima dell'ingresso"),
        max_length=20,
        choices=LivingSituation.choices,
        blank=True,
    )
    current_address = models.CharField(_("indirizzo attuale"), max_length=255, blank=True)
    isee_value = models.DecimalField(
        _("valore ISEE (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    isee_issued_on = models.DateField(_("ISEE rilasciato il"), null=True, blank=True)
    isee_expires_on = models.DateField(_("ISEE valido fino al"), null=True, blank=True)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("nucleo familiare")
        verbose_name_plural = _("nuclei familiari")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(isee_value__isnull=True) | Q(isee_value__gte=0),
                name="household_isee_not_negative",
                violation_error_message=_("Il valore ISEE non può essere negativo."),
            ),
            models.CheckConstraint(
                condition=Q(isee_expires_on__isnull=True)
                | Q(isee_issued_on__isnull=True)
                | Q(isee_expires_on__gte=F("isee_issued_on")),
                name="household_isee_expiry_after_issue",
                violation_error_message=_(
                    "La scadenza dell'ISEE non può precedere la data di rilascio."
                ),
            ),
        ]

    def __str__(self):
        reference = self.reference_person
        if reference is None:
            return str(_("Nucleo senza persona di riferimento"))
        return str(_("Nucleo %(name)s") % {"name": reference.full_name})

    def get_absolute_url(self):
        return reverse("beneficiaries:household_detail", kwargs={"public_id": self.public_id})

    @property
    def reference_person(self):
        # Uses the prefetched members when the selector fetched them.
        for person in self.members.all():
            if person.relationship == Person.Relationship.REFERENCE:
                return person
        return None

    def clean(self):
        # The same rules as the constraints below, told next to the field they concern
        # (full_clean then skips the constraints on fields already in error).
        from django.core.exceptions import ValidationError

        errors = {}
        if self.isee_value is not None and self.isee_value < 0:
            errors["isee_value"] = _("Il valore ISEE non può essere negativo.")
        if (
            self.isee_issued_on
            and self.isee_expires_on
            and self.isee_expires_on < self.isee_issued_on
        ):
            errors["isee_expires_on"] = _(
                "La scadenza dell'ISEE non può precedere la data di rilascio."
            )
        if errors:
            raise ValidationError(errors)

    def isee_is_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.isee_expires_on is not None and self.isee_expires_on < today


class Vulnerability(models.Model):
    """A vulnerability of a household that the network takes into account (and the
    waiting list may weigh): disability, domestic violence, a single parent..."""

    class Kind(models.TextChoices):
        SINGLE_PARENT = "single_parent", _("Genitore solo")
        DISABILITY = "disability", _("Disabilità")
        DOMESTIC_VIOLENCE = "domestic_violence", _("Violenza domestica")
        EVICTION = "eviction", _("Sfratto in corso")
        HOMELESS = "homeless", _("Senza dimora")
        HEALTH = "health", _("Problemi di salute")
        UNEMPLOYMENT = "unemployment", _("Disoccupazione")
        OTHER = "other", _("Altro")

    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="vulnerabilities",
        verbose_name=_("nucleo familiare"),
    )
    kind = models.CharField(_("vulnerabilità"), max_length=30, choices=Kind.choices)
    notes = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("vulnerabilità")
        verbose_name_plural = _("vulnerabilità")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                name="vulnerability_unique_kind",
                violation_error_message=_("Questa vulnerabilità è già indicata per il nucleo."),
            )
        ]

    def __str__(self):
        return self.get_kind_display()


class Person(TimeStampedModel):
    """A member (componente) of a household. Only one record per real person in the
    whole network: creation warns of likely duplicates."""

    class Relationship(models.TextChoices):
        REFERENCE = "reference", _("Persona di riferimento")
        PARTNER = "partner", _("Coniuge o convivente")
        CHILD = "child", _("Figlio/a")
        PARENT = "parent", _("Genitore")
        SIBLING = "sibling", _("Fratello/sorella")
        OTHER_RELATIVE = "other_relative", _("Altro parente")
        OTHER = "other", _("Altro")

    class Sex(models.TextChoices):
        FEMALE = "F", _("Femmina")
        MALE = "M", _("Maschio")

    class PermitKind(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Non necessario (cittadino italiano o UE)")
        WORK = "work", _("Lavoro")
        FAMILY = "family", _("Motivi familiari")
        ASYLUM_REQUEST = "asylum_request", _("Richiesta di asilo")
        INTERNATIONAL_PROTECTION = "international_protection", _("Protezione internazionale")
        SPECIAL_PROTECTION = "special_protection", _("Protezione speciale")
        LONG_TERM = "long_term", _("Soggiornante di lungo periodo UE")
        STUDY = "study", _("Studio")
        RENEWAL_PENDING = "renewal_pending", _("In attesa di rinnovo")
        NONE = "none", _("Senza permesso")
        OTHER = "other", _("Altro")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("nucleo familiare"),
    )
    relationship = models.CharField(
        _("relazione con la persona di riferimento"), max_length=20, choices=Relationship.choices
    )
    first_name = models.CharField(_("nome"), max_length=100)
    last_name = models.CharField(_("cognome"), max_length=100)
    birth_date = models.DateField(_("data di nascita"))
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    citizenship = CountryField(_("cittadinanza"), blank=True)
    languages = models.CharField(
        _("lingue parlate"), max_length=200, blank=True, help_text=_("Per esempio: arabo, francese")
    )
    codice_fiscale = models.CharField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_person_codice_fiscale],
        help_text=_("Lascia vuoto se la persona non ha ancora un codice fiscale."),
    )
    residence_permit_kind = models.CharField(
        _("permesso di soggiorno"), max_length=30, choices=PermitKind.choices, blank=True
    )
    residence_permit_issued_on = models.DateField(
        _("permesso rilasciato il"), null=True, blank=True
    )
    residence_permit_expires_on = models.DateField(
        _("permesso valido fino al"), null=True, blank=True
    )
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Folded names for duplicate search; kept by the services, never typed.
    name_key = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["household", "birth_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~Q(codice_fiscale=""),
                name="person_unique_codice_fiscale",
                violation_error_message=_(
                    "Una persona con questo codice fiscale è già registrata nella rete."
                ),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relationship="reference"),
                name="person_one_reference_per_household",
                violation_error_message=_("Il nucleo ha già una persona di riferimento."),
            ),
            models.CheckConstraint(
                condition=Q(residence_permit_expires_on__isnull=True)
                | Q(residence_permit_issued_on__isnull=True)
                | Q(residence_permit_expires_on__gte=F("residence_permit_issued_on")),
                name="person_permit_expiry_after_issue",
                violation_error_message=_(
                    "La scadenza del permesso non può precedere la data di rilascio."
                ),
            ),
        ]
        indexes = [models.Index(fields=["name_key", "birth_date"], name="person_name_birth")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def lacks_codice_fiscale(self) -> bool:
        return not self.codice_fiscale

    def age(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )

    def is_minor(self, today: datetime.date | None = None) -> bool:
        return self.age(today) < 18

    def permit_is_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.residence_permit_expires_on is not None
            and self.residence_permit_expires_on < today
        )

    def clean_fields(self, exclude=None):
        # Normalised before the field's own checks (max_length, the validator) see it,
        # so a code typed in lower case or with spaces is stored as printed.
        self.codice_fiscale = normalise_code(self.codice_fiscale or "")
        super().clean_fields(exclude=exclude)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("La data di nascita non può essere nel futuro.")
        if (
            self.residence_permit_issued_on
            and self.residence_permit_expires_on
            and self.residence_permit_expires_on < self.residence_permit_issued_on
        ):
            errors["residence_permit_expires_on"] = _(
                "La scadenza del permesso non può precedere la data di rilascio."
            )
        if errors:
            raise ValidationError(errors)
        self.name_key = name_key(self.first_name, self.last_name)


class Consent(TimeStampedModel):
    """The basis on which the network processes a household's data for one purpose
    (GDPR): consent or another legal basis, for which organisations, until when."""

    class Purpose(models.TextChoices):
        CASE_MANAGEMENT = "case_management", _("Presa in carico e accompagnamento")
        NETWORK_SHARING = "network_sharing", _("Condivisione con gli enti della rete")
        SPECIAL_CATEGORIES = "special_categories", _("Dati particolari (salute, violenza)")
        REPORTING = "reporting", _("Rendicontazione anonima a enti e finanziatori")
        FOLLOW_UP = "follow_up", _("Contatti di follow-up dopo l'uscita")

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consenso dell'interessato (art. 6.1.a / 9.2.a GDPR)")
        PUBLIC_TASK = "public_task", _("Compito di interesse pubblico (art. 6.1.e GDPR)")
        LEGAL_OBLIGATION = "legal_obligation", _("Obbligo di legge (art. 6.1.c GDPR)")
        VITAL_INTEREST = "vital_interest", _("Interesse vitale (art. 6.1.d GDPR)")
        CONTRACT = "contract", _("Esecuzione di un accordo (art. 6.1.b GDPR)")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="consents", verbose_name=_("nucleo")
    )
    given_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("espresso da"),
    )
    purpose = models.CharField(_("finalità"), max_length=30, choices=Purpose.choices)
    legal_basis = models.CharField(_("base giuridica"), max_length=30, choices=LegalBasis.choices)
    organisations = models.ManyToManyField(
        Organisation, related_name="+", verbose_name=_("per gli enti")
    )
    given_on = models.DateField(_("dal"))
    expires_on = models.DateField(_("fino al"), null=True, blank=True)
    withdrawn_on = models.DateField(_("revocato il"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        verbose_name = _("consenso / base giuridica")
        verbose_name_plural = _("consensi e basi giuridiche")
        ordering = ["purpose", "-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("given_on")),
                name="consent_expiry_after_start",
                violation_error_message=_("La scadenza non può precedere la data di inizio."),
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.get_legal_basis_display()}"

    def is_lapsed(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.withdrawn_on is not None and self.withdrawn_on <= today:
            return True
        return self.expires_on is not None and self.expires_on < today


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


class Case(TimeStampedModel):
    """A case (presa in carico): one organisation takes charge of an accepted household in
    a project, with one or more assigned social workers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="cases", verbose_name=_("nucleo")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="cases", verbose_name=_("progetto")
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("segnalazione"),
    )
    holding_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases_held",
        verbose_name=_("ente titolare"),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseAssignment",
        related_name="cases",
        verbose_name=_("operatori assegnati"),
    )
    opened_on = models.DateField(_("aperta il"))
    closed_on = models.DateField(_("chiusa il"), null=True, blank=True)

    class Meta:
        verbose_name = _("presa in carico")
        verbose_name_plural = _("prese in carico")
        ordering = ["-opened_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "project"],
                condition=Q(closed_on__isnull=True),
                name="case_one_open_per_household_and_project",
                violation_error_message=_(
                    "Il nucleo ha già una presa in carico aperta in questo progetto."
                ),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closed_after_opened",
                violation_error_message=_("La chiusura non può precedere l'apertura."),
            ),
        ]

    def __str__(self):
        return str(_("Presa in carico in %(project)s") % {"project": self.project.display_name})

    def get_absolute_url(self):
        return reverse("beneficiaries:case_detail", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CaseAssignment(models.Model):
    """A social worker assigned to a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_assignments",
        verbose_name=_("operatore"),
    )
    assigned_on = models.DateField(_("assegnato il"), default=timezone.localdate)

    class Meta:
        verbose_name = _("assegnazione")
        verbose_name_plural = _("assegnazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "worker"],
                name="case_assignment_unique",
                violation_error_message=_("L'operatore è già assegnato a questa presa in carico."),
            ),
        ]

    def __str__(self):
        return f"{self.worker} · {self.case}"


# Support pathways toward autonomy (issue 5) -----------------------------------------
# The plan, the autonomy assessments, the diary, the documents, the exit and the
# follow-up of a case. Reads go through beneficiaries.support_selectors, writes through
# beneficiaries.support_services.

from . import autonomy  # noqa: E402
from .documents import document_upload_to, private_storage  # noqa: E402


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
        return str(_("Progetto individualizzato del %(date)s") % {"date": self.agreed_on})

    def get_absolute_url(self):
        return reverse("beneficiaries:plan_detail", kwargs={"public_id": self.case.public_id})

    def next_review_after(self, day: datetime.date) -> datetime.date:
        return add_months(day, self.review_interval_months)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class Goal(TimeStampedModel):
    """A goal (obiettivo) of a support plan, in one life domain. It ends achieved,
    partly achieved or abandoned."""

    class Status(models.TextChoices):
        OPEN = "open", _("In corso")
        ACHIEVED = "achieved", _("Raggiunto")
        PARTLY_ACHIEVED = "partly_achieved", _("Raggiunto in parte")
        ABANDONED = "abandoned", _("Abbandonato")

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

    def __str__(self):
        return str(_("Verifica del %(date)s") % {"date": self.held_on or self.scheduled_on})

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
            % {"moment": self.get_moment_display(), "date": self.taken_on}
        )


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
        return f"{self.get_kind_display()} · {self.happened_on}"


class Document(TimeStampedModel):
    """A document of the household (identity document, residence permit, ISEE
    certificate, hosting agreement...), kept outside the public files and downloaded
    only through a permission-checked view."""

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
    expires_on = models.DateField(_("scade il"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caricato da"),
    )

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title or self.get_kind_display()

    def get_absolute_url(self):
        return reverse("beneficiaries:document_download", kwargs={"public_id": self.public_id})

    def is_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today


class Destination(models.TextChoices):
    """Where a household goes to live, at exit and at each follow-up."""

    OWN_RENTED_HOME = "own_rented", _("Casa in affitto a proprio nome")
    PUBLIC_HOUSING = "public_housing", _("Casa popolare (edilizia pubblica)")
    OWN_PROPERTY = "own_property", _("Casa di proprietà")
    FAMILY = "family", _("Presso familiari o amici")
    ANOTHER_PROJECT = "another_project", _("Altro progetto o struttura di accoglienza")
    HOMELESS = "homeless", _("Senza dimora")
    UNKNOWN = "unknown", _("Non nota")
    OTHER = "other", _("Altro")


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
        _("dove va a vivere"), max_length=20, choices=Destination.choices
    )
    autonomy_reached = models.CharField(
        _("autonomia raggiunta"), max_length=10, choices=AutonomyReached.choices
    )
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
        return str(_("Uscita del %(date)s") % {"date": self.closed_on})


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
        _("dove vive"), max_length=20, choices=Destination.choices, blank=True
    )
    where = models.CharField(
        _("indirizzo o comune"), max_length=200, blank=True, help_text=_("Facoltativo.")
    )
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
