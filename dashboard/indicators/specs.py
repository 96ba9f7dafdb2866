"""What the page shows: figures, their names and their definitions, written once and
shown beside the figure, in the exports and on the printable page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import formats
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from beneficiaries.models import DESTINATION_GROUPS, ExitDestination
from core import formatting
from dashboard.indicators.appointments import interpreters
from dashboard.indicators.contributions import contributions
from dashboard.indicators.queries import (
    DestinationGroup,
    autonomy_change,
    days_to_placement,
    exits_by_destination,
    follow_ups,
    goals,
    length_of_stay,
    occupancy,
    out_of_order,
    people_served,
    referrals,
    returns,
)


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    SCORE = "score"


@dataclass
class Figure:
    """One number of the dashboard as the page shows it: the value rounded as shown
    (the exports write the same), the text, and what it was computed from."""

    value: int | float | None
    unit: Unit
    detail: str = ""

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == Unit.COUNT:
            return formats.number_format(self.value, force_grouping=True)
        if self.unit == Unit.PERCENT:
            return f"{formats.number_format(self.value, decimal_pos=1)} %"
        if self.unit == Unit.SCORE:
            sign = "+" if self.value > 0 else ""
            return sign + formats.number_format(self.value, decimal_pos=2)
        # Days: "12 giorni", not "12,0"; a half day keeps its decimal.
        return formatting.number(self.value, decimal_pos=1)


NOT_APPLICABLE = Figure(None, Unit.COUNT, _("non si calcola per questa suddivisione"))


def _count(value) -> Figure:
    return Figure(int(value or 0), Unit.COUNT)


def share(part, whole) -> Figure:
    part, whole = part or 0, whole or 0
    detail = _("%(part)s su %(whole)s") % {
        "part": formats.number_format(part, force_grouping=True),
        "whole": formats.number_format(whole, force_grouping=True),
    }
    if not whole:
        return Figure(None, Unit.PERCENT, detail)
    return Figure(round(100 * part / whole, 1), Unit.PERCENT, detail)


ON_ENTRIES = ngettext_lazy("su %(count)s ingresso", "su %(count)s ingressi", "count")


ON_EXITS = ngettext_lazy("su %(count)s uscita", "su %(count)s uscite", "count")


ON_CASES = ngettext_lazy("su %(count)s presa in carico", "su %(count)s prese in carico", "count")


def _how_many(count, words) -> str:
    return str(words % {"count": count or 0})


def _days(value, detail: str) -> Figure:
    return Figure(None if value is None else round(float(value), 1), Unit.DAYS, detail)


def _score(value, detail: str) -> Figure:
    return Figure(None if value is None else round(float(value), 2), Unit.SCORE, detail)


@dataclass(frozen=True)
class Spec:
    """One row of the indicators' table."""

    key: str
    label: Promise
    definition: Promise
    source: str  # the name of the indicator function whose result it reads
    figure: Callable[[dict], Figure]
    indent: bool = False


_lower = lazy(lambda text: str(text).lower(), str)


def _exit_group_definition(group, lead: Promise) -> Promise:
    """The definition of an exit group: the destinations it gathers, in the current
    language (DESTINATION_GROUPS is the one place that says which)."""
    labels = [
        ExitDestination(destination).label
        for destination, in_group in DESTINATION_GROUPS.items()
        if in_group == group
    ]
    return format_lazy("{}: " + "; ".join(["{}"] * len(labels)) + ".", lead, *labels)


def _empty(values: dict | None) -> dict:
    return values or {}


