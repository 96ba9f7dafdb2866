"""The rights of the people the network holds data about (GDPR art. 15–17, 20) and the
storage limitation (art. 5(1)(e)).

- Access and portability: `person_export` gathers everything the network holds about
  one person — their own data, their household's, its referrals, cases, support plans,
  assessments, diary, documents (described, not the files), exits, follow-ups,
  placements, consents, and who did what to them (the audit trail) — as plain data,
  rendered as a page and as a JSON download.
- Rectification goes through the existing forms of people and households.
- Erasure by anonymisation: `household_anonymise` removes what identifies the members
  (names, codice fiscale, contacts, exact birth date — the year stays —, addresses),
  clears every free text (notes, diary, reasons, outcomes), deletes the documents with
  their files, and clears the values kept in the audit trail's copies. What is left
  (kinds, dates of the pathway, outcomes as choices) feeds the anonymous statistics of
  the network. The household is erased as a whole: its case, plan and diary describe
  it together.
- Retention: erasure is refused, with the reason, while a legal obligation to keep the
  records applies: a case still open, a referral or waiting list place still running,
  a placement not ended, or a case closed less than RETENTION_YEARS (default 10) years
  ago (see docs/register-of-processing.md for why ten). `apply_retention`, run daily,
  anonymises the households whose last case closed more than that ago.

Who: the coordinators of a project holding the household's case (or, before any case,
that received its referral). Everyone else who sees the household gets a 403; whoever
does not see it, a 404 (beneficiaries.selectors).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import (
    SPECIAL_CATEGORY_KINDS,
    Action,
    AutonomyAssessment,
    Case,
    CaseExit,
    CaseNote,
    Consent,
    Document,
    FollowUp,
    Goal,
    Household,
    Person,
    Referral,
    ReferralEvent,
    Review,
    SupportPlan,
    Vulnerability,
    WaitingListEntry,
    years_before,
)
from beneficiaries.selectors import households as households_selectors
from core import audit
from core.access import access_for
from core.models import AuditEvent

ANONYMOUS = "Anonimo"


CLEARED = "—"


def retention_years() -> int:
    return getattr(settings, "RETENTION_YEARS", 10)


def person_for_rights(*, user, public_id) -> Person:
    """The person, or 404 if the user may not see them, or 403 if they may see them but
    not answer their requests."""
    person = households_selectors.person_for_user(user=user, public_id=public_id)
    if not access_for(user).may_exercise_rights(person.household):
        raise PermissionDenied
    return person


@dataclass
class Obstacle:
    """Why the records of a household must still be kept."""

    reason: str
    until: datetime.date | None = None


def retention_obstacles(household: Household, today: datetime.date | None = None):
    """The reasons the household's data must still be kept (empty: it may be erased)."""
    from housing.models import Placement

    today = today or timezone.localdate()
    years = retention_years()
    obstacles = []
    for case in Case.objects.filter(household=household).select_related("project"):
        if case.closed_on is None:
            obstacles.append(
                Obstacle(
                    _("La presa in carico in %(project)s è ancora aperta.")
                    % {"project": case.project.display_name}
                )
            )
            continue
        until = _add_years(case.closed_on, years)
        if until > today:
            obstacles.append(
                Obstacle(
                    _(
                        "La presa in carico in %(project)s è stata chiusa il %(closed)s: "
                        "la documentazione dei servizi sociali va conservata per %(years)d "
                        "anni, fino al %(until)s."
                    )
                    % {
                        "project": case.project.display_name,
                        "closed": case.closed_on.strftime("%d/%m/%Y"),
                        "years": years,
                        "until": until.strftime("%d/%m/%Y"),
                    },
                    until=until,
                )
            )
    if Referral.objects.filter(household=household, status__in=Referral.OPEN_STATUSES).exists():
        obstacles.append(Obstacle(_("Una segnalazione del nucleo è ancora in corso.")))
    if WaitingListEntry.objects.filter(household=household, removed_on__isnull=True).exists():
        obstacles.append(Obstacle(_("Il nucleo è in lista d'attesa.")))
    if Placement.objects.filter(household=household, end_date__isnull=True).exists():
        obstacles.append(Obstacle(_("Il nucleo è ancora inserito in un alloggio.")))
    return obstacles


def _add_years(day: datetime.date, years: int) -> datetime.date:
    # years_before with a negative count: 29 February becomes 28 February.
    return years_before(day, -years)


def is_anonymised(household: Household) -> bool:
    return AuditEvent.objects.filter(
        household=household, action=AuditEvent.Action.ANONYMISE
    ).exists()


