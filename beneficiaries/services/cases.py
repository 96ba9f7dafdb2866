"""Writes of cases: opening a case from an accepted referral and assigning its workers.
Each service asks the access object, saves everything or nothing, writes the audit trail
and tells who must know (core.signals)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import (
    Case,
    CaseAssignment,
    Referral,
)
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.services.households import consent_require
from core import audit, signals
from core.access import access_for
from partners.models import Organisation, StaffMembership
from projects.models import Participation, Project

Role = StaffMembership.Role


Status = Referral.Status


def case_holding_organisations(*, project: Project):
    """Organisations that may hold a case of the project: those that take part in it
    in a role that does casework."""
    return Organisation.objects.filter(
        participations__project=project,
        participations__role__in=[
            Participation.Role.LEAD,
            Participation.Role.OPERATIONAL_COORDINATOR,
            Participation.Role.PARTNER,
        ],
    ).distinct()


def _foreign_workers(*, organisation: Organisation, workers) -> list:
    """The workers in `workers` who may not be assigned to a case of `organisation`."""
    allowed = set(
        cases_selectors.assignable_workers(organisations=[organisation]).values_list(
            "pk", flat=True
        )
    )
    return [worker for worker in workers if worker.pk not in allowed]


def case_open_check(
    *,
    referral: Referral,
    holding_organisation: Organisation | None,
    workers,
    opened_on: datetime.date | None,
    **_fields,
) -> None:
    """The rules of opening a case, every problem at once; None for a value the form
    could not read (that value is then not checked)."""
    if referral.status != Status.ACCEPTED:
        raise ValidationError(
            _("Si può aprire una presa in carico solo da una segnalazione accolta.")
        )
    errors = {}
    holds = (
        holding_organisation is not None
        and case_holding_organisations(project=referral.project)
        .filter(pk=holding_organisation.pk)
        .exists()
    )
    if holding_organisation is not None and not holds:
        errors["holding_organisation"] = _("Questo ente non lavora nel progetto.")
    if holds and workers:
        foreign = _foreign_workers(organisation=holding_organisation, workers=workers)
        if foreign:
            errors["workers"] = [
                _("%(worker)s non lavora per l'ente titolare.") % {"worker": worker}
                for worker in foreign
            ]
    if opened_on and opened_on > timezone.localdate():
        errors["opened_on"] = _("La data di apertura non può essere nel futuro.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_open(
    *,
    user,
    referral: Referral,
    holding_organisation: Organisation,
    workers: list,
    opened_on: datetime.date | None = None,
    ethos_light: str = "",
) -> Case:
    """Take charge (presa in carico) of the household of an accepted referral."""
    access = access_for(user)
    access.require(access.may_coordinate(referral.project))
    opened_on = opened_on or timezone.localdate()
    case_open_check(
        referral=referral,
        holding_organisation=holding_organisation,
        workers=workers,
        opened_on=opened_on,
    )
    consent_require(
        household=referral.household,
        project=referral.project,
        holding_organisation=holding_organisation,
    )
    case = Case(
        household=referral.household,
        project=referral.project,
        referral=referral,
        holding_organisation=holding_organisation,
        opened_on=opened_on,
        ethos_light=ethos_light,
    )
    case.full_clean()
    case.save()
    audit.record_create(actor=user, instance=case, household=case.household)
    added = _assign(user=user, case=case, workers=workers)
    signals.case_workers_added.send(sender=Case, case=case, workers=added, actor=user, opened=True)
    return case


def _assign(*, user, case: Case, workers) -> list:
    """Make `workers` the case's workers; returns the workers newly added."""
    foreign = _foreign_workers(organisation=case.holding_organisation, workers=workers)
    if foreign:
        raise ValidationError(
            {
                "workers": [
                    _("%(worker)s non lavora per l'ente titolare.") % {"worker": worker}
                    for worker in foreign
                ]
            }
        )
    current = set(case.assignments.values_list("worker_id", flat=True))
    wanted = {w.pk for w in workers}
    added = []
    for worker in workers:
        if worker.pk not in current:
            added.append(worker)
            assignment = CaseAssignment.objects.create(case=case, worker=worker)
            audit.record_create(
                actor=user, instance=assignment, household=case.household, case=case
            )
    for assignment in case.assignments.filter(worker_id__in=current - wanted).select_related(
        "worker"
    ):
        audit.record(
            actor=user,
            action=audit.Action.DELETE,
            instance=assignment,
            household=case.household,
            case=case,
            changes={"worker": [str(assignment.worker), None]},
        )
        assignment.delete()
    return added


@transaction.atomic
def case_assign_workers(*, user, case: Case, workers: list) -> Case:
    """Set the social workers of a case (the project's coordinators, or the holding
    organisation's coordinator)."""
    access = access_for(user)
    access.require(access.may_assign_workers(case))
    if not case.is_open:
        raise ValidationError(_("La presa in carico è chiusa."))
    if not workers:
        raise ValidationError({"workers": _("Assegna almeno un operatore.")})
    added = _assign(user=user, case=case, workers=workers)
    if added:
        signals.case_workers_added.send(
            sender=Case, case=case, workers=added, actor=user, opened=False
        )
    return case


# The pages of a case, as the read log names them (in the network's language).
CASE_PAGES = {
    "case": gettext_lazy("scheda"),
    "plan": gettext_lazy("progetto individualizzato"),
    "assessments": gettext_lazy("valutazioni dell'autonomia"),
    "diary": gettext_lazy("diario"),
    "documents": gettext_lazy("documenti"),
    "exit": gettext_lazy("dimissione e follow-up"),
    "appointments": gettext_lazy("appuntamenti"),
}


def case_page_opened(*, user, case: Case, page: str) -> None:
    """Log that a user opened one of a case's pages (GDPR accountability: every page
    that shows the case file is in the read log, like the household file)."""
    with translation.override(settings.LANGUAGE_CODE):
        label = str(CASE_PAGES[page])
    audit.record_view(actor=user, instance=case, household=case.household, case=case, page=label)
