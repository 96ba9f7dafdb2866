"""What the housing models hold of people, for the privacy registry
(core/personal_data.py; see beneficiaries/privacy.py).

The contribution ledger is financial data: it goes into the person's export under the
placement, only for whom may read it (core.access.Access.contributions_q), and erasure
clears its free texts but keeps the amounts and dates, which are accounting records
(art. 2220 c.c.: ten years; privacy.services.retention_obstacles keeps the household
until then)."""

from django.db.models import Q

from beneficiaries.models import Case
from core.personal_data import BLANK, MARK, not_personal, register
from housing.models import (
    ArrearsFlag,
    ContributionChange,
    ContributionCharge,
    ContributionSuspension,
    HousingUnit,
    Payment,
    Placement,
    PlacementRenewal,
    PlaceOccupancy,
    Property,
    RepaymentInstalment,
    RepaymentPlan,
)

register(
    Property,
    keep={
        "name": "the name the team gives the building",
        "address": "the building's address, not a household's",
        "town": "the building's town",
        "owner": "the owner (an organisation, ALER or a private landlord) for the contracts "
        "of the network; about no household, managed in the admin",
        "notes": "about the building, written in the admin",
    },
)

not_personal(
    HousingUnit,
    reason="a place of the housing stock (name, kind, capacity, accessibility); who lives "
    "there is in Placement and PlaceOccupancy",
)

register(
    Placement,
    section="inserimenti_in_alloggio",
    household="household",
    scope=lambda access: Q(case__in=Case.objects.filter(access.cases_q())),
    export=[
        ("alloggio", "unit"),
        ("dal", "start_date"),
        ("fine_prevista", "planned_end_date"),
        ("motivo_fine_prevista", "planned_end_reason"),
        ("patto_firmato_il", "agreement_signed_on"),
        ("al", "end_date"),
        ("quota_mensile", "monthly_contribution"),
        ("motivo_uscita", "exit_reason"),
        ("destinazione", "destination"),
        ("note_uscita", "exit_notes"),
        ("motivo_fuori_ordine", "out_of_order_reason"),
        ("componenti", "members"),
    ],
    # The reason is blanked but the placement still counts as out of order: erasure
    # keeps the fact for the dashboard, not the words about the household.
    erase={"exit_notes": BLANK, "planned_end_reason": BLANK, "out_of_order_reason": BLANK},
    keep={
        "out_of_order": "a yes/no, kept for the dashboard's count of out-of-order placements",
        "exit_reason": "a choice, kept for the anonymous statistics of outcomes",
        "destination": "a choice, kept for the anonymous statistics of outcomes",
    },
    order=["start_date", "pk"],
)

register(
    PlaceOccupancy,
    section="posti_occupati",
    within="placement",
    person="person",
    household="placement__household",
    export=[("posto", "slot"), ("dal", "start_date"), ("al", "end_date")],
)


def _ledger_scope(path: str = "placement"):
    return lambda access: Q(**{f"{path}__in": Placement.objects.filter(access.contributions_q())})


def _ledger(model, section, export, *, erase=None, keep=None, path="placement", within=None):
    register(
        model,
        section=section,
        within=within or path,
        household=f"{path}__household",
        scope=_ledger_scope(path),
        export=export,
        erase=erase or {},
        keep=keep or {},
    )


_ledger(
    ContributionChange,
    "variazioni_quota",
    [("dal", "effective_from"), ("quota_mensile", "monthly_amount"), ("motivo", "reason")],
    erase={"reason": MARK},
)
_ledger(
    ContributionSuspension,
    "sospensioni_quota",
    [
        ("dal", "start_date"),
        ("al", "end_date"),
        ("motivo", "reason"),
        ("documento", "document_reference"),
    ],
    erase={"reason": MARK, "document_reference": MARK},
)
_ledger(
    ContributionCharge,
    "addebiti_quota",
    [
        ("mese", "month"),
        ("importo", "amount"),
        ("giorni_addebitati", "days_charged"),
        ("giorni_del_mese", "days_in_month"),
        ("scadenza", "due_on"),
    ],
)
_ledger(
    Payment,
    "pagamenti_quota",
    [
        ("data", "paid_on"),
        ("importo", "amount"),
        ("modalita", "method"),
        ("ricevuta", "receipt_number"),
        ("note", "notes"),
    ],
    erase={"notes": BLANK},
    keep={
        "method": "a choice (cash, transfer...), part of the accounting record",
        "receipt_number": "the receipt's number, an accounting record kept ten years "
        "(art. 2220 c.c.)",
    },
)
_ledger(
    ArrearsFlag,
    "morosita_non_imputabili",
    [("dal_mese", "first_month"), ("al_mese", "last_month"), ("motivo", "reason")],
    erase={"reason": MARK},
)
_ledger(
    RepaymentPlan,
    "piani_di_rientro",
    [("concordato_il", "agreed_on"), ("importo", "total"), ("note", "notes")],
    erase={"notes": BLANK},
)
_ledger(
    RepaymentInstalment,
    "rate",
    [("rata", "number"), ("scadenza", "due_on"), ("importo", "amount")],
    path="plan__placement",
    within="plan",
)

register(
    PlacementRenewal,
    section="proroghe",
    within="placement",
    household="placement__household",
    scope=lambda access: Q(placement__case__in=Case.objects.filter(access.cases_q())),
    export=[
        ("mesi", "months"),
        ("decisione", "decision"),
        ("decisa_il", "decided_on"),
        ("motivazione", "reason"),
        ("nuova_fine_prevista", "new_end_date"),
    ],
    erase={"reason": MARK},
    keep={"decision": "a choice, kept for the Ambito's anonymous monitoring"},
)