def due_for_retention(today: datetime.date | None = None):
    """Households whose every case closed more than RETENTION_YEARS ago, with nothing
    else still running, not yet anonymised."""
    from housing.models import Placement

    today = today or timezone.localdate()
    cutoff = years_before(today, retention_years())
    return (
        Household.objects.filter(cases__isnull=False)
        .exclude(cases__closed_on__isnull=True)
        .exclude(cases__closed_on__gt=cutoff)
        .exclude(referrals__status__in=Referral.OPEN_STATUSES)
        .exclude(
            pk__in=WaitingListEntry.objects.filter(removed_on__isnull=True).values("household")
        )
        .exclude(pk__in=Placement.objects.filter(end_date__isnull=True).values("household"))
        .exclude(
            pk__in=AuditEvent.objects.filter(action=AuditEvent.Action.ANONYMISE).values("household")
        )
        .distinct()
    )


def _date(value):
    return value.isoformat() if value else None


def _choice(instance, name):
    value = getattr(instance, name)
    if value in (None, ""):
        return None
    return {"valore": value, "etichetta": str(getattr(instance, f"get_{name}_display")())}


def _user_name(user):
    return str(user) if user else None


def person_export(*, user, person: Person) -> dict:
    """Everything the network holds about one person, as plain data (JSON-ready). The
    other members appear only by name and relationship (art. 15(4)); the special
    categories follow the same rule as the household file; confidential diary entries
    of other organisations are listed without their text (the organisation that wrote
    them answers for them)."""
    from housing.models import Placement

    household = person.household
    special = access_for(user).may_read_special(household)
    own_orgs = access_for(user).organisation_ids()
    cases = list(
        Case.objects.filter(household=household)
        .select_related("project", "holding_organisation")
        .prefetch_related("workers")
        .order_by("opened_on", "pk")
    )
    vulnerabilities = [
        v
        for v in Vulnerability.objects.filter(household=household).order_by("kind")
        if special or v.kind not in SPECIAL_CATEGORY_KINDS
    ]
    data = {
        "formato": "abitare.dati-personali/1",
        "generato_il": timezone.now().isoformat(),
        "titolare": _("La rete Abitare per l'abitare sociale"),
        "persona": {
            "identificativo": str(person.public_id),
            "nome": person.first_name,
            "cognome": person.last_name,
            "data_di_nascita": _date(person.birth_date),
            "sesso": _choice(person, "sex"),
            "codice_fiscale": person.codice_fiscale or None,
            "cittadinanza": str(person.citizenship.name) if person.citizenship else None,
            "lingue": person.languages or None,
            "relazione": _choice(person, "relationship"),
            "permesso_di_soggiorno": _choice(person, "residence_permit_kind"),
            "permesso_rilasciato_il": _date(person.residence_permit_issued_on),
            "permesso_valido_fino_al": _date(person.residence_permit_expires_on),
            "telefono": person.phone or None,
            "email": person.email or None,
            "registrata_il": _date(person.created_at),
        },
        "nucleo": {
            "identificativo": str(household.public_id),
            "registrato_da": household.registered_by.display_name,
            "situazione_abitativa": _choice(household, "living_situation"),
            "indirizzo": household.current_address or None,
            "isee": str(household.isee_value) if household.isee_value is not None else None,
            "isee_rilasciato_il": _date(household.isee_issued_on),
            "isee_valido_fino_al": _date(household.isee_expires_on),
            "note": household.notes or None,
            "vulnerabilita": [
                {"tipo": _choice(v, "kind"), "note": v.notes or None} for v in vulnerabilities
            ],
            "dati_particolari_omessi": not special,
            "altri_componenti": [
                {
                    "nome": f"{other.first_name} {other.last_name}",
                    "relazione": _choice(other, "relationship"),
                }
                for other in household.members.exclude(pk=person.pk).order_by("birth_date")
            ],
        },
        "consensi": [
            {
                "finalita": _choice(c, "purpose"),
                "base_giuridica": _choice(c, "legal_basis"),
                "per_gli_enti": [o.display_name for o in c.organisations.all()],
                "dal": _date(c.given_on),
                "al": _date(c.expires_on),
                "revocato_il": _date(c.withdrawn_on),
                "espresso_da": c.given_by.full_name if c.given_by else None,
            }
            for c in Consent.objects.filter(household=household)
            .select_related("given_by")
            .prefetch_related("organisations")
        ],
        "segnalazioni": [
            {
                "progetto": r.project.display_name,
                "ente_inviante": r.referring_organisation.display_name,
                "motivo": r.reason,
                "urgenza": _choice(r, "urgency"),
                "stato": _choice(r, "status"),
                "inviata_il": _date(r.sent_at),
                "decisa_il": _date(r.decided_at),
                "motivazione": r.decision_notes or None,
                "passaggi": [
                    {
                        "da": _choice(e, "from_status"),
                        "a": _choice(e, "to_status"),
                        "quando": _date(e.at),
                        "note": e.notes or None,
                    }
                    for e in r.events.all()
                ],
            }
            for r in Referral.objects.filter(household=household)
            .select_related("project", "referring_organisation")
            .prefetch_related("events")
            .order_by("created_at")
        ],
        "prese_in_carico": [_case_export(case, person=person, own_orgs=own_orgs) for case in cases],
        "inserimenti_in_alloggio": [
            {
                "alloggio": str(p.unit),
                "dal": _date(p.start_date),
                "fine_prevista": _date(p.planned_end_date),
                "al": _date(p.end_date),
                "quota_mensile": str(p.monthly_contribution)
                if p.monthly_contribution is not None
                else None,
                "motivo_uscita": _choice(p, "exit_reason"),
                "destinazione": _choice(p, "destination"),
                "note_uscita": p.exit_notes or None,
                "componenti": [m.full_name for m in p.members.all()],
            }
            for p in Placement.objects.filter(household=household)
            .select_related("unit")
            .prefetch_related("members")
            .order_by("start_date")
        ],
        "storico_dei_trattamenti": [
            {
                "quando": _date(e.at),
                "azione": _choice(e, "action"),
                "dato": e.model_label,
                "chi": _user_name(e.actor),
            }
            for e in AuditEvent.objects.filter(household=household)
            .select_related("actor")
            .order_by("at", "id")
        ],
    }
    return data


