"""Demo housing: properties and units for the housing projects of the seed network, and
current placements of demo households that have an open case there.

The network is real; these buildings are not. Addresses are on "Via Esempio" and
"Via Prova" (like the demo staff's surnames) in the towns each project serves, and every
property carries DEMO_NOTE. Placements go through the services, as the project's demo
coordinator would make them, so no unit ever holds more people than its places.

Run after `demo.households.create_demo_households` (the households to place) and
`demo.staff.set_demo_max_stay`. Deterministic and idempotent: the stock is created
once; households already placed are left alone.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Case, WaitingListEntry
from core.access import access_for
from core.dates import add_months
from housing import selectors, services
from housing.models import HousingUnit, Placement, PlaceOccupancy, Property
from partners import network
from partners.models import Organisation, StaffMembership
from projects.models import Participation, Project
from users.models import User

DEMO_NOTE = "Immobile dimostrativo: indirizzo e dati fittizi."


SEED = 2025


# Placing stops while the project still has this many free places, so the board
# shows free places and the waiting list has somewhere to go.
KEEP_FREE = 3


Kind = HousingUnit.Kind


@dataclass(frozen=True)
class UnitSpec:
    name: str
    kind: str
    capacity: int
    step_free: bool = False
    accessible_bathroom: bool = False


@dataclass(frozen=True)
class PropertySpec:
    project: str  # project slug
    name: str
    address: str
    town: str
    owner: str
    manager: str  # organisation slug
    units: tuple[UnitSpec, ...]
    municipality: str = ""  # organisation slug, when the town is a municipality of the network


DEMO_PROPERTIES: tuple[PropertySpec, ...] = (
    # Co-housing of the Unione Adda Martesana, run by POP: shared houses with places.
    PropertySpec(
        project="cohousing-adda-martesana",
        name="Casa comune Esempio",
        address="Via Esempio 7",
        town="Pozzuolo Martesana",
        municipality="comune-pozzuolo-martesana",
        owner="Comune di Pozzuolo Martesana",
        manager=network.POP,
        units=(
            UnitSpec("Stanza Glicine", Kind.COHOUSING_PLACE, 3, step_free=True),
            UnitSpec("Stanza Tiglio", Kind.COHOUSING_PLACE, 3, step_free=True),
            UnitSpec("Stanza Olmo", Kind.COHOUSING_PLACE, 2),
        ),
    ),
    PropertySpec(
        project="cohousing-adda-martesana",
        name="Corte Prova",
        address="Via Prova 3",
        town="Liscate",
        municipality="comune-liscate",
        owner="Comune di Liscate",
        manager=network.POP,
        units=(
            UnitSpec("Appartamento 1", Kind.APARTMENT, 4, step_free=True, accessible_bathroom=True),
            UnitSpec("Appartamento 2", Kind.APARTMENT, 3),
        ),
    ),
    # C.A.Se Desio: temporary housing, led by CCB with its cooperatives.
    PropertySpec(
        project="case-desio",
        name="Residenza Esempio",
        address="Via Esempio 21",
        town="Desio",
        owner="Azienda Speciale Consortile Desio-Brianza (in comodato)",
        manager=network.CCB,
        units=(
            UnitSpec("Appartamento A", Kind.APARTMENT, 4, step_free=True, accessible_bathroom=True),
            UnitSpec("Appartamento B", Kind.APARTMENT, 3, step_free=True),
            UnitSpec("Appartamento C", Kind.APARTMENT, 5),
            UnitSpec("Monolocale D", Kind.APARTMENT, 2),
        ),
    ),
    PropertySpec(
        project="case-desio",
        name="Casa Prova",
        address="Via Prova 14",
        town="Cesano Maderno",
        owner="Proprietario privato (locazione a canone concordato)",
        manager="meta",
        units=(
            UnitSpec("Stanza 1", Kind.ROOM, 2),
            UnitSpec("Stanza 2", Kind.ROOM, 2),
            UnitSpec("Appartamento al piano terra", Kind.APARTMENT, 4, step_free=True),
        ),
    ),
    # Abitiamo Vimercate: the integrated residential reception service.
    PropertySpec(
        project="abitiamo-vimercate",
        name="Accoglienza Esempio",
        address="Via Esempio 40",
        town="Vimercate",
        owner="ALER (alloggio in concessione)",
        manager=network.POP,
        units=(
            UnitSpec("Appartamento Nord", Kind.APARTMENT, 4, step_free=True),
            UnitSpec("Appartamento Sud", Kind.APARTMENT, 3),
            UnitSpec("Stanza singola", Kind.ROOM, 1, step_free=True),
        ),
    ),
    PropertySpec(
        project="abitiamo-vimercate",
        name="Casa Prova Adda",
        address="Via Prova 2",
        town="Trezzo sull'Adda",
        owner="Parrocchia (comodato d'uso)",
        manager="sociosfera",
        units=(UnitSpec("Appartamento", Kind.APARTMENT, 5),),
    ),
)


# Projects without a maximum stay: the demo agreements still say how long they last.
DEMO_AGREED_STAY_MONTHS = 12


def _coordinator(project: Project):
    """A demo user who coordinates the project's casework, or None."""
    organisations = Participation.objects.filter(
        project=project, role__in=Participation.COORDINATING_ROLES
    ).values("organisation_id")
    for user in User.objects.filter(
        is_active=True,
        staff_memberships__organisation_id__in=organisations,
        staff_memberships__role=StaffMembership.Role.COORDINATOR,
        staff_memberships__is_active=True,
    ).order_by("pk"):
        if project.pk in access_for(user).coordinated_projects:
            return user
    return None