SPECS: tuple[Spec, ...] = (
    Spec(
        "households",
        _("Nuclei seguiti"),
        _(
            "Nuclei familiari con una presa in carico nel progetto aperta in almeno un giorno "
            "del periodo (aperta entro la fine del periodo e non chiusa prima del suo "
            "inizio). Nel totale un nucleo seguito da più progetti conta una volta."
        ),
        "people_served",
        lambda r: _count(r.get("households")),
    ),
    Spec(
        "people",
        _("Persone seguite"),
        _("Tutti i componenti registrati dei nuclei seguiti."),
        "people_served",
        lambda r: _count(r.get("people")),
    ),
    Spec(
        "adults",
        _("di cui adulti"),
        _("Persone seguite che alla fine del periodo hanno almeno 18 anni."),
        "people_served",
        lambda r: _count(r.get("adults")),
        indent=True,
    ),
    Spec(
        "minors",
        _("di cui minori"),
        _("Persone seguite che alla fine del periodo hanno meno di 18 anni."),
        "people_served",
        lambda r: _count(r.get("minors")),
        indent=True,
    ),
    Spec(
        "women_with_children",
        _("Nuclei di donne con figli minori"),
        _(
            "Nuclei seguiti con almeno una donna adulta e almeno un minore alla fine del "
            "periodo: lo stesso criterio della lista d'attesa."
        ),
        "people_served",
        lambda r: _count(r.get("women_with_children")),
    ),
    Spec(
        "referrals_new",
        _("Segnalazioni nuove"),
        _("Segnalazioni inviate al progetto nel periodo. Le bozze non contano."),
        "referrals",
        lambda r: _count(r.get("new")),
    ),
    Spec(
        "referrals_accepted",
        _("Segnalazioni accolte"),
        _(
            "Tra le segnalazioni nuove del periodo già decise, la quota di quelle accolte: "
            "accolte ÷ (accolte + non accolte). Quelle ancora in valutazione e quelle "
            "ritirate non contano."
        ),
        "referrals",
        lambda r: share(r.get("accepted"), (r.get("accepted") or 0) + (r.get("declined") or 0)),
    ),
    Spec(
        "days_to_placement",
        _("Giorni dalla segnalazione all'inserimento (mediana)"),
        _(
            "Per i nuclei entrati in un alloggio del progetto nel periodo (il primo ingresso, "
            "non i trasferimenti tra alloggi), i giorni tra l'invio della segnalazione e "
            "l'ingresso. La mediana: metà dei nuclei ha atteso meno, metà di più."
        ),
        "days_to_placement",
        lambda r: _days(
            r.get("median"),
            _how_many(r.get("count"), ON_ENTRIES),
        ),
    ),
    Spec(
        "out_of_order",
        _("Inserimenti fuori ordine"),
        _(
            "Ingressi del periodo in un alloggio del progetto (non i trasferimenti tra "
            "alloggi) in cui si è inserito un nucleo prima del primo compatibile della "
            "lista d'attesa, indicandone il motivo."
        ),
        "out_of_order",
        lambda r: Figure(
            int(r.get("out_of_order") or 0),
            Unit.COUNT,
            _how_many(r.get("entries"), ON_ENTRIES),
        ),
    ),
    Spec(
        "occupancy",
        _("Tasso di occupazione dei posti"),
        _(
            "Notti trascorse dalle persone negli alloggi del progetto nel periodo ÷ notti "
            "offerte dai posti (posti delle unità abitative non chiuse × giorni del periodo). "
            "Si conta fino a oggi se il periodo non è finito. Riguarda i posti del progetto: "
            "non si calcola per comune o per ambito."
        ),
        "occupancy",
        lambda r: share(r.get("occupied"), r.get("available")),
    ),
    Spec(
        "stay_average",
        _("Durata media della permanenza (giorni)"),
        _(
            "Per gli inserimenti conclusi nel periodo (esclusi i trasferimenti in un altro "
            "alloggio della rete), le notti dall'ingresso — nel primo alloggio, se il nucleo "
            "è stato trasferito — all'ultima notte; la media."
        ),
        "length_of_stay",
        lambda r: _days(
            r.get("average"),
            _how_many(r.get("count"), ON_EXITS),
        ),
    ),
    Spec(
        "stay_median",
        _("Durata mediana della permanenza (giorni)"),
        _("Le stesse permanenze della durata media; la mediana."),
        "length_of_stay",
        lambda r: _days(
            r.get("median"),
            _how_many(r.get("count"), ON_EXITS),
        ),
    ),
    Spec(
        "exits",
        _("Uscite dagli alloggi"),
        _(
            "Inserimenti conclusi nel periodo: il nucleo ha lasciato l'alloggio. I "
            "trasferimenti in un altro alloggio della rete non sono uscite."
        ),
        "exits_by_destination",
        lambda r: _count(r.get("exits")),
    ),
    *(
        Spec(
            f"exits_{group.value}",
            format_lazy("{} {}", _("verso"), _lower(group.label)),
            _exit_group_definition(group, _("Uscite dagli alloggi verso")),
            "exits_by_destination",
            (lambda value: lambda r: _count(r.get(value)))(group.value),
            indent=True,
        )
        for group in DestinationGroup
    ),
    Spec(
        "exits_stable_share",
        _("Quota di uscite verso una soluzione stabile"),
        _("Uscite verso una soluzione stabile ÷ uscite dagli alloggi."),
        "exits_by_destination",
        lambda r: share(r.get(DestinationGroup.STABLE.value), r.get("exits")),
    ),
    Spec(
        "case_exits",
        _("Dimissioni"),
        _(
            "Prese in carico chiuse nel periodo con la registrazione dell'uscita, "
            "passaggi ad altro progetto compresi; contate per destinazione con gli stessi "
            "gruppi delle uscite dagli alloggi."
        ),
        "exits_by_destination",
        lambda r: _count(r.get("case_exits")),
    ),
    *(
        Spec(
            f"case_exits_{group.value}",
            format_lazy("{} {}", _("verso"), _lower(group.label)),
            _exit_group_definition(group, _("Dimissioni verso")),
            "exits_by_destination",
            (lambda value: lambda r: _count(r.get(value)))(f"case_{group.value}"),
            indent=True,
        )
        for group in DestinationGroup
    ),
    Spec(
        "case_exits_stable_share",
        _("Quota di dimissioni verso una soluzione stabile"),
        _("Dimissioni verso una soluzione stabile ÷ dimissioni."),
        "exits_by_destination",
        lambda r: share(r.get(f"case_{DestinationGroup.STABLE.value}"), r.get("case_exits")),
    ),
    Spec(
        "housed_6",
        _("Ancora in casa al follow-up di 6 mesi"),
        _(
            "Tra i follow-up a 6 mesi dall'uscita svolti nel periodo, la quota in cui il "
            "nucleo ha ancora una casa. Chi non è stato raggiungibile conta come non "
            "confermato."
        ),
        "follow_ups",
        lambda r: share(r.get("housed_6"), r.get("done_6")),
    ),
    Spec(
        "housed_12",
        _("Ancora in casa al follow-up di 12 mesi"),
        _("Come il precedente, per i follow-up a 12 mesi dall'uscita svolti nel periodo."),
        "follow_ups",
        lambda r: share(r.get("housed_12"), r.get("done_12")),
    ),
    Spec(
        "returns",
        _("Rientri entro 12 mesi dall'uscita"),
        _(
            "Tra i nuclei usciti dal progetto nel periodo (chiusura della presa in carico, "
            "esclusi i passaggi ad altro progetto), la quota che ha ricevuto una nuova "
            "segnalazione, a qualsiasi progetto della rete, entro 365 giorni dall'uscita. "
            "Per le uscite degli ultimi 12 mesi il valore può ancora crescere."
        ),
        "returns",
        lambda r: share(r.get("returned"), r.get("exits")),
    ),
    Spec(
        "goals_achieved",
        _("Obiettivi raggiunti"),
        _(
            "Tra gli obiettivi dei progetti individualizzati conclusi nel periodo, la quota "
            "di quelli raggiunti. Quelli raggiunti in parte e quelli abbandonati contano "
            "come non raggiunti."
        ),
        "goals",
        lambda r: share(r.get("achieved"), r.get("concluded")),
    ),
    Spec(
        "autonomy_change",
        _("Variazione del punteggio di autonomia dall'ingresso all'uscita"),
        _(
            "Per le prese in carico con la valutazione d'uscita nel periodo e una "
            "valutazione d'ingresso: la media di (punteggio d'uscita − punteggio "
            "d'ingresso). Il punteggio di una valutazione è la media dei livelli dei suoi "
            "ambiti, da 1 (in emergenza) a 5 (autonomo)."
        ),
        "autonomy_change",
        lambda r: _score(
            r.get("average"),
            _how_many(r.get("count"), ON_CASES),
        ),
    ),
)


