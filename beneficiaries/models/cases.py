"""The case (presa in carico) and the social workers assigned to it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.ethos import ethos_field
from beneficiaries.models.households import Household
from beneficiaries.models.intake import Referral
from core.models import TimeStampedModel
from partners.models import Organisation
from projects.models import Project


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
    # The day of the last contact with the household: the latest entry of the case's own
    # diary or of a group activity the household took part in (in any case's diary).
    # Kept by beneficiaries.services.pathway.refresh_last_contact whenever an entry is
    # written, so that "no contact for 30 days" is a column, not a computation per case.
    last_contact_on = models.DateField(_("ultimo contatto"), null=True, blank=True, editable=False)
    ethos_light = ethos_field(_("situazione ETHOS Light all'ingresso"))

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
        # The caseload's order: PostgreSQL walks it and stops at the page's 25 cases
        # instead of sorting every visible case (docs/performance.md).
        indexes = [
            models.Index(
                F("closed_on").asc(),
                F("opened_on").desc(),
                F("id").desc(),
                name="case_caseload_order",
            ),
            # The cases an organisation holds, open or not, with their project and id; and
            # a project's, with their holder: read from the index alone, the choices of
            # project and worker of the caseload (Access.case_values) and of the
            # caseloads page (Access.assignable_case_values).
            models.Index(
                fields=["holding_organisation", "closed_on", "project", "id"],
                name="case_holding_project",
            ),
            models.Index(
                fields=["project", "closed_on", "holding_organisation", "id"],
                name="case_project_open",
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
        # A worker's cases read from the index alone (the first part of Access.case_values).
        indexes = [models.Index(fields=["worker", "case"], name="case_assignment_worker_case")]

    def __str__(self):
        return f"{self.worker} · {self.case}"
