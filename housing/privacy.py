"""What the housing models hold of people, for the privacy registry
(core/personal_data.py; see beneficiaries/privacy.py)."""

from django.db.models import Q

from beneficiaries.models import Case
from core.personal_data import BLANK, not_personal, register
from housing.models import HousingUnit, Placement, PlaceOccupancy, Property

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
