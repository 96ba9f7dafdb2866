"""Writes of the support pathway: the plan and its goals, actions and reviews, the
autonomy assessments, the diary, the documents, the closing of a case and its
follow-up.

Each service is called with a case (or a row of it) that the view found through
beneficiaries.selectors.pathway, so an object out of the user's scope is already a 404;
here the role is checked (PermissionDenied), the rules kept (ValidationError, nothing
saved), and the audit trail written in the same transaction.

The rules of what a form sends are `*_check` functions that raise one ValidationError
with every problem found; they take None for a value the form could not read, so the
views run them even when the form has errors of its own (core.forms.is_valid_with_rules)
and the user reads all the errors at once.
"""

from __future__ import annotations

import datetime
import os

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beneficiaries import autonomy, documents
from beneficiaries.models import (
    Action,
    AutonomyAssessment,
    AutonomyScore,
    Case,
    CaseExit,
    CaseNote,
    Document,
    FollowUp,
    Goal,
    Household,
    LifeDomain,
    Person,
    Review,
    SupportPlan,
    WaitingListEntry,
)
from beneficiaries.selectors import pathway as pathway_selectors
from core import audit
from core.access import CASEWORK_ROLES, access_for
from core.dates import add_months
from partners.models import Organisation, StaffMembership
from users.models import User

FOLLOW_UP_MONTHS = (3, 6, 12)


def _refuse_if_closed(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("La presa in carico è chiusa: non si può più modificare."))


def _not_in_future(errors: dict, field: str, day: datetime.date | None) -> None:
    if day and day > timezone.localdate():
        errors.setdefault(field, _("La data non può essere nel futuro."))


def _not_before_opening(errors: dict, field: str, day: datetime.date | None, case: Case) -> None:
    if day and day < case.opened_on:
        errors.setdefault(
            field,
            _("La data non può precedere l'apertura della presa in carico (%(date)s).")
            % {"date": date_format(case.opened_on, "SHORT_DATE_FORMAT")},
        )


