"""What the households' models hold of people, for the privacy registry
(core/personal_data.py): the person's export and the erasure by anonymisation are driven
from here (privacy/services.py). A new model or field of this app is declared here, or the
sweep test (tests/privacy/test_registry.py) fails."""

import datetime

from django.db.models import Q

from beneficiaries.models import (
    SPECIAL_CATEGORY_KINDS,
    Action,
    Appointment,
    AutonomyAssessment,
    AutonomyScore,
    CalendarFeed,
    Case,
    CaseAssignment,
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
    Room,
    SupportPlan,
    Vulnerability,
    WaitingListEntry,
)
from core.personal_data import BLANK, DELETE, MARK, MARK_IF_SET, not_personal, register

ANONYMOUS = "Anonimo"

# Health, disability and domestic violence (GDPR art. 9) are the special kinds
# (SPECIAL_CATEGORY_KINDS); core/access.py decides who may read them (`may_read_special`).


def _visible_cases(path):
    """Rows of a case the requesting user may open."""

    def scope(access):
        return Q(**{f"{path}__in": Case.objects.filter(access.cases_q())})

    return scope


def _other_members(household, ctx):
    # Art. 15(4): the other members appear by name and relationship only.
    return [
        {
            "nome": other.full_name,
            "relazione": {
                "valore": other.relationship,
                "etichetta": str(other.get_relationship_display()),
            },
        }
        for other in household.members.exclude(pk=ctx.person.pk).order_by("birth_date")
    ]


register(
    Person,
    section="persona",
    single=True,
    person="",
    household="household",
    export=[
        ("identificativo", None, lambda p, ctx: str(p.public_id)),
        ("nome", "first_name"),
        ("cognome", "last_name"),
        ("data_di_nascita", "birth_date"),
        ("sesso", "sex"),
        ("codice_fiscale", "codice_fiscale"),
        (
            "cittadinanza",
            "citizenship",
            lambda p, ctx: str(p.citizenship.name) if p.citizenship else None,
        ),
        ("lingue", "languages"),
        ("relazione", "relationship"),
        ("permesso_di_soggiorno", "residence_permit_kind"),
        ("permesso_rilasciato_il", "residence_permit_issued_on"),
        ("permesso_valido_fino_al", "residence_permit_expires_on"),
        ("telefono", "phone"),
        ("email", "email"),
        ("registrata_il", "created_at"),
    ],
    erase={
        "first_name": ANONYMOUS,
        "last_name": lambda person, number: str(number),
        "name_key": BLANK,
        "codice_fiscale": BLANK,
        "phone": BLANK,
        "email": BLANK,
        "languages": BLANK,
        # The year stays, for the statistics by age.
        "birth_date": lambda person, number: datetime.date(person.birth_date.year, 1, 1),
        "residence_permit_issued_on": None,
        "residence_permit_expires_on": None,
    },
    keep={
        "sex": "a choice (F/M), kept for the anonymous statistics",
        "citizenship": "a country code, kept for the anonymous statistics",
        "relationship": "a choice, kept for the anonymous statistics",
        "residence_permit_kind": "a choice, kept for the anonymous statistics",
    },
)

register(
    Household,
    section="nucleo",
    single=True,
    household="",
    export=[
        ("identificativo", None, lambda h, ctx: str(h.public_id)),
        ("registrato_da", "registered_by"),
        ("situazione_abitativa", "living_situation"),
        ("indirizzo", "current_address"),
        ("isee", "isee_value"),
        ("isee_rilasciato_il", "isee_issued_on"),
        ("isee_valido_fino_al", "isee_expires_on"),
        ("assegno_di_inclusione", "inclusion_benefit"),
        ("patto_di_inclusione_del", "inclusion_pact_signed_on"),
        ("assegno_di_inclusione_fino_al", "inclusion_benefit_ends_on"),
        ("ultimo_aggiornamento_ai_servizi", "inclusion_last_check_in_on"),
        ("note", "notes"),
        ("altri_componenti", None, _other_members),
    ],
    erase={
        "current_address": BLANK,
        "notes": BLANK,
        "isee_issued_on": None,
        "isee_expires_on": None,
    },
    keep={"living_situation": "a choice, kept for the anonymous statistics"},
)

register(
    Vulnerability,
    section="vulnerabilita",
    within="household",
    household="household",
    export=[("tipo", "kind"), ("note", "notes")],
    erase={"notes": BLANK},
    keep={"kind": "a choice, kept for the anonymous statistics"},
    special=Q(kind__in=SPECIAL_CATEGORY_KINDS),
    order=["kind"],
)

