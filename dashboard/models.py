"""What the dashboard keeps of its own: when a user last looked at their home page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HomeVisit(models.Model):
    """The last time a user opened their home page, so that the referrer's list of
    referrals marks what changed since (dashboard.services.home_visited)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="home_visit",
        verbose_name=_("utente"),
    )
    seen_at = models.DateTimeField(_("ultima visita"))

    class Meta:
        verbose_name = _("ultima visita alla home")
        verbose_name_plural = _("ultime visite alla home")

    def __str__(self):
        return f"{self.user} · {self.seen_at:%Y-%m-%d %H:%M}"


class SiussCode(models.Model):
    """One line of the mapping from what Abitare records to the codes of the Ambiti's
    social-services information system (SIUSS: the national Sistema informativo
    unitario dei servizi sociali, d.lgs. 147/2017 art. 24). The official code lists are
    not in the product: the admin writes each code as the Ambito's system expects it,
    and ticks it as checked against the official list (docs/reporting.md)."""

    class Kind(models.TextChoices):
        INTERVENTION = "intervention", _("Tipo di intervento")
        HOUSING_CONDITION = "housing_condition", _("Condizione abitativa (ETHOS Light)")
        CHARACTERISTIC = "characteristic", _("Caratteristica del beneficiario")

    kind = models.CharField(_("tabella"), max_length=20, choices=Kind.choices)
    key = models.CharField(
        _("voce di Abitare"),
        max_length=40,
        help_text=_(
            "Il valore che Abitare registra: il tipo di progetto, «placement» per "
            "l'accoglienza in alloggio, la categoria ETHOS Light, la vulnerabilità."
        ),
    )
    code = models.CharField(_("codice SIUSS"), max_length=30)
    label = models.CharField(_("descrizione"), max_length=200)
    source = models.CharField(
        _("fonte"),
        max_length=300,
        blank=True,
        help_text=_("Da dove viene il codice: il documento ufficiale e la sua versione."),
    )
    verified = models.BooleanField(
        _("verificato sull'elenco ufficiale"),
        default=False,
        help_text=_("Finché non è verificato, l'esportazione lo segnala accanto al codice."),
    )

    class Meta:
        verbose_name = _("codice SIUSS")
        verbose_name_plural = _("codici SIUSS")
        ordering = ["kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                name="siuss_code_one_per_key",
                violation_error_message=_("Questa voce ha già un codice in questa tabella."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.key} → {self.code}"


class FigureSnapshot(models.Model):
    """Figures computed once and read many times (dashboard.figures): the raw results
    of a dashboard's aggregate queries for one set of projects, period and split, with
    when they were computed. Counts only, about nobody: the page that reads them has
    already checked the user's access to those projects."""

    key = models.CharField(_("chiave"), max_length=64, unique=True)
    kind = models.CharField(_("tipo"), max_length=40)
    params = models.JSONField(_("parametri"))
    value = models.JSONField(_("valori"))
    computed_at = models.DateTimeField(_("calcolati il"))
    took_ms = models.PositiveIntegerField(_("durata del calcolo (ms)"), default=0)
    read_at = models.DateTimeField(_("ultima lettura"))
    refresh_requested_at = models.DateTimeField(_("aggiornamento chiesto il"), null=True)

    class Meta:
        verbose_name = _("cifre precalcolate")
        verbose_name_plural = _("cifre precalcolate")

    def __str__(self):
        return f"{self.kind} · {self.computed_at:%Y-%m-%d %H:%M}"