def _raise_any(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def acting_organisation(*, user, case: Case) -> Organisation:
    """The organisation on whose behalf the user writes in a case: the holding
    organisation when they work there, else their own (a coordinating one first)."""
    access = access_for(user)
    casework_orgs = access.casework_organisations
    if case.holding_organisation_id in casework_orgs:
        return case.holding_organisation
    for membership in access.memberships:
        if membership.role == StaffMembership.Role.COORDINATOR:
            return membership.organisation
    for membership in access.memberships:
        if membership.organisation_id in casework_orgs:
            return membership.organisation
    raise PermissionDenied


def plan_check(*, case: Case, agreed_on: datetime.date | None, **_fields) -> None:
    _refuse_if_closed(case)
    if SupportPlan.objects.filter(case=case).exists():
        raise ValidationError(_("Questa presa in carico ha già un progetto individualizzato."))
    errors = {}
    _not_in_future(errors, "agreed_on", agreed_on)
    _not_before_opening(errors, "agreed_on", agreed_on, case)
    _raise_any(errors)


@transaction.atomic
def plan_create(
    *,
    user,
    case: Case,
    agreed_on: datetime.date,
    review_interval_months: int = SupportPlan.ReviewInterval.QUARTERLY,
    summary: str = "",
) -> SupportPlan:
    """Write the case's support plan, agreed with the household on `agreed_on`, and
    schedule its first review."""
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    plan_check(case=case, agreed_on=agreed_on)
    plan = SupportPlan(
        case=case,
        agreed_on=agreed_on,
        review_interval_months=review_interval_months,
        summary=summary,
        created_by=user,
    )
    plan.full_clean()
    plan.save()
    audit.record_create(actor=user, instance=plan, household=case.household, case=case)
    _schedule_review(user=user, plan=plan, on=plan.next_review_after(agreed_on))
    return plan


@transaction.atomic
def plan_update(
    *, user, plan: SupportPlan, review_interval_months: int, summary: str
) -> SupportPlan:
    """Change the plan's general aim and the interval of its reviews (the next review
    already scheduled keeps its date)."""
    case = plan.case
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    _refuse_if_closed(case)
    before = audit.snapshot(plan)
    plan.review_interval_months = review_interval_months
    plan.summary = summary
    plan.full_clean()
    plan.save()
    audit.record_update(
        actor=user, instance=plan, before=before, household=case.household, case=case
    )
    return plan


def _schedule_review(*, user, plan: SupportPlan, on: datetime.date) -> Review:
    review = Review(plan=plan, scheduled_on=on)
    review.full_clean()
    review.save()
    audit.record_create(actor=user, instance=review, household=plan.case.household, case=plan.case)
    return review


@transaction.atomic
def goal_add(
    *, user, plan: SupportPlan, domain: str, description: str, visible_to_household: bool = False
) -> Goal:
    case = plan.case
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    _refuse_if_closed(case)
    goal = Goal(
        plan=plan,
        domain=domain,
        description=description.strip(),
        visible_to_household=visible_to_household,
    )
    goal.full_clean()
    goal.save()
    audit.record_create(actor=user, instance=goal, household=case.household, case=case)
    return goal


@transaction.atomic
def household_sharing_set(*, user, item: Goal | Action, visible: bool) -> Goal | Action:
    """Show a goal or an action to the household in «Il mio percorso», or stop showing
    it. A health goal is never shown (special category, other adults read the view)."""
    case = item.plan.case if isinstance(item, Goal) else item.goal.plan.case
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    _refuse_if_closed(case)
    goal = item if isinstance(item, Goal) else item.goal
    if visible and goal.domain == LifeDomain.HEALTH:
        raise ValidationError(_("Gli obiettivi di salute non sono mai mostrati al nucleo."))
    if item.visible_to_household == visible:
        return item
    before = audit.snapshot(item)
    item.visible_to_household = visible
    item.save(update_fields=["visible_to_household", "updated_at"])
    audit.record_update(
        actor=user, instance=item, before=before, household=case.household, case=case
    )
    return item


def goal_close_check(
    *, goal: Goal, status: str | None, closed_on: datetime.date | None, **_fields
) -> None:
    _refuse_if_closed(goal.plan.case)
    if not goal.is_open:
        raise ValidationError(_("L'obiettivo è già concluso."))
    errors = {}
    # "Not reached at exit" is for the exit alone (case_close), never chosen by hand.
    if status and (status not in Goal.CLOSED_STATUSES or status == Goal.Status.NOT_REACHED):
        errors["status"] = _("Scegli se l'obiettivo è raggiunto, raggiunto in parte o abbandonato.")
    _not_in_future(errors, "closed_on", closed_on)
    _raise_any(errors)


@transaction.atomic
def goal_close(
    *,
    user,
    goal: Goal,
    status: str,
    closed_on: datetime.date | None = None,
    outcome_notes: str = "",
) -> Goal:
    """End a goal as achieved, partly achieved or abandoned."""
    case = goal.plan.case
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    closed_on = closed_on or timezone.localdate()
    goal_close_check(goal=goal, status=status, closed_on=closed_on)
    if not status:
        raise ValidationError(
            {"status": _("Scegli se l'obiettivo è raggiunto, raggiunto in parte o abbandonato.")}
        )
    before = audit.snapshot(goal)
    goal.status = status
    goal.closed_on = closed_on
    goal.outcome_notes = outcome_notes
    goal.full_clean()
    goal.save()
    audit.record_update(
        actor=user, instance=goal, before=before, household=case.household, case=case
    )
    return goal


def responsible_workers(*, case: Case):
    """Who may be the worker responsible for an action: the social workers and
    coordinators of the holding organisation, and the workers assigned to the case."""
    from django.db.models import Q

    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                staff_memberships__organisation_id=case.holding_organisation_id,
                staff_memberships__role__in=CASEWORK_ROLES,
                staff_memberships__is_active=True,
            )
            | Q(case_assignments__case_id=case.pk)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def responsible_organisations():
    """Any active organisation of the network may take on an action (the directory of
    organisations is not personal data)."""
    return Organisation.objects.filter(is_active=True).order_by("name")


