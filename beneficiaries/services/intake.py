"""Writes of the intake: drafting, sending and deciding referrals. Each service asks the
access object, keeps the state machine, saves everything or nothing, writes the audit
trail and tells who must know (core.signals)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import (
    Household,
    Referral,
    ReferralEvent,
    WaitingListEntry,
)
from beneficiaries.services.households import consent_require
from core import audit, signals
from core.access import access_for
from partners.models import Organisation, StaffMembership
from projects.models import Participation, Project

Role = StaffMembership.Role


Status = Referral.Status


def referrable_projects(*, organisation: Organisation):
    """Projects an organisation may refer households to: those it takes part in."""
    return Project.objects.filter(participations__organisation=organisation).distinct()


def eligibility_field(question) -> str:
    """The name under which a form asks a project's question, and errors name it."""
    return f"question_{question.pk}"


def checked_eligibility_answers(*, project: Project, answers: dict) -> list[dict]:
    """The answers to the project's eligibility questions ({question id: value}) as the
    referral keeps them: each with the question's text and kind as they are now, so the
    evaluation reads what was asked even if an admin edits the question later. Raises a
    ValidationError naming every question whose answer is missing (when required) or
    wrong; answers to questions of other projects are ignored."""
    errors, kept = {}, []
    for question in project.eligibility_questions.all():
        value = answers.get(question.pk)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if question.required:
                errors[eligibility_field(question)] = _(
                    "Rispondi a questa domanda: il progetto la chiede a ogni segnalazione."
                )
            continue
        try:
            value = question.clean_answer(value)
        except ValidationError as error:
            errors[eligibility_field(question)] = error.messages
            continue
        kept.append(
            {"question": question.pk, "text": question.text, "kind": question.kind, "answer": value}
        )
    if errors:
        raise ValidationError(errors)
    return kept


def referral_check(
    *,
    household: Household,
    project: Project | None,
    referring_organisation: Organisation | None,
    **_fields,
) -> None:
    """The rules of a referral's project; nothing to check while either is missing (the
    form says so)."""
    if project is None or referring_organisation is None:
        return
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
    eligibility_answers: dict | None = None,
    ethos_light: str = "",
) -> Referral:
    """Draft a referral (and send it at once when `send`), with the answers to the
    project's eligibility questions ({question id: value}; required ones must be there,
    draft or not)."""
    access = access_for(user)
    access.require(access.may_register_households())
    access.require(referring_organisation.pk in access.frontline_organisations)
    access.require(access.may_write_household(household))
    referral_check(
        household=household, project=project, referring_organisation=referring_organisation
    )
    answers = checked_eligibility_answers(project=project, answers=eligibility_answers or {})
    referral = Referral(
        household=household,
        project=project,
        referring_organisation=referring_organisation,
        created_by=user,
        reason=reason,
        urgency=urgency,
        eligibility_answers=answers,
        ethos_light=ethos_light,
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
    if not access_for(user).may_move_referral(referral, to_status):
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
    if to_status in (Status.SENT, Status.ACCEPTED):
        # The project's organisations read the household's data from now on.
        consent_require(household=referral.household, project=referral.project)
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
    signals.referral_moved.send(sender=Referral, referral=referral, to_status=to_status, actor=user)
    return referral
