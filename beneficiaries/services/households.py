"""Writes of personal data. Each service checks that the acting user may do it, keeps
the rules of the domain, saves everything or nothing, and writes the audit trail."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import (
    Consent,
    Household,
    Person,
    Referral,
    Vulnerability,
)
from beneficiaries.selectors import households as households_selectors
from core import audit, scoping
from partners.models import Organisation, StaffMembership

Role = StaffMembership.Role


Status = Referral.Status


def _require_frontline(user) -> None:
    if not scoping.has_role(user, *households_selectors.FRONTLINE_ROLES):
        raise PermissionDenied


def _require_can_edit(user, household: Household) -> None:
    # The caller has already found the household through the scoping layer (404 first);
    # checked again here so that no caller can write to a household its user cannot see.
    if not households_selectors.can_edit_household(user=user, household=household):
        raise PermissionDenied
    _require_visible(user, household)


def _require_visible(user, household: Household) -> None:
    if not households_selectors.visible_households(user=user).filter(pk=household.pk).exists():
        raise PermissionDenied


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
    if registered_by.pk not in scoping.organisation_ids(user, households_selectors.FRONTLINE_ROLES):
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
    if not households_selectors.can_see_special_categories(user=user, household=household):
        # Special categories (GDPR art. 9) the user may not read: they may neither add
        # them nor, by leaving out what they cannot see, remove them.
        special = households_selectors.SPECIAL_CATEGORY_KINDS
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


def household_file_opened(*, user, household: Household) -> None:
    """Log that a user opened a household file (GDPR accountability)."""
    audit.record(actor=user, action=audit.Action.VIEW, instance=household, household=household)