def action_check(
    *,
    goal: Goal,
    due_on: datetime.date | None,
    responsible_kind: str | None,
    responsible_worker=None,
    responsible_person: Person | None = None,
    responsible_organisation: Organisation | None = None,
    **_fields,
) -> None:
    """The rules of a new action. Who is responsible is one choice: its errors go on the
    form's `responsible` field; no kind (the form found none) checks nobody."""
    plan = goal.plan
    case = plan.case
    _refuse_if_closed(case)
    if not goal.is_open:
        raise ValidationError(_("L'obiettivo è concluso: non si aggiungono altre azioni."))
    errors = {}
    if due_on and due_on < plan.agreed_on:
        errors["due_on"] = _("La scadenza non può precedere l'inizio del progetto (%(date)s).") % {
            "date": date_format(plan.agreed_on, "SHORT_DATE_FORMAT")
        }
    if responsible_kind == Action.Responsible.WORKER:
        if responsible_worker is None:
            errors["responsible"] = _("Scegli l'operatore responsabile.")
        elif not responsible_workers(case=case).filter(pk=responsible_worker.pk).exists():
            errors["responsible"] = _("Questo operatore non lavora su questa presa in carico.")
    elif responsible_kind == Action.Responsible.HOUSEHOLD_MEMBER:
        if responsible_person is None:
            errors["responsible"] = _("Scegli il componente responsabile.")
        elif responsible_person.household_id != case.household_id:
            errors["responsible"] = _("La persona non fa parte di questo nucleo.")
    elif responsible_kind == Action.Responsible.ORGANISATION and responsible_organisation is None:
        errors["responsible"] = _("Scegli l'ente responsabile.")
    _raise_any(errors)


@transaction.atomic
def action_add(
    *,
    user,
    goal: Goal,
    description: str,
    due_on: datetime.date,
    responsible_kind: str,
    responsible_worker=None,
    responsible_person: Person | None = None,
    responsible_organisation: Organisation | None = None,
    visible_to_household: bool = False,
) -> Action:
    """Add an action to a goal, with who is responsible for it and by when."""
    plan = goal.plan
    case = plan.case
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    action_check(
        goal=goal,
        due_on=due_on,
        responsible_kind=responsible_kind,
        responsible_worker=responsible_worker,
        responsible_person=responsible_person,
        responsible_organisation=responsible_organisation,
    )
    if not responsible_kind:
        raise ValidationError({"responsible": _("Scegli chi è responsabile dell'azione.")})
    # Only the responsible of the chosen kind is kept.
    worker = responsible_worker if responsible_kind == Action.Responsible.WORKER else None
    person = responsible_person if responsible_kind == Action.Responsible.HOUSEHOLD_MEMBER else None
    organisation = (
        responsible_organisation if responsible_kind == Action.Responsible.ORGANISATION else None
    )
    action = Action(
        goal=goal,
        description=description.strip(),
        due_on=due_on,
        responsible_kind=responsible_kind,
        responsible_worker=worker,
        responsible_person=person,
        responsible_organisation=organisation,
        visible_to_household=visible_to_household,
    )
    action.full_clean()
    action.save()
    audit.record_create(actor=user, instance=action, household=case.household, case=case)
    return action


@transaction.atomic
def action_set_status(
    *, user, action: Action, status: str, done_on: datetime.date | None = None
) -> Action:
    case = action.goal.plan.case
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    _refuse_if_closed(case)
    if status not in Action.Status.values:
        raise ValidationError({"status": _("Stato non valido.")})
    before = audit.snapshot(action)
    action.status = status
    if status == Action.Status.DONE:
        action.done_on = done_on or timezone.localdate()
        errors = {}
        _not_in_future(errors, "done_on", action.done_on)
        _raise_any(errors)
    else:
        action.done_on = None
    action.full_clean()
    action.save()
    audit.record_update(
        actor=user, instance=action, before=before, household=case.household, case=case
    )
    return action


def review_check(
    *, review: Review, held_on: datetime.date | None, outcome: str | None, **_fields
) -> None:
    plan = review.plan
    _refuse_if_closed(plan.case)
    if review.is_held:
        raise ValidationError(_("Questa verifica è già stata registrata."))
    errors = {}
    if outcome is not None and not outcome.strip():
        errors["outcome"] = _("Scrivi l'esito della verifica.")
    _not_in_future(errors, "held_on", held_on)
    if held_on and held_on < plan.agreed_on:
        errors.setdefault("held_on", _("La verifica non può precedere l'inizio del progetto."))
    _raise_any(errors)