SPECS += (
    Spec(
        "collection_rate",
        _("Tasso di riscossione della quota di compartecipazione"),
        _(
            "Pagamenti della quota registrati nel periodo (al netto degli storni) ÷ quote "
            "addebitate per i mesi del periodo. Si conta fino a oggi se il periodo non è "
            "finito. Un pagamento di arretrati conta nel periodo in cui è fatto: il tasso "
            "può superare il 100 %."
        ),
        "contributions",
        lambda r: share(r.get("collected"), r.get("charged")),
    ),
    Spec(
        "households_in_arrears",
        _("Nuclei in ritardo con la quota"),
        _(
            "Nuclei con un inserimento negli alloggi del progetto che l'ultimo giorno del "
            "periodo (oggi, se il periodo non è finito) devono ancora una quota scaduta. I "
            "pagamenti coprono per primi gli addebiti più vecchi. Comprende le morosità non "
            "imputabili al nucleo."
        ),
        "contributions",
        lambda r: _count(r.get("households_in_arrears")),
    ),
)


ON_APPOINTMENTS = ngettext_lazy(
    "su %(count)s appuntamento che lo richiedeva",
    "su %(count)s appuntamenti che lo richiedevano",
    "count",
)

SPECS += (
    Spec(
        "appointments_without_interpreter",
        _("Appuntamenti senza l'interprete necessario"),
        _(
            "Appuntamenti delle prese in carico del progetto cominciati nel periodo (fino a "
            "oggi) per cui serviva un interprete o un mediatore culturale e di cui è "
            "registrato l'esito: quelli svolti senza interprete e quelli non svolti perché "
            "mancava."
        ),
        "interpreters",
        lambda r: Figure(
            int(r.get("without") or 0),
            Unit.COUNT,
            _how_many(r.get("needed"), ON_APPOINTMENTS),
        ),
    ),
)


INDICATORS = {
    "people_served": people_served,
    "referrals": referrals,
    "days_to_placement": days_to_placement,
    "out_of_order": out_of_order,
    "occupancy": occupancy,
    "length_of_stay": length_of_stay,
    "exits_by_destination": exits_by_destination,
    "follow_ups": follow_ups,
    "returns": returns,
    "goals": goals,
    "autonomy_change": autonomy_change,
    "contributions": contributions,
    "interpreters": interpreters,
}
