"""The household (nucleo familiare), its members, vulnerabilities and consents."""

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
from core.personal_data import ConsentPurpose
from core.validators import (
    codice_fiscale_mismatches,
    format_phone,
    normalise_code,
    normalise_person_name,
    normalise_phone,
    validate_birth_date,
    validate_document_expiry,
    validate_document_issue,
    validate_person_codice_fiscale,
    validate_person_name,
    validate_phone_number,
)
from partners.models import Organisation


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
    isee_issued_on = models.DateField(
        _("ISEE rilasciato il"), null=True, blank=True, validators=[validate_document_issue]
    )
    isee_expires_on = models.DateField(
        _("ISEE valido fino al"), null=True, blank=True, validators=[validate_document_expiry]
    )
    notes = models.TextField(_("note"), blank=True)
    # Assegno di inclusione (d.l. 48/2023): the household receives it, under a pact
    # (patto di inclusione) whose rules ask it to meet the social services every 90 days.
    inclusion_benefit = models.BooleanField(_("riceve l'Assegno di inclusione"), default=False)
    inclusion_pact_signed_on = models.DateField(
        _("patto di inclusione sottoscritto il"), null=True, blank=True
    )
    inclusion_benefit_ends_on = models.DateField(
        _("Assegno di inclusione fino al"), null=True, blank=True
    )
    inclusion_last_check_in_on = models.DateField(
        _("ultimo aggiornamento ai servizi (ogni 90 giorni)"),
        null=True,
        blank=True,
        help_text=_(
            "Il nucleo si presenta ai servizi sociali ogni 90 giorni per aggiornare il "
            "patto: il promemoria si calcola da questa data o, se manca, dalla firma."
        ),
    )

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
        if (
            self.inclusion_pact_signed_on
            and self.inclusion_benefit_ends_on
            and self.inclusion_benefit_ends_on < self.inclusion_pact_signed_on
        ):
            errors["inclusion_benefit_ends_on"] = _(
                "L'Assegno di inclusione non può finire prima della firma del patto."
            )
        if not self.inclusion_benefit and (
            self.inclusion_pact_signed_on or self.inclusion_last_check_in_on
        ):
            errors["inclusion_benefit"] = _(
                "Le date del patto di inclusione valgono solo se il nucleo riceve l'Assegno "
                "di inclusione: spunta la casella o cancella le date."
            )
        if errors:
            raise ValidationError(errors)

    INCLUSION_CHECK_IN_DAYS = 90

    def next_inclusion_check_in(self) -> datetime.date | None:
        """The day of the next 90-day check-in of the Assegno di inclusione's pact, or
        None when the household does not receive it or the pact has no date yet."""
        since = self.inclusion_last_check_in_on or self.inclusion_pact_signed_on
        if not self.inclusion_benefit or since is None:
            return None
        return since + datetime.timedelta(days=self.INCLUSION_CHECK_IN_DAYS)

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

    @property
    def is_special_category(self) -> bool:
        """Health data or violence suffered (GDPR art. 9)."""
        return self.kind in SPECIAL_CATEGORY_KINDS


# Vulnerabilities that are health data or reveal violence suffered: read only by those
# who work on the case (core.access.Access.may_read_special).
SPECIAL_CATEGORY_KINDS = frozenset(
    {
        Vulnerability.Kind.HEALTH,
        Vulnerability.Kind.DISABILITY,
        Vulnerability.Kind.DOMESTIC_VIOLENCE,
    }
)


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
    first_name = models.CharField(_("nome"), max_length=100, validators=[validate_person_name])
    last_name = models.CharField(_("cognome"), max_length=100, validators=[validate_person_name])
    birth_date = models.DateField(_("data di nascita"), validators=[validate_birth_date])
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
        _("permesso rilasciato il"), null=True, blank=True, validators=[validate_document_issue]
    )
    residence_permit_expires_on = models.DateField(
        _("permesso valido fino al"),
        null=True,
        blank=True,
        validators=[validate_document_expiry],
    )
    # Stored in E.164 (+393331234567) whatever way it was typed; shown as phone_display.
    phone = models.CharField(
        _("telefono"), max_length=30, blank=True, validators=[validate_phone_number]
    )
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
        indexes = [
            models.Index(fields=["name_key", "birth_date"], name="person_name_birth"),
            # Residence permits expiring, by date ("La mia giornata"): walked in order.
            models.Index(
                fields=["residence_permit_expires_on", "id"],
                condition=Q(residence_permit_expires_on__isnull=False),
                name="person_permit_expiry",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

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
        self.first_name = normalise_person_name(self.first_name)
        self.last_name = normalise_person_name(self.last_name)
        self.phone = normalise_phone((self.phone or "").strip())
        super().clean_fields(exclude=exclude)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        # The birth date's own span (1900 to today) is its field's validator.
        if self.codice_fiscale:
            mismatches = codice_fiscale_mismatches(
                self.codice_fiscale, birth_date=self.birth_date, sex=self.sex
            )
            if mismatches:
                errors["codice_fiscale"] = mismatches
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

    Purpose = ConsentPurpose

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
        help_text=_("Un componente maggiorenne del nucleo."),
    )
    guardian_name = models.CharField(
        _("tutore legale"),
        max_length=200,
        blank=True,
        help_text=_(
            "Nome e cognome del tutore legale che ha firmato, se non è un componente del "
            "nucleo (per esempio per un minore non accompagnato)."
        ),
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

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.given_on <= day and not self.is_lapsed(day)

    def is_lapsed(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.withdrawn_on is not None and self.withdrawn_on <= today:
            return True
        return self.expires_on is not None and self.expires_on < today