@transaction.atomic
def review_record(*, user, review: Review, held_on: datetime.date, outcome: str) -> Review:
    """Record a review as held, with its outcome, and schedule the next one at the
    plan's interval."""
    plan = review.plan
    case = plan.case
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    review_check(review=review, held_on=held_on, outcome=outcome)
    if not outcome.strip() or not held_on:
        raise ValidationError(
            {"outcome": _("Scrivi l'esito della verifica.")}
            if held_on
            else {"held_on": _("Indica quando si è svolta la verifica.")}
        )
    before = audit.snapshot(review)
    review.held_on = held_on
    review.outcome = outcome.strip()
    review.recorded_by = user
    review.full_clean()
    review.save()
    audit.record_update(
        actor=user, instance=review, before=before, household=case.household, case=case
    )
    if not plan.reviews.filter(held_on__isnull=True).exists():
        _schedule_review(user=user, plan=plan, on=plan.next_review_after(held_on))
    return review


def assessment_check(
    *,
    case: Case,
    moment: str | None,
    taken_on: datetime.date | None,
    levels: dict[str, int | None],
    review: Review | None = None,
    **_fields,
) -> None:
    """The rules of an assessment; a domain without a level is the form's to say."""
    if not case.is_open and moment != AutonomyAssessment.Moment.EXIT:
        raise ValidationError(
            _("La presa in carico è chiusa: si può registrare solo la valutazione d'uscita.")
        )
    errors = {}
    unknown = set(levels) - set(autonomy.Domain.values)
    if unknown:
        errors[NON_FIELD_ERRORS] = [
            _("Ambito sconosciuto: %(domains)s.") % {"domains": ", ".join(sorted(unknown))}
        ]
    for domain, level in levels.items():
        if level is not None and level not in autonomy.LEVELS:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Il livello di «%(domain)s» va da 1 a 5.")
                % {"domain": autonomy.domain_label(domain)}
            )
    _not_in_future(errors, "taken_on", taken_on)
    _not_before_opening(errors, "taken_on", taken_on, case)
    if review is not None and review.plan.case_id != case.pk:
        errors["review"] = _("La verifica è di un'altra presa in carico.")
    _raise_any(errors)


@transaction.atomic
def assessment_record(
    *,
    user,
    case: Case,
    moment: str,
    taken_on: datetime.date,
    levels: dict[str, int | None],
    notes: str = "",
    review: Review | None = None,
) -> AutonomyAssessment:
    """Record an autonomy assessment: a level for every one of the ten domains."""
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    missing = [d.label for d in autonomy.DOMAINS if not levels.get(d.value)]
    if missing:
        raise ValidationError(
            _("Manca il livello di questi ambiti: %(domains)s. Valuta tutti e dieci gli ambiti.")
            % {"domains": ", ".join(str(m) for m in missing)}
        )
    assessment_check(case=case, moment=moment, taken_on=taken_on, levels=levels, review=review)
    assessment = AutonomyAssessment(
        case=case, moment=moment, taken_on=taken_on, review=review, notes=notes, assessed_by=user
    )
    assessment.full_clean()
    assessment.save()
    scores = [
        AutonomyScore(assessment=assessment, domain=d.value, level=levels[d.value])
        for d in autonomy.DOMAINS
    ]
    AutonomyScore.objects.bulk_create(scores)
    audit.record(
        actor=user,
        action=audit.Action.CREATE,
        instance=assessment,
        household=case.household,
        case=case,
        changes={
            **{k: [None, v] for k, v in audit.snapshot(assessment).items() if v not in (None, "")},
            "levels": [None, {d.value: levels[d.value] for d in autonomy.DOMAINS}],
        },
    )
    return assessment


def case_note_check(
    *,
    user,
    case: Case,
    happened_on: datetime.date | None,
    kind: str | None,
    households=(),
    **_fields,
) -> None:
    _refuse_if_closed(case)
    errors = {}
    _not_in_future(errors, "happened_on", happened_on)
    _not_before_opening(errors, "happened_on", happened_on, case)
    households = [h for h in households or () if h.pk != case.household_id]
    if households and kind and kind not in CaseNote.GROUP_KINDS:
        errors["households"] = _(
            "Altri nuclei si indicano solo per le attività di gruppo o di comunità."
        )
    elif households:
        allowed = set(
            pathway_selectors.linkable_households(user=user, case=case).values_list("pk", flat=True)
        )
        if any(h.pk not in allowed for h in households):
            errors["households"] = _(
                "Puoi indicare solo nuclei che segui in una presa in carico aperta."
            )
    _raise_any(errors)


