from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.personal_data import ConsentPurpose
from partners.models import Organisation


class Project(TimeStampedModel):
    """A project (progetto) of the network: co-housing, temporary housing, services
    against poverty, or the network itself. Organisations take part in it with a role
    (see Participation); households are referred to it, placed and accompanied."""

    class Kind(models.TextChoices):
        CO_HOUSING = "co_housing", _("Co-housing")
        TEMPORARY_HOUSING = "temporary_housing", _("Abitare temporaneo")
        ANTI_POVERTY = "anti_poverty", _("Contrasto alla povertà")
        NETWORK = "network", _("Rete")

    class Status(models.TextChoices):
        PLANNED = "planned", _("In avvio")
        ACTIVE = "active", _("Attivo")
        CLOSED = "closed", _("Concluso")

    name = models.CharField(_("nome"), max_length=200, unique=True)
    short_name = models.CharField(_("nome breve"), max_length=60, blank=True)
    slug = models.SlugField(_("identificativo"), max_length=80, unique=True)
    kind = models.CharField(_("tipo di progetto"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("descrizione"), blank=True)
    target_group = models.TextField(_("destinatari"), blank=True)
    priority_notes = models.TextField(
        _("criteri di priorità"),
        blank=True,
        help_text=_("I criteri di priorità descritti a parole, come nel progetto approvato."),
    )
    max_stay_months = models.PositiveSmallIntegerField(
        _("permanenza massima (mesi)"),
        null=True,
        blank=True,
        help_text=_("Per l'abitare temporaneo: quanti mesi al massimo dura un inserimento."),
    )
    required_consent_purposes = models.JSONField(
        _("consensi richiesti oltre alla presa in carico"),
        default=list,
        blank=True,
        help_text=_(
            "Le finalità per cui il nucleo deve aver dato un consenso valido, con gli enti "
            "del progetto, oltre alla presa in carico e accompagnamento, prima che la "
            "segnalazione sia inviata o accolta e la presa in carico aperta."
        ),
    )
    start_date = models.DateField(_("data di inizio"), null=True, blank=True)
    end_date = models.DateField(_("data di fine"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    area_served = models.ManyToManyField(
        Organisation,
        related_name="projects_serving",
        verbose_name=_("territorio servito"),
        blank=True,
        limit_choices_to={
            "kind__in": [
                Organisation.Kind.MUNICIPALITY,
                Organisation.Kind.UNION_OF_MUNICIPALITIES,
                Organisation.Kind.TERRITORIAL_DISTRICT,
            ]
        },
        help_text=_("Comuni, unioni di comuni o ambiti territoriali dei cittadini serviti."),
    )
    participants = models.ManyToManyField(
        Organisation,
        through="Participation",
        related_name="projects",
        verbose_name=_("enti partecipanti"),
    )
    agreement_rules = models.TextField(
        _("regole del patto di accoglienza"),
        blank=True,
        help_text=_(
            "Le regole che il nucleo sottoscrive entrando in un alloggio del progetto, una "
            "per riga. Lasciale vuote per usare le regole comuni della rete."
        ),
    )

    class Meta:
        verbose_name = _("progetto")
        verbose_name_plural = _("progetti")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_end_after_start",
                violation_error_message=_("La data di fine non può precedere la data di inizio."),
            ),
            models.CheckConstraint(
                condition=Q(max_stay_months__isnull=True) | Q(max_stay_months__gt=0),
                name="project_max_stay_positive",
                violation_error_message=_("La permanenza massima deve essere di almeno un mese."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", kwargs={"slug": self.slug})

    def clean(self):
        from django.core.exceptions import ValidationError

        known = set(ConsentPurpose.values)
        purposes = self.required_consent_purposes
        if not isinstance(purposes, list) or not set(purposes) <= known:
            raise ValidationError(
                {
                    "required_consent_purposes": _(
                        "Scegli le finalità tra quelle previste per i consensi."
                    )
                }
            )

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def consent_purposes(self) -> list[str]:
        """The purposes a household must have consented to (or another basis must
        cover) for this project: case management always, then those the project adds."""
        extra = [p for p in self.required_consent_purposes if p != ConsentPurpose.CASE_MANAGEMENT]
        return [ConsentPurpose.CASE_MANAGEMENT, *dict.fromkeys(extra)]

    def agreement_rule_lines(self) -> list:
        """The rules of the hosting agreement (patto di accoglienza), one per line: the
        project's own, or the network's common ones."""
        text = self.agreement_rules.strip()
        if text:
            return [line.strip() for line in text.splitlines() if line.strip()]
        # Lazy: a printout rendered in Italian (the PDF) shows them in Italian.
        return list(DEFAULT_AGREEMENT_RULES)


# The common rules of a hosting agreement, when a project has not written its own.
DEFAULT_AGREEMENT_RULES = (
    _(
        "Il nucleo abita l'alloggio con cura, come una casa propria, e ne rispetta gli "
        "arredi e gli spazi comuni."
    ),
    _(
        "Il nucleo versa ogni mese la quota di compartecipazione concordata, entro il "
        "giorno 10 del mese."
    ),
    _(
        "Nell'alloggio vivono solo le persone indicate in questo patto; ospiti per la "
        "notte vanno concordati con l'operatore di riferimento."
    ),
    _(
        "Il nucleo partecipa agli incontri e alle verifiche del progetto individualizzato "
        "e collabora con gli operatori."
    ),
    _(
        "Il nucleo rispetta il regolamento della casa, i vicini e le regole di convivenza "
        "degli spazi condivisi."
    ),
    _(
        "Gli operatori possono visitare l'alloggio, con un preavviso salvo urgenze, per "
        "verificare insieme al nucleo l'andamento dell'accoglienza."
    ),
    _(
        "L'accoglienza è temporanea: alla data di fine prevista il nucleo lascia "
        "l'alloggio, salvo proroga concordata per scritto."
    ),
    _(
        "La violazione grave o ripetuta di queste regole può portare alla fine anticipata "
        "dell'accoglienza."
    ),
)


class Participation(models.Model):
    """An organisation taking part in a project with a role: promoter or funder, lead
    (capofila), operational coordinator, partner, or referring body."""

    class Role(models.TextChoices):
        PROMOTER = "promoter", _("Promotore / finanziatore")
        LEAD = "lead", _("Capofila")
        OPERATIONAL_COORDINATOR = "operational_coordinator", _("Coordinamento operativo")
        PARTNER = "partner", _("Partner")
        REFERRING_BODY = "referring_body", _("Ente inviante")

    # Roles whose coordinators run the project's casework (see the scoping layer).
    COORDINATING_ROLES = (Role.LEAD, Role.OPERATIONAL_COORDINATOR)

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("progetto"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("ente"),
    )
    role = models.CharField(_("ruolo"), max_length=30, choices=Role.choices)
    notes = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("partecipazione")
        verbose_name_plural = _("partecipazioni")
        ordering = ["project__name", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"],
                name="participation_unique",
                violation_error_message=_("Questo ente ha già questo ruolo in questo progetto."),
            ),
            # A project has one lead (capofila) at most: the body that answers for it
            # to the funders. Some projects have none (the co-housing of the Union).
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(role="lead"),
                name="participation_one_lead_per_project",
                violation_error_message=_(
                    "Questo progetto ha già un ente capofila: un progetto ne ha uno solo. "
                    "Per cambiarlo, togli prima il ruolo di capofila all'ente attuale."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_role_display()} · {self.project}"


class Service(models.Model):
    """A service run inside a project, such as the Centro servizi per il contrasto alla
    povertà of Abitiamo Vimercate."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="services", verbose_name=_("progetto")
    )
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)

    class Meta:
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        ordering = ["project__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="service_unique_name_in_project",
                violation_error_message=_("Il progetto ha già un servizio con questo nome."),
            ),
        ]

    def __str__(self):
        return self.name


class PriorityRule(models.Model):
    """A rule of a project's waiting list: households that meet the criterion get the
    points, so the order of the list can be explained line by line."""

    class Criterion(models.TextChoices):
        WOMAN_WITH_CHILDREN = "woman_with_children", _("Donna con figli minori")
        CHILDREN_UNDER_3 = "children_under_3", _("Bambini sotto i 3 anni")
        SINGLE_PARENT = "single_parent", _("Genitore solo")
        DISABILITY = "disability", _("Disabilità")
        DOMESTIC_VIOLENCE = "domestic_violence", _("Violenza domestica")
        EVICTION = "eviction", _("Sfratto in corso")
        HOMELESS = "homeless", _("Senza dimora")

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="priority_rules",
        verbose_name=_("progetto"),
    )
    criterion = models.CharField(_("criterio"), max_length=30, choices=Criterion.choices)
    points = models.PositiveSmallIntegerField(_("punti"))

    class Meta:
        verbose_name = _("regola di priorità")
        verbose_name_plural = _("regole di priorità")
        ordering = ["project__name", "-points"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "criterion"],
                name="priority_rule_unique_criterion",
                violation_error_message=_("Il progetto ha già una regola per questo criterio."),
            ),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()} (+{self.points})"


class EligibilityQuestion(models.Model):
    """A question of a project's own intake (the requisiti di accesso): its referral form
    asks it and its evaluation shows the answer. The Co-housing, for instance, gives
    priority to women with children and serves the residents of the Union's towns."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Sì o no")
        NUMBER = "number", _("Numero")
        CHOICE = "choice", _("Una scelta tra opzioni")
        TEXT = "text", _("Testo breve")

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="eligibility_questions",
        verbose_name=_("progetto"),
    )
    text = models.CharField(_("domanda"), max_length=300)
    help_text = models.CharField(_("spiegazione"), max_length=300, blank=True)
    kind = models.CharField(_("tipo di risposta"), max_length=20, choices=Kind.choices)
    options = models.TextField(
        _("opzioni"),
        blank=True,
        help_text=_("Solo per le domande a scelta: un'opzione per riga, almeno due."),
    )
    required = models.BooleanField(_("obbligatoria"), default=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("requisito di accesso")
        verbose_name_plural = _("requisiti di accesso")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "text"],
                name="eligibility_question_unique_text",
                violation_error_message=_("Il progetto ha già questa domanda."),
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.option_list()) < 2:
            raise ValidationError({"options": _("Scrivi almeno due opzioni, una per riga.")})
        if self.kind != self.Kind.CHOICE and self.options.strip():
            raise ValidationError(
                {"options": _("Le opzioni servono solo alle domande a scelta: lasciale vuote.")}
            )

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean_answer(self, value):
        """The answer as it is kept (True/False, a whole number, one of the options, a
        text), or a ValidationError that says what is wrong with it."""
        if self.kind == self.Kind.YES_NO:
            if isinstance(value, bool):
                return value
            if value in ("yes", "no"):
                return value == "yes"
            raise ValidationError(_("Rispondi sì o no."))
        if self.kind == self.Kind.NUMBER:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ValidationError(_("Scrivi un numero intero.")) from None
            if number < 0:
                raise ValidationError(_("Il numero non può essere negativo."))
            return number
        if self.kind == self.Kind.CHOICE:
            if value not in self.option_list():
                raise ValidationError(_("Scegli una delle opzioni."))
            return value
        text = str(value).strip()
        if len(text) > 500:
            raise ValidationError(_("La risposta è troppo lunga: al massimo 500 caratteri."))
        return text