register(
    Consent,
    section="consensi",
    household="household",
    export=[
        ("finalita", "purpose"),
        ("base_giuridica", "legal_basis"),
        ("per_gli_enti", "organisations"),
        ("dal", "given_on"),
        ("al", "expires_on"),
        ("revocato_il", "withdrawn_on"),
        ("espresso_da", "given_by"),
        ("tutore_legale", "guardian_name"),
    ],
    erase={"guardian_name": BLANK},
    keep={
        "purpose": "a choice: the record that a basis existed outlives the names",
        "legal_basis": "a choice: the record that a basis existed outlives the names",
    },
    order=["purpose", "-given_on"],
)

register(
    Referral,
    section="segnalazioni",
    household="household",
    scope=lambda access: access.referrals_q(),
    export=[
        ("progetto", "project"),
        ("ente_inviante", "referring_organisation"),
        ("motivo", "reason"),
        ("urgenza", "urgency"),
        ("ethos_light", "ethos_light"),
        ("stato", "status"),
        ("inviata_il", "sent_at"),
        ("decisa_il", "decided_at"),
        ("motivazione", "decision_notes"),
        ("requisiti", "eligibility_answers"),
    ],
    # A declined referral must keep a reason (referral_declined_has_reason).
    erase={"reason": MARK, "decision_notes": MARK_IF_SET, "eligibility_answers": []},
    keep={
        "urgency": "a choice, kept for the anonymous statistics",
        "status": "a choice, kept for the anonymous statistics",
        "ethos_light": "a choice, kept for the anonymous statistics of ETHOS Light",
    },
    order=["created_at"],
)

register(
    ReferralEvent,
    section="passaggi",
    within="referral",
    household="referral__household",
    export=[("da", "from_status"), ("a", "to_status"), ("quando", "at"), ("note", "notes")],
    erase={"notes": BLANK},
    keep={
        "from_status": "a choice, the referral's history",
        "to_status": "a choice, the referral's history",
    },
)

register(
    WaitingListEntry,
    section="lista_d_attesa",
    within="referral",
    single=True,
    household="household",
    export=[
        ("in_lista_dal", "added_on"),
        ("uscito_dalla_lista_il", "removed_on"),
        ("motivo_dell_uscita", "removal_reason"),
    ],
)

register(
    Case,
    section="prese_in_carico",
    household="household",
    scope=_visible_cases("pk"),
    export=[
        ("progetto", "project"),
        ("ente_titolare", "holding_organisation"),
        ("operatori", "workers"),
        ("aperta_il", "opened_on"),
        ("chiusa_il", "closed_on"),
        ("ethos_light_ingresso", "ethos_light"),
    ],
    keep={"ethos_light": "a choice, kept for the anonymous statistics of ETHOS Light"},
    order=["opened_on", "pk"],
)

register(CaseAssignment, household="case__household")

register(
    SupportPlan,
    section="progetto_individualizzato",
    within="case",
    single=True,
    household="case__household",
    export=[("concordato_il", "agreed_on"), ("obiettivo_generale", "summary")],
    erase={"summary": BLANK},
)

register(
    Goal,
    section="obiettivi",
    within="plan",
    household="plan__case__household",
    export=[
        ("ambito", "domain"),
        ("obiettivo", "description"),
        ("stato", "status"),
        ("concluso_il", "closed_on"),
        ("esito", "outcome_notes"),
        ("visibile_al_nucleo", "visible_to_household"),
    ],
    erase={"description": MARK, "outcome_notes": BLANK},
    keep={
        "domain": "a choice, kept for the anonymous statistics",
        "status": "a choice, kept for the anonymous statistics",
    },
)

register(
    Action,
    section="azioni",
    within="goal",
    household="goal__plan__case__household",
    export=[
        ("azione", "description"),
        ("entro_il", "due_on"),
        ("stato", "status"),
        ("visibile_al_nucleo", "visible_to_household"),
    ],
    erase={"description": MARK},
    keep={
        "responsible_kind": "a choice (worker, member, organisation)",
        "status": "a choice, kept for the anonymous statistics",
    },
)

register(
    Review,
    section="verifiche",
    within="plan",
    household="plan__case__household",
    export=[("prevista_il", "scheduled_on"), ("svolta_il", "held_on"), ("esito", "outcome")],
    # A held review must keep an outcome (review_held_has_outcome).
    erase={"outcome": MARK_IF_SET},
)