def refresh_last_contact(*, household_ids=None) -> int:
    """Write Case.last_contact_on again for every case of these households (of all
    households when None), from the diaries: after an entry is written, after a group
    activity forgets a household (privacy erasure), after a bulk load (demo). One UPDATE;
    returns the number of cases."""
    cases = Case.objects.all()
    if household_ids is not None:
        cases = cases.filter(household_id__in=list(household_ids))
    return cases.update(last_contact_on=pathway_selectors.computed_last_contact())


@transaction.atomic
def case_note_create(
    *,
    user,
    case: Case,
    happened_on: datetime.date,
    kind: str,
    duration_minutes: int,
    text: str,
    is_confidential: bool = False,
    households: list[Household] | tuple = (),
) -> CaseNote:
    """Write a diary entry. A group or community activity may name other households that
    took part: those of the open cases the author follows."""
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    case_note_check(user=user, case=case, happened_on=happened_on, kind=kind, households=households)
    households = [h for h in households if h.pk != case.household_id]
    note = CaseNote(
        case=case,
        happened_on=happened_on,
        kind=kind,
        duration_minutes=duration_minutes,
        text=text.strip(),
        is_confidential=is_confidential,
        author=user,
        author_organisation=acting_organisation(user=user, case=case),
    )
    note.full_clean()
    note.save()
    if households:
        note.households.set(households)
    refresh_last_contact(household_ids=[case.household_id, *(h.pk for h in households)])
    audit.record_create(actor=user, instance=note, household=case.household, case=case)
    for household in households:
        # The other households' histories show that they appear in this entry.
        audit.record(
            actor=user,
            action=audit.Action.CREATE,
            instance=note,
            household=household,
            case=case,
            changes={"households": [None, str(household.pk)]},
        )
    return note


def document_check(
    *,
    case: Case,
    kind: str | None,
    file,
    person: Person | None = None,
    expires_on: datetime.date | None = None,
    **_fields,
):
    """Every problem of an upload at once; the file is read whole and parsed
    (beneficiaries.documents.check_document). Returns its content type and the extension
    it is stored with."""
    _refuse_if_closed(case)
    errors = {}
    checked = None
    if file is not None:
        try:
            checked = documents.check_document(file)
        except ValidationError as error:
            errors["file"] = error.messages
    if kind in Document.KINDS_WITH_EXPIRY and not expires_on:
        errors["expires_on"] = _("Indica la data di scadenza del documento.")
    if person is not None and person.household_id != case.household_id:
        errors["person"] = _("La persona non fa parte di questo nucleo.")
    _raise_any(errors)
    return checked


@transaction.atomic
def document_upload(
    *,
    user,
    case: Case,
    kind: str,
    file,
    person: Person | None = None,
    title: str = "",
    expires_on: datetime.date | None = None,
) -> Document:
    """Keep a household's document in the private storage. Only PDF, JPEG and PNG files
    are accepted, up to DOCUMENT_MAX_UPLOAD_BYTES, each read whole and parsed
    (beneficiaries.documents.check_document): nothing is stored when one is refused."""
    access = access_for(user)
    access.require(access.may_write_pathway(case))
    if file is None:
        raise ValidationError({"file": _("Scegli il file da caricare.")})
    content_type, stored_extension = document_check(
        case=case, kind=kind, file=file, person=person, expires_on=expires_on
    )
    original_name = os.path.basename(file.name)[:255]
    file.name = f"document{stored_extension}"
    document = Document(
        case=case,
        person=person,
        kind=kind,
        title=title.strip(),
        file=file,
        original_name=original_name,
        content_type=content_type,
        size=file.size,
        expires_on=expires_on,
        uploaded_by=user,
    )
    document.full_clean()
    document.save()
    try:
        audit.record_create(actor=user, instance=document, household=case.household, case=case)
    except Exception:
        # The row goes with the transaction; the file on disk must go too.
        document.file.storage.delete(document.file.name)
        raise
    return document