def _case_export(case: Case, *, person: Person, own_orgs: set[int]) -> dict:
    plan = SupportPlan.objects.filter(case=case).first()
    notes = []
    for note in CaseNote.objects.filter(case=case).order_by("happened_on", "pk"):
        entry = {
            "data": _date(note.happened_on),
            "tipo": _choice(note, "kind"),
            "durata_minuti": note.duration_minutes,
            "ente": note.author_organisation.display_name,
            "riservata": note.is_confidential,
        }
        if note.is_confidential and note.author_organisation_id not in own_orgs:
            entry["resoconto"] = None
            entry["resoconto_presso"] = note.author_organisation.display_name
        else:
            entry["resoconto"] = note.text
        notes.append(entry)
    exit_ = CaseExit.objects.filter(case=case).first()
    return {
        "progetto": case.project.display_name,
        "ente_titolare": case.holding_organisation.display_name,
        "operatori": [str(w) for w in case.workers.all()],
        "aperta_il": _date(case.opened_on),
        "chiusa_il": _date(case.closed_on),
        "progetto_individualizzato": None
        if plan is None
        else {
            "concordato_il": _date(plan.agreed_on),
            "obiettivo_generale": plan.summary or None,
            "obiettivi": [
                {
                    "ambito": _choice(g, "domain"),
                    "obiettivo": g.description,
                    "stato": _choice(g, "status"),
                    "concluso_il": _date(g.closed_on),
                    "esito": g.outcome_notes or None,
                    "azioni": [
                        {
                            "azione": a.description,
                            "entro_il": _date(a.due_on),
                            "stato": _choice(a, "status"),
                        }
                        for a in g.actions.all()
                    ],
                }
                for g in plan.goals.prefetch_related("actions")
            ],
            "verifiche": [
                {
                    "prevista_il": _date(r.scheduled_on),
                    "svolta_il": _date(r.held_on),
                    "esito": r.outcome or None,
                }
                for r in plan.reviews.all()
            ],
        },
        "valutazioni_autonomia": [
            {
                "momento": _choice(a, "moment"),
                "data": _date(a.taken_on),
                "livelli": {str(s.get_domain_display()): s.level for s in a.scores.all()},
                "note": a.notes or None,
            }
            for a in case.assessments.prefetch_related("scores")
        ],
        "diario": notes,
        "documenti": [
            {
                "tipo": _choice(d, "kind"),
                "descrizione": d.title or None,
                "nome_del_file": d.original_name,
                "di_chi": d.person.full_name if d.person else None,
                "scade_il": _date(d.expires_on),
                "caricato_il": _date(d.created_at),
                "riguarda_questa_persona": d.person_id == person.pk,
            }
            for d in Document.objects.filter(case=case).select_related("person")
        ],
        "uscita": None
        if exit_ is None
        else {
            "data": _date(exit_.closed_on),
            "motivo": _choice(exit_, "reason"),
            "destinazione": _choice(exit_, "destination"),
            "autonomia_raggiunta": _choice(exit_, "autonomy_reached"),
            "note": exit_.notes or None,
        },
        "follow_up": [
            {
                "dopo_mesi": f.months_after_exit,
                "previsto_il": _date(f.due_on),
                "svolto_il": _date(f.done_on),
                "ha_ancora_casa": _choice(f, "still_housed"),
                "dove_vive": _choice(f, "housing_situation"),
                "dove": f.where or None,
                "note": f.notes or None,
            }
            for f in FollowUp.objects.filter(case=case)
        ],
    }


