"""The reporting the network owes to the Ambiti, the municipalities and the funders:
the Housing First monitoring and the ETHOS Light change, each figure with its
definition (as SPECS does for the dashboard), split in total, per project or per Ambito
of the project (housing_first.Split)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from dashboard.indicators import ethos, housing_first
from dashboard.indicators.housing_first import Split
from dashboard.indicators.period import TOTAL, Period
from dashboard.indicators.report import Group, Report, Row
from dashboard.indicators.specs import (
    ON_ENTRIES,
    Figure,
    Spec,
    Unit,
    _count,
    _days,
    _empty,
    _how_many,
    share,
)
from partners.models import Organisation
from projects.models import Project

HOUSING_FIRST_SPECS: tuple[Spec, ...] = (
    Spec(
        "hf_time_to_housing",
        _("Tempo dalla segnalazione all'alloggio (mediana, giorni)"),
        _(
            "Per i nuclei entrati nel periodo in un alloggio del progetto (il primo "
            "ingresso, non i trasferimenti tra alloggi), i giorni tra l'invio della "
            "segnalazione e l'ingresso; la mediana."
        ),
        "time_to_housing",
        lambda r: _days(r.get("median"), _how_many(r.get("count"), ON_ENTRIES)),
    ),
    Spec(
        "hf_retention_6",
        _("Mantenimento dell'alloggio a 6 mesi"),
        _(
            "Tra i nuclei entrati nel periodo almeno 6 mesi (182 giorni) prima della sua "
            "fine (o di oggi), la quota di quelli che 6 mesi dopo l'ingresso erano ancora "
            "in un alloggio del progetto (anche dopo un trasferimento) o ne erano usciti "
            "verso una soluzione abitativa stabile."
        ),
        "retention",
        lambda r: share(r.get("retained_6"), r.get("cohort_6")),
    ),
    Spec(
        "hf_retention_12",
        _("Mantenimento dell'alloggio a 12 mesi"),
        _("Come il precedente, a 12 mesi (365 giorni) dall'ingresso."),
        "retention",
        lambda r: share(r.get("retained_12"), r.get("cohort_12")),
    ),
    Spec(
        "hf_people_six_months",
        _("Persone alloggiate da almeno 6 mesi"),
        _(
            "Persone inserite in un alloggio del progetto in almeno un giorno del "
            "periodo la cui permanenza, dal primo ingresso, alla fine del periodo (o a "
            "oggi) durava da almeno 6 mesi (182 notti): l'obiettivo della misura Housing "
            "First del PNRR (M5C2 1.3.1)."
        ),
        "housed_six_months",
        lambda r: _count(r.get("people_six_months")),
    ),
    Spec(
        "hf_people_six_months_share",
        _("Quota di persone alloggiate da almeno 6 mesi"),
        _("Persone alloggiate da almeno 6 mesi ÷ persone inserite nel periodo."),
        "housed_six_months",
        lambda r: share(r.get("people_six_months"), r.get("people")),
        indent=True,
    ),
    Spec(
        "hf_stable_exits",
        _("Uscite verso una soluzione abitativa stabile"),
        _(
            "Permanenze concluse nel periodo (l'uscita dall'ultimo alloggio, non i "
            "trasferimenti) verso una casa in affitto a proprio nome, una casa popolare o "
            "di proprietà, sul totale delle permanenze concluse."
        ),
        "stable_exits",
        lambda r: share(r.get("stable"), r.get("ended")),
    ),
    Spec(
        "hf_returns",
        _("Rientri entro 12 mesi"),
        _(
            "Tra i nuclei usciti dal progetto nel periodo (chiusura della presa in carico, "
            "esclusi i passaggi ad altro progetto), la quota segnalata di nuovo, a "
            "qualsiasi progetto della rete, entro 365 giorni dall'uscita."
        ),
        "hf_returns",
        lambda r: share(r.get("returned"), r.get("exits")),
    ),
)


def _ethos_share(part: str, whole: str):
    return lambda r: share(r.get(part), r.get(whole))


ETHOS_SPECS: tuple[Spec, ...] = (
    Spec(
        "ethos_recorded",
        _("Uscite con la categoria ETHOS Light all'ingresso e all'uscita"),
        _(
            "Prese in carico chiuse nel periodo in cui la categoria ETHOS Light è stata "
            "registrata sia all'apertura sia alla dimissione, sul totale delle dimissioni."
        ),
        "ethos_change",
        _ethos_share("recorded", "moments"),
    ),
    Spec(
        "ethos_improved",
        _("Situazione abitativa migliorata all'uscita (ETHOS Light)"),
        _(
            "Tra le uscite con entrambe le categorie registrate, la quota in cui la "
            "categoria all'uscita è meno grave di quella all'ingresso, nell'ordine: 1 in "
            "strada, 2 sistemazioni di emergenza, 3 strutture per senza dimora, 4 istituti, "
            "5 alloggi non convenzionali, 6 ospiti di familiari o amici, non in "
            "condizione di grave esclusione abitativa."
        ),
        "ethos_change",
        _ethos_share("improved", "recorded"),
    ),
    Spec(
        "ethos_same",
        _("Stessa categoria ETHOS Light all'uscita"),
        _("Tra le uscite con entrambe le categorie registrate, la quota senza cambiamento."),
        "ethos_change",
        _ethos_share("same", "recorded"),
        indent=True,
    ),
    Spec(
        "ethos_worse",
        _("Situazione abitativa peggiorata all'uscita (ETHOS Light)"),
        _(
            "Tra le uscite con entrambe le categorie registrate, la quota in cui la "
            "categoria all'uscita è più grave di quella all'ingresso."
        ),
        "ethos_change",
        _ethos_share("worse", "recorded"),
        indent=True,
    ),
    Spec(
        "ethos_housed_at_exit",
        _("Non più in condizione di grave esclusione abitativa all'uscita"),
        _(
            "Tra le uscite con entrambe le categorie registrate, quelle in cui all'uscita "
            "il nucleo non è in nessuna delle sei categorie di ETHOS Light."
        ),
        "ethos_change",
        lambda r: Figure(int(r.get("housed") or 0), Unit.COUNT),
    ),
    Spec(
        "ethos_improved_follow_up",
        _("Situazione abitativa migliorata al follow-up (ETHOS Light)"),
        _(
            "Tra i follow-up svolti nel periodo con la categoria registrata al follow-up e "
            "all'ingresso, la quota in cui la categoria al follow-up è meno grave di "
            "quella all'ingresso."
        ),
        "ethos_change",
        _ethos_share("fu_improved", "fu_recorded"),
    ),
)


REPORTING_SPECS = HOUSING_FIRST_SPECS + ETHOS_SPECS


def compute(*, project_ids, period: Period, by: Split = Split.TOTAL, today=None) -> dict:
    results = housing_first.compute(project_ids=project_ids, period=period, by=by, today=today)
    results["ethos_change"] = ethos.ethos_change(project_ids=project_ids, period=period, by=by)
    return results


def _groups(by: Split, projects: list[Project], results: dict) -> list[Group]:
    if by == Split.TOTAL:
        return [Group(TOTAL, str(_("Totale")))]
    if by == Split.PROJECT:
        return [Group(project.pk, project.display_name) for project in projects]
    keys = set(housing_first.ambiti_of([p.pk for p in projects]).values())
    names = {o.pk: o.display_name for o in Organisation.objects.filter(pk__in=keys - {None})}
    groups = [Group(pk, name) for pk, name in sorted(names.items(), key=lambda kv: kv[1])]
    if None in keys:
        groups.append(Group(None, str(_("Senza ambito territoriale"))))
    return groups


def reporting_report(
    *,
    projects: list[Project],
    period: Period,
    by: Split = Split.TOTAL,
    today: datetime.date | None = None,
    specs: tuple[Spec, ...] = REPORTING_SPECS,
    results: dict | None = None,
) -> Report:
    """The Housing First and ETHOS figures for each group of the split, from `results`
    when they were computed already (dashboard.figures)."""
    if results is None:
        results = compute(project_ids=[p.pk for p in projects], period=period, by=by, today=today)
    groups = _groups(by, projects, results)
    rows = [
        Row(spec, [spec.figure(_empty(results[spec.source].get(g.key))) for g in groups])
        for spec in specs
    ]
    return Report(period=period, dimension=by, groups=groups, rows=rows, results=results)