def document_downloaded(*, user, document: Document) -> None:
    """Log that a user downloaded a document (GDPR accountability)."""
    audit.record(
        actor=user,
        action=audit.Action.VIEW,
        instance=document,
        household=document.case.household,
        case=document.case,
    )


def _locked_document(document: Document) -> Document:
    """The document's row, locked until the end of the transaction: two corrections of
    one document are made one after the other, and the second sees the first."""
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("case__household", "person")
        .get(pk=document.pk)
    )


@transaction.atomic
def document_replace(
    *,
    user,
    document: Document,
    file,
    title: str = "",
    expires_on: datetime.date | None = None,
) -> Document:
    """Replace a document by a newer version (a renewed permit, this year's ISEE): the
    new file is checked and kept as any upload, of the same kind and person; the old one
    stays, superseded, linked to its successor, until the household's retention ends."""
    access = access_for(user)
    access.require(access.may_correct_document(document))
    document = _locked_document(document)
    if document.superseded_by_id is not None:
        raise ValidationError(
            _("Questo documento è già stato sostituito: sostituisci la versione attuale.")
        )
    successor = document_upload(
        user=user,
        case=document.case,
        kind=document.kind,
        file=file,
        person=document.person,
        title=title.strip() or document.title,
        expires_on=expires_on,
    )
    try:
        before = audit.snapshot(document)
        document.superseded_by = successor
        document.full_clean()
        document.save(update_fields=["superseded_by", "updated_at"])
        audit.record_update(
            actor=user,
            instance=document,
            before=before,
            household=document.case.household,
            case=document.case,
        )
    except Exception:
        # The successor's row goes with the transaction; its file must go too.
        successor.file.storage.delete(successor.file.name)
        raise
    return successor


@transaction.atomic
def document_delete(*, user, document: Document, reason: str) -> None:
    """Delete a wrong upload (another person's scan, the wrong file): the row goes, and
    its file leaves the storage once the transaction has committed (a rollback keeps
    both). The history keeps who deleted it, when and why, with its kind and whose it
    was, never the file, its name or its description.

    Deleting the current version makes the previous one current again; deleting a
    version in the middle links its predecessor to its successor."""
    access = access_for(user)
    access.require(access.may_correct_document(document))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Scrivi perché elimini il documento.")})
    document = _locked_document(document)
    case = document.case
    predecessor_id = (
        Document.objects.filter(superseded_by=document).values_list("pk", flat=True).first()
    )
    successor_id = document.superseded_by_id
    storage, name = document.file.storage, document.file.name
    audit.record(
        actor=user,
        action=audit.Action.DELETE,
        instance=document,
        household=case.household,
        case=case,
        changes={
            "kind": [document.kind, None],
            "person": [document.person_id, None],
            "expires_on": [audit.snapshot(document)["expires_on"], None],
            "deletion_reason": [None, reason],
        },
    )
    document.delete()
    if predecessor_id is not None and successor_id is not None:
        Document.objects.filter(pk=predecessor_id).update(superseded_by_id=successor_id)
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def case_close_check(
    *,
    case: Case,
    closed_on: datetime.date | None,
    reason: str | None,
    destination: str | None,
    autonomy_reached: str | None,
    schedule_follow_ups: bool | None,
    goal_outcome: str | None = Goal.Status.NOT_REACHED,
    goal_outcomes: dict[int, str] | None = None,
    required: bool = False,
    **_fields,
) -> None:
    """The rules of closing a case. `required`: a missing value is an error here too (the
    service's call); a form says that itself."""
    _refuse_if_closed(case)
    errors = {}
    goal_outcomes = goal_outcomes or {}
    open_goals = set(
        Goal.objects.filter(plan__case=case, status=Goal.Status.OPEN).values_list("pk", flat=True)
    )
    if open_goals and goal_outcome not in Goal.CLOSED_STATUSES:
        errors["goal_outcome"] = _("Scegli come si concludono gli obiettivi ancora in corso.")
    if set(goal_outcomes) - open_goals or any(
        status not in Goal.CLOSED_STATUSES for status in goal_outcomes.values() if status
    ):
        errors["goal_outcome"] = _(
            "Uno degli obiettivi indicati non è in corso in questa presa in carico: "
            "ricarica la pagina e riprova."
        )
    if required:
        if not reason:
            errors["reason"] = _("Indica il motivo dell'uscita.")
        if not destination:
            errors["destination"] = _("Indica dove va a vivere il nucleo.")
        if not autonomy_reached:
            errors["autonomy_reached"] = _("Indica se il nucleo ha raggiunto l'autonomia.")
        if not closed_on:
            errors["closed_on"] = _("Indica la data di uscita.")
    _not_in_future(errors, "closed_on", closed_on)
    _not_before_opening(errors, "closed_on", closed_on, case)
    if (
        schedule_follow_ups
        and closed_on
        and not pathway_selectors.has_follow_up_basis(case=case, on=closed_on)
    ):
        errors["schedule_follow_ups"] = _(
            "Il nucleo non ha un consenso (o un'altra base giuridica) per essere "
            "ricontattato dopo l'uscita: registralo nella scheda del nucleo, oppure "
            "chiudi senza programmare i follow-up."
        )
    _raise_any(errors)