def export_recorded(*, request, person: Person, fmt: str) -> None:
    """Every export leaves the network: it goes in the security log."""
    from core import security_log

    security_log.record(
        security_log.Kind.EXPORT,
        request=request,
        details={
            "what": "gdpr_person_export",
            "person": str(person.public_id),
            "household": str(person.household.public_id),
            "format": fmt,
        },
    )


@transaction.atomic
def household_anonymise(
    *, user, household: Household, today: datetime.date | None = None, request=None
) -> Household:
    """Erase the household's personal data by anonymisation, or raise ValidationError
    with the reasons the records must still be kept. `user` is None when the retention
    command runs it."""
    from housing.models import Placement

    if user is not None and not access_for(user).may_exercise_rights(household):
        raise PermissionDenied
    household = Household.objects.select_for_update().get(pk=household.pk)
    if is_anonymised(household):
        raise ValidationError(_("I dati di questo nucleo sono già stati anonimizzati."))
    obstacles = retention_obstacles(household, today)
    if obstacles:
        raise ValidationError([o.reason for o in obstacles])

    people = list(household.members.all())
    for number, person in enumerate(sorted(people, key=lambda p: p.pk), start=1):
        person.first_name = ANONYMOUS
        person.last_name = str(number)
        person.name_key = ""
        person.codice_fiscale = ""
        person.phone = ""
        person.email = ""
        person.languages = ""
        person.birth_date = datetime.date(person.birth_date.year, 1, 1)
        person.residence_permit_issued_on = None
        person.residence_permit_expires_on = None
        person.save()
    Household.objects.filter(pk=household.pk).update(
        current_address="", notes="", isee_issued_on=None, isee_expires_on=None
    )
    Vulnerability.objects.filter(household=household).update(notes="")
    Referral.objects.filter(household=household).update(reason=CLEARED, decision_notes="")
    ReferralEvent.objects.filter(referral__household=household).update(notes="")
    cases = Case.objects.filter(household=household)
    CaseNote.objects.filter(case__in=cases).update(text=CLEARED)
    for note in CaseNote.objects.filter(households=household):
        note.households.remove(household)
    SupportPlan.objects.filter(case__in=cases).update(summary="")
    Goal.objects.filter(plan__case__in=cases).update(description=CLEARED, outcome_notes="")
    Action.objects.filter(goal__plan__case__in=cases).update(description=CLEARED)
    Review.objects.filter(plan__case__in=cases).exclude(outcome="").update(outcome=CLEARED)
    AutonomyAssessment.objects.filter(case__in=cases).update(notes="")
    CaseExit.objects.filter(case__in=cases).update(notes="")
    FollowUp.objects.filter(case__in=cases).update(notes="", where="")
    Placement.objects.filter(household=household).update(exit_notes="", planned_end_reason="")
    documents = list(Document.objects.filter(Q(case__in=cases) | Q(person__in=people)))
    files = [d.file for d in documents if d.file]
    Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
    # The files go once the rows are surely gone (a rolled back erasure keeps both).
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])

    # The audit trail keeps who changed which field when, never the values any more.
    for event in AuditEvent.objects.filter(household=household):
        event.changes = {field: [None, None] for field in event.changes}
        event.object_repr = event.model_label
        event.save(update_fields=["changes", "object_repr"])
    audit.record(
        actor=user,
        action=AuditEvent.Action.ANONYMISE,
        instance=household,
        household=household,
        changes={},
    )
    from core import security_log

    security_log.record(
        security_log.Kind.ERASURE,
        request=request,
        user=user,
        details={
            "household": str(household.public_id),
            "people": len(people),
            "documents": len(documents),
            "by": "request" if user is not None else "retention",
        },
    )
    return household