def _create_stock() -> tuple[list[str], dict[str, list[HousingUnit]]]:
    lines, units_by_project = [], {}
    for spec in DEMO_PROPERTIES:
        project = Project.objects.filter(slug=spec.project).first()
        manager = Organisation.objects.filter(slug=spec.manager).first()
        if project is None or manager is None:
            lines.append(
                _("«%(name)s» non creato: manca il progetto o l'ente gestore.")
                % {"name": spec.name}
            )
            continue
        prop = Property.objects.filter(address=spec.address, town=spec.town).first()
        if prop is None:
            prop = Property(
                name=spec.name,
                address=spec.address,
                town=spec.town,
                municipality=Organisation.objects.filter(slug=spec.municipality).first()
                if spec.municipality
                else None,
                owner=spec.owner,
                managing_organisation=manager,
                notes=DEMO_NOTE,
            )
            prop.full_clean()
            prop.save()
            lines.append(
                _("Immobile «%(name)s» a %(town)s, per %(project)s.")
                % {"name": prop.name, "town": prop.town, "project": project.display_name}
            )
        for unit_spec in spec.units:
            unit = HousingUnit.objects.filter(property=prop, name=unit_spec.name).first()
            if unit is None:
                unit = HousingUnit(
                    property=prop,
                    project=project,
                    name=unit_spec.name,
                    kind=unit_spec.kind,
                    capacity=unit_spec.capacity,
                    step_free=unit_spec.step_free,
                    accessible_bathroom=unit_spec.accessible_bathroom,
                )
                unit.full_clean()
                unit.save()
            units_by_project.setdefault(project.slug, []).append(unit)
    return lines, units_by_project


def _plan(rng, project, start, k, today):
    """The planned end of the k-th demo placement of a project, and its reason: mostly
    the maximum stay; now and then one running late or ending soon, so the board has
    something to show."""
    if k % 7 == 3 and start < today - datetime.timedelta(days=40):
        return today - datetime.timedelta(days=rng.randint(3, 25)), _(
            "Proroga concordata in équipe, in attesa della casa popolare."
        )
    if k % 7 == 5:
        return today + datetime.timedelta(days=rng.randint(5, 28)), _(
            "Uscita concordata: contratto di affitto firmato."
        )
    if not project.max_stay_months:
        months = DEMO_AGREED_STAY_MONTHS
        return (
            add_months(start, months),
            _("Durata concordata nel patto di accoglienza: %(months)d mesi.") % {"months": months},
        )
    return None, ""


def _place_households(project_slug: str, units: list[HousingUnit], rng, today) -> list[str]:
    project = units[0].project
    coordinator = _coordinator(project)
    if coordinator is None:
        return [
            _("Nessun coordinatore dimostrativo per %(project)s: nessun inserimento.")
            % {"project": project.display_name}
        ]
    housed = PlaceOccupancy.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    cases = list(
        Case.objects.filter(project=project, closed_on__isnull=True, opened_on__lte=today)
        .exclude(household__members__place_occupancies__in=housed)
        .select_related("household")
        .prefetch_related("household__members")
        .order_by("opened_on", "pk")
        .distinct()
    )
    placed = 0
    for k, case in enumerate(cases):
        free = {unit.pk: selectors.free_places(unit=unit, first=today) for unit in units}
        if sum(free.values()) <= KEEP_FREE:
            break
        people = list(case.household.members.all())
        fitting = [u for u in units if free[u.pk] >= len(people)]
        if not fitting:
            continue
        unit = max(fitting, key=lambda u: (free[u.pk], -u.pk))
        start = min(case.opened_on + datetime.timedelta(days=rng.randint(5, 30)), today)
        planned_end, reason = _plan(rng, project, start, k, today)
        entry = WaitingListEntry.objects.filter(
            household=case.household, project=project, removed_on__isnull=True
        ).first()
        details = {
            "user": coordinator,
            "unit": unit,
            "members": people,
            "start_date": start,
            "planned_end_date": planned_end,
            "planned_end_reason": reason,
            "agreement_signed_on": start,
            "monthly_contribution": rng.choice((0, 0, 30, 50, 80, 120)),
            # Kept only when the household skips the first compatible one of the list.
            "out_of_order_reason": "Urgenza valutata dall'équipe del progetto.",
        }
        try:
            with transaction.atomic():
                if entry is not None:
                    services.placement_from_waiting_list(entry=entry, **details)
                else:
                    services.placement_start(household=case.household, **details)
        except ValidationError:
            continue  # someone in the household is housed elsewhere: leave them
        placed += 1
    return [
        _("%(project)s: %(count)d nuclei inseriti.")
        % {"project": project.display_name, "count": placed}
    ]


@transaction.atomic
def create_demo_housing() -> list[str]:
    """Create the demo housing stock and place demo households; idempotent."""
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    lines, units_by_project = _create_stock()
    for project_slug, units in units_by_project.items():
        lines.extend(_place_households(project_slug, units, rng, today))
    occupied = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today
    ).count()
    lines.append(_("Inserimenti in corso: %(count)d.") % {"count": occupied})
    return lines