@transaction.atomic
def case_close(
    *,
    user,
    case: Case,
    closed_on: datetime.date,
    reason: str,
    destination: str,
    autonomy_reached: str,
    notes: str = "",
    schedule_follow_ups: bool = True,
    goal_outcome: str = Goal.Status.NOT_REACHED,
    goal_outcomes: dict[int, str] | None = None,
    ethos_light: str = "",
) -> CaseExit:
    """Close a case (dimissione) with its outcome — why, where the household goes,
    whether it reached autonomy — and what hangs from it: the goals still open end as
    `goal_outcome` (or, goal by goal, as `goal_outcomes` says), the open actions and the
    reviews not held are cancelled, the household leaves the project's waiting list,
    and the follow-up contacts at 3, 6 and 12 months are scheduled when the household
    agreed to be contacted. All in one transaction, each change in the audit trail.

    This is the case's side of the exit. The exit page closes through
    housing.services.case_close_with_placements, which first ends the household's
    placement in the project (housing sits above beneficiaries and may call this; the
    reverse may not import housing)."""
    access = access_for(user)
    access.require(access.may_close(case))
    case = Case.objects.select_for_update().select_related("household").get(pk=case.pk)
    case_close_check(
        case=case,
        closed_on=closed_on,
        reason=reason,
        destination=destination,
        autonomy_reached=autonomy_reached,
        schedule_follow_ups=schedule_follow_ups,
        goal_outcome=goal_outcome,
        goal_outcomes=goal_outcomes,
        required=True,
    )
    goal_outcomes = goal_outcomes or {}
    open_goals = list(Goal.objects.filter(plan__case=case, status=Goal.Status.OPEN))
    _close_what_hangs(
        user=user,
        case=case,
        closed_on=closed_on,
        goals={goal: goal_outcomes.get(goal.pk) or goal_outcome for goal in open_goals},
    )
    before = audit.snapshot(case)
    case.closed_on = closed_on
    case.full_clean()
    case.save()
    audit.record(
        actor=user,
        action=audit.Action.TRANSITION,
        instance=case,
        household=case.household,
        changes=audit.diff(before, audit.snapshot(case)),
    )
    case_exit = CaseExit(
        case=case,
        closed_on=closed_on,
        reason=reason,
        destination=destination,
        autonomy_reached=autonomy_reached,
        ethos_light=ethos_light,
        notes=notes,
        recorded_by=user,
    )
    case_exit.full_clean()
    case_exit.save()
    audit.record_create(actor=user, instance=case_exit, household=case.household, case=case)
    if schedule_follow_ups:
        for months in FOLLOW_UP_MONTHS:
            follow_up = FollowUp(
                case=case, months_after_exit=months, due_on=add_months(closed_on, months)
            )
            follow_up.full_clean()
            follow_up.save()
            audit.record_create(actor=user, instance=follow_up, household=case.household, case=case)
    return case_exit


