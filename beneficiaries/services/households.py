"""Writes of households, people and consent. Each service asks the access object whether
the acting user may do it, keeps the rules of the domain, saves everything or nothing,
and writes the audit trail."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import (
    SPECIAL_CATEGORY_KINDS,
    Consent,
    Household,
    Person,
    Referral,
    Vulnerability,
)
from beneficiaries.selectors import households as households_selectors
from core import audit
from core.access import access_for
from partners.models import Organisation, StaffMembership

Role = StaffMembership.Role


Status = Referral.Status


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
    access = access_for(user)
    access.require(access.may_register_households())
    access.require(registered_by.pk in access.frontline_organisations)
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
    access_for(user).require(access_for(user).may_write_household(household))
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
    if not access_for(user).may_read_special(household):
        # Special categories (GDPR art. 9) the user may not read: they may neither add
        # them nor, by leaving out what they cannot see, remove them.
        special = SPECIAL_CATEGORY_KINDS
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
    access_for(user).require(access_for(user).may_write_household(household))
    return _person_save(user=user, person=Person(household=household, **fields))


def _person_save(*, user, person: Person) -> Person:
    person.full_clean()
    person.save()
    audit.record_create(actor=user, instance=person, household=person.household)
    return person


@transaction.atomic
def person_update(*, user, person: Person, **fields) -> Person:
    access_for(user).require(access_for(user).may_write_household(person.household))
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
    access_for(user).require(access_for(user).may_write_household(household))
    consent = Consent(household=household, recorded_by=user, **fields)
    consent.guardian_name = (consent.guardian_name or "").strip()
    if not organisations:
        raise ValidationError({"organisations": _("Indica almeno un ente.")})
    _check_signatory(consent)
    consent.full_clean()
    consent.save()
    consent.organisations.set(organisations)
    audit.record_create(actor=user, instance=consent, household=household)
    return consent


def _check_signatory(consent: Consent) -> None:
    """A consent is signed by an adult member of the household or by a legal guardian,
    never by a minor. Other legal bases (a public task, a legal obligation...) need no
    signature."""
    person = consent.given_by
    if person is not None and person.household_id != consent.household_id:
        raise ValidationError({"given_by": _("La persona non fa parte di questo nucleo.")})
    if consent.legal_basis != Consent.LegalBasis.CONSENT:
        return
    if person is None and not consent.guardian_name:
        raise ValidationError(
            {
                "given_by": _(
                    "Indica chi ha firmato il consenso: un componente maggiorenne del nucleo "
                    "o il tutore legale."
                )
            }
        )
    if person is not None and consent.given_on and person.is_minor(consent.given_on):
        raise ValidationError(
            {
                "given_by": _(
                    "%(name)s è minorenne e non può firmare il consenso: indica un componente "
                    "maggiorenne del nucleo o scrivi il nome del tutore legale."
                )
                % {"name": person.full_name}
            }
        )


class ConsentMissing(ValidationError):
    """Refusal of a step of the pathway for which the household has not consented (or
    no other legal basis covers) with the organisations that would process its data.
    Views show the message with a link to the consent form of `household`."""

    def __init__(self, *, household: Household, gaps):
        self.household = household
        self.gaps = gaps
        parts = [
            _("«%(purpose)s» con %(organisations)s")
            % {"purpose": gap.purpose_label, "organisations": gap.organisation_names}
            if gap.organisations
            else _("«%(purpose)s»") % {"purpose": gap.purpose_label}
            for gap in gaps
        ]
        super().__init__(
            _(
                "Manca un consenso valido del nucleo per %(missing)s. Registralo nella "
                "scheda del nucleo (Consensi) e riprova."
            )
            % {"missing": "; ".join(parts)},
            code="consent_missing",
        )


def consent_require(*, household: Household, project, holding_organisation=None) -> None:
    """Refuse (ConsentMissing) unless the household's consents in force cover every
    purpose `project` needs with its organisations (and the holding one, for a case)."""
    gaps = households_selectors.consent_gaps(
        household=household, project=project, holding_organisation=holding_organisation
    )
    if gaps:
        raise ConsentMissing(household=household, gaps=gaps)


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, on: datetime.date | None = None) -> Consent:
    access_for(user).require(access_for(user).may_write_household(consent.household))
    before = audit.snapshot(consent)
    consent.withdrawn_on = on or timezone.localdate()
    consent.full_clean()
    consent.save()
    audit.record_update(actor=user, instance=consent, before=before, household=consent.household)
    return consent


def household_file_opened(*, user, household: Household) -> None:
    """Log that a user opened a household file (GDPR accountability)."""
    audit.record_view(actor=user, instance=household, household=household)


def person_form_opened(*, user, person: Person) -> None:
    """Log that a user opened a person's form, which shows all of that person's data."""
    audit.record_view(actor=user, instance=person, household=person.household)
