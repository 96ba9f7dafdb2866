"""Writes of personal data. Each service checks that the acting user may do it, keeps
the rules of the domain, saves everything or nothing, and writes the audit trail."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scoping
from partners.models import Organisation, StaffMembership
from projects.models import Participation, Project

from . import selectors
from .models import (
    Case,
    CaseAssignment,
    Consent,
    Household,
    Person,
    Referral,
    ReferralEvent,
    Vulnerability,
    WaitingListEntry,
)

Role = StaffMembership.Role
Status = Referral.Status


def _require_frontline(user) -> None:
    if not scoping.has_role(user, *selectors.FRONTLINE_ROLES):
        raise PermissionDenied


def _require_can_edit(user, household: Household) -> None:
    # The caller has already found the household through the scoping layer (404 first);
    # checked again here so that no caller can write to a household its user cannot see.
    if not selectors.can_edit_household(user=user, household=household):
        raise PermissionDenied
    _require_visible(user, household)


def _require_visible(user, household: Household) -> None:
    if not selectors.visible_households(user=user).filter(pk=household.pk).exists():
        raise PermissionDenied


# Households and people --------------------------------------------------------------


@transaction.atomic
def household_create(
    *,
    user,
    registered_by: Organisation,
    reference_person: dict,
    vulnerabilities: list[str] = (),
    **fields,
) -> Household:
    """Register a household with its reference person."""
    _require_frontline(user)
    if registered_by.pk not in scoping.organisation_ids(user, selectors.FRONTLINE_ROLES):
        raise PermissionDenied
    household = Household(registered_by=registered_by, **fields)
    household.full_clean()
    household.save()
    reference = Person(
        household=household, relationship=Person.Relationship.REFERENCE, **reference_person
    )
    reference.full_clean()
    reference.save()
    # The household's row first, named after its reference person (saved just above).
    audit.record_create(actor=user, instance=household, household=household)
    audit.record_create(actor=user, instance=reference, household=household)
    _set_vulnerabilities(user=user, household=household, kinds=vulnerabilities)
    return household


@transaction.atomic
def household_update(
    *, user, household: Household, vulnerabilities: list[str] | None = None, **fields
) -> Household:
    _require_can_edit(user, household)
    before = audit.snapshot(household)
    for name, value in fields.items():
        setattr(household, name, value)
    household.full_clean()
    household.save()
    audit.record_update(actor=user, instance=household, before=before, household=household)
    if vulnerabilities is not None:
        _set_vulnerabilities(user=user, household=household, kinds=vulnerabilities)
    return household


def _set_vulnerabilities(*, user, household: Household, kinds) -> None:
    wanted = set(kinds)
    # Read from the database, not from a prefetch the caller may hold; and drop that
    # prefetch, so the household in hand shows what is saved.
    current = {v.kind: v for v in Vulnerability.objects.filter(household=household)}
    getattr(household, "_prefetched_objects_cache", {}).pop("vulnerabilities", None)
    if not selectors.can_see_special_categories(user=user, household=household):
        # Special categories (GDPR art. 9) the user may not read: they may neither add
        # them nor, by leaving out what they cannot see, remove them.
        special = selectors.SPECIAL_CATEGORY_KINDS
        if (wanted & special) - current.keys():
            raise ValidationError(
                {
                    "vulnerabilities": _(
                        "Salute, disabilità e violenza domestica sono dati particolari: "
                        "le registrano solo gli operatori e i coordinatori che seguono il "
                        "caso."
                    )
                }
            )
        wanted = (wanted - special) | (current.keys() & special)
    for kind in wanted - current.keys():
        vulnerability = Vulnerability.objects.create(household=household, kind=kind)
        audit.record_create(actor=user, instance=vulnerability, household=household)
    for kind in current.keys() - wanted:
        vulnerability = current[kind]
        audit.record(
            actor=user,
            action=audit.Action.DELETE,
            instance=vulnerability,
            household=household,
            changes={"kind": [kind, None]},
        )
        vulnerability.delete()


@transaction.atomic
def person_create(*, user, household: Household, **fields) -> Person:
    _require_can_edit(user, household)
    return _person_save(user=user, person=Person(household=household, **fields))


def _person_save(*, user, person: Person) -> Person:
    person.full_clean()
    person.save()
    audit.record_create(actor=user, instance=person, household=person.household)
    return person


@transaction.atomic
def person_update(*, user, person: Person, **fields) -> Person:
    _require_can_edit(user, person.household)
    before = audit.snapshot(person)
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    audit.record_update(actor=user, instance=person, before=before, household=person.household)
    return person


@transaction.atomic
def consent_record(
    *, user, household: Household, organisations: list[Organisation], **fields
) -> Consent:
    _require_can_edit(user, household)
    consent = Consent(household=household, recorded_by=user, **fields)
    if consent.given_by_id and consent.given_by.household_id != household.pk:
        raise ValidationError({"given_by": _("La persona non fa parte di questo nucleo.")})
    consent.full_clean()
    consent.save()
    if not organisations:
        raise ValidationError({"organisations": _("Indica almeno un ente.")})
    consent.organisations.set(organisations)
    audit.record_create(actor=user, instance=consent, household=household)
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, on: datetime.date | None = None) -> Consent:
    _require_can_edit(user, consent.household)
    before = audit.snapshot(consent)
    consent.withdrawn_on = on or timezone.localdate()
    consent.full_clean()
    consent.save()
    audit.record_update(actor=user, instance=consent, before=before, household=consent.household)
    return consent


# Referrals --------------------------------------------------------------------------


def referrable_projects(*, organisation: Organisation):
    """Projects an organisation may refer households to: those it takes part in."""
    return Project.objects.filter(participations__organisation=organisation).distinct()


@transaction.atomic
def referral_create(
    *,
    user,
    household: Household,
    project: Project,
    referring_organisation: Organisation,
    reason: str,
    urgency: str,
    send: bool = False,
) -> Referral:
    """Draft a referral (and send it at once when `send`)."""
    _require_frontline(user)
    if referring_organisation.pk not in scoping.organisation_ids(user, selectors.FRONTLINE_ROLES):
        raise PermissionDenied
    _require_visible(user, household)
    if not Participation.objects.filter(
        project=project, organisation=referring_organisation
    ).exists():
        raise ValidationError(
            {
                "project": _(
                    "%(organisation)s non partecipa al progetto %(project)s: "
                    "non può inviargli segnalazioni."
                )
                % {"organisation": referring_organisation, "project": project}
            }
        )
    if Referral.objects.filter(
        household=household, project=project, status__in=Referral.OPEN_STATUSES
    ).exists():
        raise ValidationError(
            {"project": _("Il nucleo ha già una segnalazione in corso per questo progetto.")}
        )
    referral = Referral(
        household=household,
        project=project,
        referring_organisation=referring_organisation,
        created_by=user,
        reason=reason,
        urgency=urgency,
    )
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(referral=referral, to_status=Status.DRAFT, by=user)
    audit.record_create(actor=user, instance=referral, household=household)
    if send:
        referral_transition(user=user, referral=referral, to_status=Status.SENT)
    return referral


@transaction.atomic
def referral_transition(*, user, referral: Referral, to_status: str, notes: str = "") -> Referral:
    """Move a referral to its next state, recording who and when."""
    # Lock the row so two coordinators deciding at once cannot both succeed.
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not selectors.can_move_referral(user=user, referral=referral, to_status=to_status):
        raise PermissionDenied
    if not referral.can_move_to(to_status):
        raise ValidationError(
            _("Una segnalazione nello stato «%(current)s» non può passare a «%(next)s».")
            % {
                "current": referral.get_status_display(),
                "next": Status(to_status).label,
            }
        )
    if to_status == Status.DECLINED and not notes.strip():
        raise ValidationError(
            {"notes": _("Indica il motivo per cui la segnalazione non è accolta.")}
        )
    before = audit.snapshot(referral)
    from_status = referral.status
    now = timezone.now()
    referral.status = to_status
    if to_status == Status.SENT:
        referral.sent_at = now
    if to_status in (Status.ACCEPTED, Status.DECLINED):
        referral.decided_at = now
        referral.decision_notes = notes
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, by=user, notes=notes
    )
    audit.record(
        actor=user,
        action=audit.Action.TRANSITION,
        instance=referral,
        household=referral.household,
        changes=audit.diff(before, audit.snapshot(referral)),
    )
    if to_status == Status.ACCEPTED:
        entry = WaitingListEntry(
            referral=referral,
            project=referral.project,
            household=referral.household,
            added_on=timezone.localdate(),
        )
        entry.full_clean()
        entry.save()
    return referral


# Cases ------------------------------------------------------------------------------


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


def assignable_workers(*, organisation: Organisation):
    from users.models import User

    return User.objects.filter(
        is_active=True,
        staff_memberships__organisation=organisation,
        staff_memberships__role__in=selectors.CASEWORK_ROLES,
        staff_memberships__is_active=True,
    ).distinct()


@transaction.atomic
def case_open(
    *,
    user,
    referral: Referral,
    holding_organisation: Organisation,
    workers: list,
    opened_on: datetime.date | None = None,
) -> Case:
    """Take charge (presa in carico) of the household of an accepted referral."""
    selectors.require_coordinator_of_project(user=user, project=referral.project)
    if referral.status != Status.ACCEPTED:
        raise ValidationError(
            _("Si può aprire una presa in carico solo da una segnalazione accolta.")
        )
    if (
        not case_holding_organisations(project=referral.project)
        .filter(pk=holding_organisation.pk)
        .exists()
    ):
        raise ValidationError({"holding_organisation": _("Questo ente non lavora nel progetto.")})
    case = Case(
        household=referral.household,
        project=referral.project,
        referral=referral,
        holding_organisation=holding_organisation,
        opened_on=opened_on or timezone.localdate(),
    )
    if case.opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("La data di apertura non può essere nel futuro.")})
    case.full_clean()
    case.save()
    audit.record_create(actor=user, instance=case, household=case.household)
    _assign(user=user, case=case, workers=workers)
    return case


def _assign(*, user, case: Case, workers) -> None:
    allowed = set(
        assignable_workers(organisation=case.holding_organisation).values_list("pk", flat=True)
    )
    for worker in workers:
        if worker.pk not in allowed:
            raise ValidationError(
                {"workers": _("%(worker)s non lavora per l'ente titolare.") % {"worker": worker}}
            )
    current = set(case.assignments.values_list("worker_id", flat=True))
    wanted = {w.pk for w in workers}
    for worker in workers:
        if worker.pk not in current:
            assignment = CaseAssignment.objects.create(case=case, worker=worker)
            audit.record_create(actor=user, instance=assignment, household=case.household)
    for assignment in case.assignments.filter(worker_id__in=current - wanted).select_related(
        "worker"
    ):
        audit.record(
            actor=user,
            action=audit.Action.DELETE,
            instance=assignment,
            household=case.household,
            changes={"worker": [str(assignment.worker), None]},
        )
        assignment.delete()


@transaction.atomic
def case_assign_workers(*, user, case: Case, workers: list) -> Case:
    """Set the social workers of a case (the project's coordinators, or the holding
    organisation's coordinator)."""
    if not selectors.can_assign_workers(user=user, case=case):
        raise PermissionDenied
    if not case.is_open:
        raise ValidationError(_("La presa in carico è chiusa."))
    if not workers:
        raise ValidationError({"workers": _("Assegna almeno un operatore.")})
    _assign(user=user, case=case, workers=workers)
    return case


# The household file -----------------------------------------------------------------


def household_file_opened(*, user, household: Household) -> None:
    """Log that a user opened a household file (GDPR accountability)."""
    audit.record(actor=user, action=audit.Action.VIEW, instance=household, household=household)