def follow_up_check(
    *,
    follow_up: FollowUp,
    done_on: datetime.date | None,
    still_housed: str | None,
    housing_situation: str | None,
    required: bool = False,
    **_fields,
) -> None:
    case = follow_up.case
    if follow_up.is_done:
        raise ValidationError(_("Questo follow-up è già stato registrato."))
    errors = {}
    if required and not still_housed:
        errors["still_housed"] = _("Indica se il nucleo ha ancora una casa.")
    if required and not done_on:
        errors["done_on"] = _("Indica la data del contatto.")
    if still_housed == FollowUp.StillHoused.YES and not housing_situation:
        errors["housing_situation"] = _("Indica dove vive ora il nucleo.")
    _not_in_future(errors, "done_on", done_on)
    contradiction = FollowUp.contradiction(still_housed, housing_situation)
    if contradiction:
        errors.setdefault("housing_situation", contradiction)
    if case.closed_on and done_on and done_on < case.closed_on:
        errors.setdefault("done_on", _("Il follow-up non può precedere l'uscita."))
    if done_on and done_on < follow_up.window_opens_on:
        errors.setdefault(
            "done_on",
            _(
                "Il follow-up a %(months)d mesi si può registrare dal %(opens)s, due "
                "settimane prima della scadenza del %(due)s: registra un contatto fatto "
                "da quel giorno in poi."
            )
            % {
                "months": follow_up.months_after_exit,
                "opens": date_format(follow_up.window_opens_on, "SHORT_DATE_FORMAT"),
                "due": date_format(follow_up.due_on, "SHORT_DATE_FORMAT"),
            },
        )
    _raise_any(errors)


def _close_what_hangs(*, user, case: Case, closed_on: datetime.date, goals: dict) -> None:
    """At the exit: end the open goals as chosen, cancel the open actions and the reviews
    not held, take the household off the project's waiting list."""
    household = case.household
    for goal, status in goals.items():
        before = audit.snapshot(goal)
        goal.status = status
        goal.closed_on = closed_on
        goal.full_clean()
        goal.save()
        audit.record_update(
            actor=user, instance=goal, before=before, household=household, case=case
        )
    for action in Action.objects.filter(
        goal__plan__case=case, status__in=Action.OPEN_STATUSES
    ).order_by("pk"):
        before = audit.snapshot(action)
        action.status = Action.Status.CANCELLED
        action.full_clean()
        action.save()
        audit.record_update(
            actor=user, instance=action, before=before, household=household, case=case
        )
    for review in Review.objects.filter(plan__case=case, held_on__isnull=True).order_by("pk"):
        audit.record(
            actor=user,
            action=audit.Action.DELETE,
            instance=review,
            household=household,
            case=case,
            changes={"scheduled_on": [str(review.scheduled_on), None]},
        )
        review.delete()
    today = timezone.localdate()
    for entry in WaitingListEntry.objects.filter(
        household=household, project_id=case.project_id, removed_on__isnull=True
    ):
        before = audit.snapshot(entry)
        entry.removed_on = max(today, entry.added_on)
        entry.removal_reason = WaitingListEntry.RemovalReason.CASE_CLOSED
        entry.full_clean()
        entry.save()
        audit.record_update(actor=user, instance=entry, before=before, household=household)


@transaction.atomic
def follow_up_record(
    *,
    user,
    follow_up: FollowUp,
    done_on: datetime.date,
    still_housed: str,
    housing_situation: str = "",
    where: str = "",
    notes: str = "",
    ethos_light: str = "",
) -> FollowUp:
    """Record the result of a follow-up contact: is the household still housed, where."""
    case = follow_up.case
    access = access_for(user)
    access.require(access.may_close(case))
    follow_up_check(
        follow_up=follow_up,
        done_on=done_on,
        still_housed=still_housed,
        housing_situation=housing_situation,
        required=True,
    )
    before = audit.snapshot(follow_up)
    follow_up.done_on = done_on
    follow_up.still_housed = still_housed
    follow_up.housing_situation = housing_situation
    follow_up.where = where.strip()
    follow_up.ethos_light = ethos_light
    follow_up.notes = notes
    follow_up.recorded_by = user
    follow_up.full_clean()
    follow_up.save()
    audit.record_update(
        actor=user, instance=follow_up, before=before, household=case.household, case=case
    )
    return follow_up
