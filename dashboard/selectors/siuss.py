"""The export for the Ambiti's social-services information system (SIUSS-shaped): one row
per person and intervention, for the households a referring organisation sent, with the
codes of the mapping an admin keeps (dashboard.models.SiussCode; docs/reporting.md).

An intervention is a case (presa in carico) of the households the organisation referred,
open on at least one day of the period (its code follows the project's kind), and each
placement in a unit (inserimento in alloggio) of that case in the period. Each member
of the household gets one row per intervention. Special categories (health, disability,
domestic violence) never leave in this file. A constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from beneficiaries.models import (
    SPECIAL_CATEGORY_KINDS,
    Case,
    Person,
    Referral,
    Vulnerability,
    years_before,
)
from core.access import access_for
from dashboard.exports import Table
from dashboard.indicators.period import Period
from dashboard.models import SiussCode
from housing.models import Placement
from partners.models import Organisation

PLACEMENT = "placement"
MINOR = "minor"
INCLUSION_BENEFIT = "inclusion_benefit"

# The file's columns: the names the Ambiti's import reads (docs/reporting.md).
COLUMNS = (
    "ente_inviante_codice_istat",
    "ente_inviante",
    "id_persona",
    "codice_fiscale",
    "cognome",
    "nome",
    "sesso",
    "data_nascita",
    "cittadinanza",
    "relazione_con_persona_di_riferimento",
    "id_nucleo",
    "componenti_nucleo",
    "minori_nucleo",
    "codice_intervento",
    "descrizione_intervento",
    "progetto",
    "ente_erogatore",
    "data_inizio",
    "data_fine",
    "codice_condizione_abitativa",
    "condizione_abitativa",
    "codici_caratteristiche",
    "assegno_di_inclusione",
    "codici_verificati",
)


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    verified: bool


def _codes() -> dict[tuple[str, str], Code]:
    return {
        (row.kind, row.key): Code(row.code, row.label, row.verified)
        for row in SiussCode.objects.all()
    }


def exportable_organisations(*, user):
    """The referring organisations whose export the user may download."""
    return Organisation.objects.filter(pk__in=access_for(user).frontline_organisations).order_by(
        "name"
    )


def cases_sent_by(*, user, organisation: Organisation, period: Period):
    """The cases, open in the period, of the households the organisation referred, as
    far as the user may see the referral; with everything the rows need."""
    access = access_for(user)
    access.require(access.may_export_for_ambito(organisation))
    referrals = Referral.objects.filter(access.referrals_q()).filter(
        referring_organisation=organisation, sent_at__isnull=False
    )
    placements = Placement.objects.filter(start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )
    return (
        Case.objects.filter(referral__in=referrals, opened_on__lte=period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
        .select_related("project", "holding_organisation", "household", "exit")
        .prefetch_related(
            Prefetch("household__members", queryset=Person.objects.order_by("birth_date", "pk")),
            Prefetch(
                "household__vulnerabilities",
                queryset=Vulnerability.objects.exclude(kind__in=SPECIAL_CATEGORY_KINDS),
            ),
            Prefetch(
                "placements",
                queryset=placements.select_related("unit").order_by("start_date", "pk"),
            ),
        )
        .order_by("opened_on", "pk")
    )


def siuss_table(*, user, organisation: Organisation, period: Period) -> Table:
    codes = _codes()
    adult_born_by = years_before(period.end, 18)
    missing = Code("", "", False)
    rows = []
    for case in cases_sent_by(user=user, organisation=organisation, period=period):
        household = case.household
        members = list(household.members.all())
        minors = sum(1 for p in members if p.birth_date > adult_born_by)
        ethos_value = case.ethos_light
        exit_ethos = getattr(case, "exit", None)
        if exit_ethos is not None and exit_ethos.ethos_light:
            ethos_value = exit_ethos.ethos_light
        condition = codes.get((SiussCode.Kind.HOUSING_CONDITION, ethos_value), missing)
        household_traits = [
            codes.get((SiussCode.Kind.CHARACTERISTIC, v.kind))
            for v in household.vulnerabilities.all()
        ]
        if household.inclusion_benefit:
            household_traits.append(codes.get((SiussCode.Kind.CHARACTERISTIC, INCLUSION_BENEFIT)))
        interventions = [
            (
                codes.get((SiussCode.Kind.INTERVENTION, case.project.kind), missing),
                case.opened_on,
                case.closed_on,
            )
        ]
        for placement in case.placements.all():
            interventions.append(
                (
                    codes.get((SiussCode.Kind.INTERVENTION, PLACEMENT), missing),
                    placement.start_date,
                    placement.end_date,
                )
            )
        for person in members:
            traits = [t for t in household_traits if t]
            if person.birth_date > adult_born_by:
                minor = codes.get((SiussCode.Kind.CHARACTERISTIC, MINOR))
                if minor:
                    traits.append(minor)
            for intervention, start, end in interventions:
                used = [intervention, condition, *traits]
                rows.append(
                    [
                        organisation.istat_code,
                        organisation.name,
                        str(person.public_id),
                        person.codice_fiscale,
                        person.last_name,
                        person.first_name,
                        person.sex,
                        person.birth_date,
                        person.citizenship.code if person.citizenship else "",
                        person.get_relationship_display(),
                        str(household.public_id),
                        len(members),
                        minors,
                        intervention.code,
                        intervention.label,
                        case.project.display_name,
                        case.holding_organisation.display_name,
                        start,
                        end,
                        condition.code,
                        condition.label,
                        " ".join(t.code for t in traits),
                        _("sì") if household.inclusion_benefit else _("no"),
                        _("sì") if all(c.verified for c in used if c.code) else _("no"),
                    ]
                )
    return Table(
        name="siuss",
        title=_("Esportazione per il SIUSS"),
        columns=list(COLUMNS),
        rows=rows,
        notes=[
            (_("Ente inviante"), organisation.name),
            (
                _("Periodo"),
                f"{period.start.isoformat()} – {period.end.isoformat()}",
            ),
            (
                _("Codici"),
                _(
                    "I codici vengono dalla tabella «Codici SIUSS» che l'amministratore tiene "
                    "in Abitare; «codici_verificati» dice se tutti quelli della riga sono "
                    "stati controllati sull'elenco ufficiale (docs/reporting.md)."
                ),
            ),
        ],
    )
