from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.validators import (
    normalise_code,
    validate_istat_code,
    validate_organisation_codice_fiscale,
    validate_partita_iva,
)


class Organisation(TimeStampedModel):
    """An organisation of the network (ente partner): a consortium, a social
    cooperative, a municipality, a union of municipalities, a special consortium
    company, a territorial district or another third-sector body."""

    class Kind(models.TextChoices):
        CONSORTIUM = "consortium", _("Consorzio")
        SOCIAL_COOPERATIVE = "social_cooperative", _("Cooperativa sociale")
        MUNICIPALITY = "municipality", _("Comune")
        UNION_OF_MUNICIPALITIES = "union", _("Unione di comuni")
        SPECIAL_CONSORTIUM_COMPANY = "special_company", _("Azienda speciale consortile")
        TERRITORIAL_DISTRICT = "district", _("Ambito territoriale")
        OTHER_THIRD_SECTOR = "third_sector", _("Altro ente del terzo settore")

    name = models.CharField(_("denominazione"), max_length=200, unique=True)
    short_name = models.CharField(_("nome breve"), max_length=60, blank=True)
    slug = models.SlugField(_("identificativo"), max_length=80, unique=True)
    kind = models.CharField(_("tipo di ente"), max_length=30, choices=Kind.choices)
    tax_code = models.CharField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_organisation_codice_fiscale],
    )
    vat_number = models.CharField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva]
    )
    istat_code = models.CharField(
        _("codice ISTAT"),
        max_length=6,
        blank=True,
        validators=[validate_istat_code],
        help_text=_("Solo per i comuni: il codice ISTAT di 6 cifre."),
    )
    street = models.CharField(_("indirizzo"), max_length=200, blank=True)
    postcode = models.CharField(_("CAP"), max_length=5, blank=True)
    town = models.CharField(_("comune"), max_length=100, blank=True)
    province = models.CharField(_("provincia"), max_length=2, blank=True)
    email = models.EmailField(_("email"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)
    parents = models.ManyToManyField(
        "self",
        through="OrganisationMembership",
        through_fields=("member", "parent"),
        symmetrical=False,
        related_name="members",
        verbose_name=_("fa parte di"),
        blank=True,
    )

    class Meta:
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="organisation_unique_tax_code",
                violation_error_message=_("Esiste già un ente con questo codice fiscale."),
            ),
            models.UniqueConstraint(
                fields=["vat_number"],
                condition=~Q(vat_number=""),
                name="organisation_unique_vat_number",
                violation_error_message=_("Esiste già un ente con questa partita IVA."),
            ),
            models.UniqueConstraint(
                fields=["istat_code"],
                condition=~Q(istat_code=""),
                name="organisation_unique_istat_code",
                violation_error_message=_("Esiste già un comune con questo codice ISTAT."),
            ),
            models.CheckConstraint(
                condition=Q(kind="municipality") | Q(istat_code=""),
                name="organisation_istat_only_for_municipalities",
                violation_error_message=_("Solo un comune ha un codice ISTAT."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:organisation_detail", kwargs={"slug": self.slug})

    def clean(self):
        # Codes are stored the way they are printed on documents: no spaces, upper case.
        self.tax_code = normalise_code(self.tax_code)
        self.vat_number = normalise_code(self.vat_number)
        self.province = self.province.upper()

    @property
    def display_name(self):
        return self.short_name or self.name


class OrganisationMembership(models.Model):
    """One organisation belonging to another: a cooperative in a consortium, a
    municipality in a union of municipalities or in a territorial district."""

    member = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships_as_member",
        verbose_name=_("ente aderente"),
    )
    parent = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships_as_parent",
        verbose_name=_("fa parte di"),
    )
    since = models.DateField(_("dal"), null=True, blank=True)

    class Meta:
        verbose_name = _("adesione")
        verbose_name_plural = _("adesioni")
        ordering = ["parent__name", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "parent"],
                name="organisation_membership_unique",
                violation_error_message=_("Questo ente fa già parte di quell'ente."),
            ),
            models.CheckConstraint(
                condition=~Q(member=models.F("parent")),
                name="organisation_membership_not_self",
                violation_error_message=_("Un ente non può far parte di sé stesso."),
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.parent}"


class StaffMembership(TimeStampedModel):
    """A user working for an organisation in a role. A user may work for several
    organisations; what they may see is the union of what each membership allows."""

    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", _("Operatore sociale")
        COORDINATOR = "coordinator", _("Coordinatore")
        MUNICIPAL_REFERRER = "municipal_referrer", _("Referente del servizio sociale comunale")
        ORGANISATION_ADMIN = "organisation_admin", _("Amministratore dell'ente")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        verbose_name=_("utente"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        verbose_name=_("ente"),
    )
    role = models.CharField(_("ruolo"), max_length=30, choices=Role.choices)
    job_title = models.CharField(_("qualifica"), max_length=100, blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("personale")
        verbose_name_plural = _("personale")
        ordering = ["organisation__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="staff_membership_unique",
                violation_error_message=_("Questo utente ha già questo ruolo in questo ente."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