register(
    AutonomyAssessment,
    section="valutazioni_autonomia",
    within="case",
    household="case__household",
    export=[("momento", "moment"), ("data", "taken_on"), ("note", "notes")],
    erase={"notes": BLANK},
    keep={"moment": "a choice (entry, review, exit)"},
)

register(
    AutonomyScore,
    section="livelli",
    within="assessment",
    household="assessment__case__household",
    export=[("ambito", "domain"), ("livello", "level")],
    keep={"domain": "a choice: the levels feed the anonymous statistics of outcomes"},
)

register(
    CaseNote,
    section="diario",
    within="case",
    household="case__household",
    # Never in anyone's export: the organisation that wrote it answers for it.
    confidential=Q(is_confidential=True),
    export=[
        ("data", "happened_on"),
        ("tipo", "kind"),
        ("durata_minuti", "duration_minutes"),
        ("ente", "author_organisation"),
        ("resoconto", "text"),
    ],
    erase={"text": MARK},
    keep={"kind": "a choice, kept for the anonymous statistics of the activities"},
    # A group activity of another case that mentioned the household forgets it.
    unlink=["households"],
    order=["happened_on", "pk"],
)

register(
    Document,
    section="documenti",
    within="case",
    person="person",
    household=["case__household", "person__household"],
    export=[
        ("tipo", "kind"),
        ("descrizione", "title"),
        ("nome_del_file", "original_name"),
        ("di_chi", "person"),
        ("scade_il", "expires_on"),
        ("caricato_il", "created_at"),
    ],
    # The documents go, with their files: a scan identifies whatever a field would.
    erase=DELETE,
)

register(
    CaseExit,
    section="uscita",
    within="case",
    single=True,
    household="case__household",
    export=[
        ("data", "closed_on"),
        ("motivo", "reason"),
        ("destinazione", "destination"),
        ("autonomia_raggiunta", "autonomy_reached"),
        ("ethos_light", "ethos_light"),
        ("note", "notes"),
    ],
    erase={"notes": BLANK},
    keep={
        "reason": "a choice, kept for the anonymous statistics of outcomes",
        "destination": "a choice, kept for the anonymous statistics of outcomes",
        "autonomy_reached": "a choice, kept for the anonymous statistics of outcomes",
        "ethos_light": "a choice, kept for the anonymous statistics of ETHOS Light",
    },
)

register(
    FollowUp,
    section="follow_up",
    within="case",
    household="case__household",
    export=[
        ("dopo_mesi", "months_after_exit"),
        ("previsto_il", "due_on"),
        ("svolto_il", "done_on"),
        ("ha_ancora_casa", "still_housed"),
        ("dove_vive", "housing_situation"),
        ("dove", "where"),
        ("ethos_light", "ethos_light"),
        ("note", "notes"),
    ],
    erase={"where": BLANK, "notes": BLANK},
    keep={
        "still_housed": "a choice, kept for the anonymous statistics of outcomes",
        "housing_situation": "a choice, kept for the anonymous statistics of outcomes",
        "ethos_light": "a choice, kept for the anonymous statistics of ETHOS Light",
    },
)

register(
    Appointment,
    section="appuntamenti",
    within="case",
    household="case__household",
    export=[
        ("tipo", "kind"),
        ("inizio", "starts_at"),
        ("durata_minuti", "duration_minutes"),
        ("luogo", "place"),
        ("dove", "place_details"),
        ("interprete_necessario", "interpreter_needed"),
        ("lingua", "interpreter_language"),
        ("interprete_prenotato", "interpreter_booked"),
        ("interprete", "interpreter_name"),
        ("stato", "status"),
        ("motivo", "not_held_reason"),
        ("note", "notes"),
    ],
    erase={
        "place_details": BLANK,
        "interpreter_language": BLANK,
        "interpreter_name": BLANK,
        "notes": BLANK,
    },
    keep={
        "kind": "a choice, kept for the anonymous statistics of the activities",
        "place": "a choice, kept for the anonymous statistics of the activities",
        "status": "a choice, kept for the anonymous statistics (missed appointments)",
        "not_held_reason": "a choice, kept for the anonymous statistics",
    },
    # A group activity of another case that named the household forgets it; the members
    # expected of the household's own appointments are anonymised with the household.
    unlink=["households"],
    order=["starts_at", "pk"],
)

not_personal(Room, reason="a meeting room of an organisation, set up in the admin")

register(
    CalendarFeed,
    keep={"token_hash": "a hash of a random token of a staff member's calendar link"},
)
