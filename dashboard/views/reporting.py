"""The reporting the network owes (issue 19), for the coordinators of the projects:

- `reporting`: Housing First monitoring and the ETHOS Light change of the projects they
  coordinate, in total, per project or per Ambito of the project, with the cross-tables
  of ETHOS categories from entry to exit and to follow-up; exports of each table;
- `temporary_monitoring`: the Ambito's table of temporary-housing services for a period;
- `funder_report`: a project's report for its funder, printable and as a workbook, with
  the figures, their definitions and the households behind them;

and for the referrers, `siuss_export`: the file for the Ambito's social-services
information system, for the households their organisation sent.

Each view: access (403 for a user who may not report, 404 for a project outside their
projects), input (a clear message and a 400), computation, page or file.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries.models import Case, CaseExit, EthosLight
from core.access import access_for
from dashboard import exports, figures, indicators, workbooks
from dashboard import services as dashboard_services
from dashboard.forms import PeriodForm, default_period, quick_periods
from dashboard.indicators import ethos, housing_first, pages, reporting, temporary
from dashboard.indicators.housing_first import Split
from dashboard.indicators.period import Period
from dashboard.selectors import siuss
from dashboard.views.indicators import (
    NAV,
    BadInput,
    _bad_request,
    _check_export,
    _figures_time,
    _form_errors,
    _indicator_rows,
    _recomputed,
    _unit_label,
)
from housing.models import Placement
from partners.models import Organisation
from projects.models import Project

REPORTING_TABLES = ("cifre", "ethos-uscita", "ethos-follow-up")

SPLITS = (Split.TOTAL, Split.PROJECT, Split.AMBITO)


def _query(period: Period, **extra) -> str:
    return urlencode({"dal": period.start.isoformat(), "al": period.end.isoformat(), **extra})


def _reporting_projects(user) -> list[Project]:
    access = access_for(user)
    access.require(access.may_see_dashboards())
    return list(
        Project.objects.filter(pk__in=access.coordinated_projects)
        .prefetch_related("area_served")
        .order_by("name")
    )


def _project_for(user, slug: str) -> Project:
    access = access_for(user)
    access.require(access.may_see_dashboards())
    project = get_object_or_404(Project, slug=slug)
    if not access.may_see_reporting(project):
        # Outside the user's projects: as if it did not exist.
        raise Http404
    return project


def _period_or_bad(request) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise BadInput(_("Il periodo non è valido. %(errors)s") % {"errors": _form_errors(form)})
    return form, form.period


def _split(request) -> Split:
    value = request.GET.get("per", Split.TOTAL.value)
    try:
        return Split(value)
    except ValueError:
        raise BadInput(
            _("Suddivisione sconosciuta: «%(value)s». Scegli totale, per progetto o per ambito.")
            % {"value": value[:40]}
        ) from None


def _stored(projects, period: Period, split: Split, *, recompute=False) -> figures.Figures:
    """The reporting figures of the projects, from their snapshot (dashboard.figures)."""
    params = pages.figure_params([p.pk for p in projects], period, split)
    return figures.get("reporting", params, force=recompute)


def _report(projects, period: Period, split: Split, stored: figures.Figures) -> indicators.Report:
    return reporting.reporting_report(
        projects=projects, period=period, by=split, results=stored.value["results"]
    )


def _figures_table(report: indicators.Report, title: str) -> exports.Table:
    columns = [g.label for g in report.groups]
    return exports.Table(
        name="cifre",
        title=_("Housing First ed ETHOS"),
        columns=[_("Indicatore"), _("Unità"), *columns, _("Base di calcolo"), _("Definizione")],
        rows=[
            [
                str(row.spec.label),
                _unit_label(row.figures[0]),
                *(figure.value for figure in row.figures),
                " · ".join(str(f.detail) for f in row.figures if f.detail),
                str(row.spec.definition),
            ]
            for row in report.rows
        ],
        notes=[(_("Rapporto"), title), (_("Periodo"), _period_text(report.period))]
        + [(str(row.spec.label), str(row.spec.definition)) for row in report.rows],
    )


def _cross_export(table: ethos.CrossTable, title: str, period: Period) -> exports.Table:
    labels = [label for _value, label in table.categories]
    return exports.Table(
        name="ethos-" + ("uscita" if table.moment == ethos.EXIT else "follow-up"),
        title=_("ETHOS Light %(moment)s") % {"moment": table.label},
        columns=[_("All'ingresso"), *labels, _("Totale")],
        rows=[[row["label"], *row["cells"], row["total"]] for row in table.rows()]
        + [[_("Totale"), *table.column_totals(), table.total]],
        notes=[(_("Rapporto"), title), (_("Periodo"), _period_text(period))]
        + [(str(label), str(text)) for label, text in ethos.definitions()],
    )


def _period_text(period: Period) -> str:
    return _("dal %(start)s al %(end)s") % {
        "start": period.start.strftime("%d/%m/%Y"),
        "end": period.end.strftime("%d/%m/%Y"),
    }


def _reporting_title() -> str:
    return _("Rendicontazione: Housing First ed ETHOS Light")


@require_http_methods(["GET", "POST"])
def reporting_page(request):
    """The reporting of the projects the user coordinates; a POST computes the figures
    again ("Ricalcola ora")."""
    projects = _reporting_projects(request.user)
    form = PeriodForm(request.GET)
    context = {
        "title": _reporting_title(),
        "projects": projects,
        "form": form,
        "quick_periods": [(label, _query(p)) for label, p in quick_periods()],
        "splits": [(s, s.label) for s in SPLITS],
        **NAV,
    }
    try:
        split = _split(request)
        form, period = _period_or_bad(request)
    except BadInput as error:
        if not form.is_valid():
            return render(request, "dashboard/reporting_page.html", context, status=400)
        return _bad_request(request, error, back=reverse("dashboard:reporting"))
    context.update({"split": split, "period": period, "query": _query(period, per=split.value)})
    if projects:
        stored = _stored(projects, period, split, recompute=request.method == "POST")
        if request.method == "POST":
            return _recomputed(request)
        report = _report(projects, period, split, stored)
        context.update(
            {
                "figures": stored,
                "rows": _indicator_rows(report),
                "columns": [g.label for g in report.groups],
                "single": split == Split.TOTAL,
                "cross_tables": pages.cross_tables(stored.value),
                "ethos_definitions": ethos.definitions(),
            }
        )
    return render(request, "dashboard/reporting_page.html", context)


@require_GET
def reporting_export(request, table: str, fmt: str):
    projects = _reporting_projects(request.user)
    try:
        _check_export(table, fmt, REPORTING_TABLES)
        _form, period = _period_or_bad(request)
        # The cross-tables are not split (the network dashboard links them with its own
        # split, per municipality too).
        split = _split(request) if table == "cifre" else Split.TOTAL
    except BadInput as error:
        return _bad_request(request, error, back=reverse("dashboard:reporting"))
    if not projects:
        raise PermissionDenied
    title = _reporting_title()
    stored = _stored(projects, period, split)
    if table == "cifre":
        data = _figures_table(_report(projects, period, split, stored), title)
    else:
        moment = ethos.EXIT if table == "ethos-uscita" else ethos.FOLLOW_UP
        cross = next(t for t in pages.cross_tables(stored.value) if t.moment == moment)
        data = _cross_export(cross, title, period)
    data.notes.append((_("Dati calcolati il"), _figures_time(stored)))
    return exports.response(
        data,
        fmt,
        name_parts=[
            "rendicontazione",
            split.value,
            period.start.isoformat(),
            period.end.isoformat(),
        ],
    )


# The Ambito's monitoring of temporary housing ----------------------------------------


def _ambito_choice(request, ambiti: dict) -> int | None:
    value = request.GET.get("ambito", "")
    if not value:
        return None
    if not value.isdigit() or int(value) not in ambiti:
        raise BadInput(_("Ambito sconosciuto o non tra quelli dei tuoi progetti."))
    return int(value)


def _temporary_context(request):
    projects = temporary.temporary_projects(_reporting_projects(request.user))
    by_project = housing_first.ambiti_of([p.pk for p in projects])
    names = {
        o.pk: o.display_name
        for o in Organisation.objects.filter(pk__in={v for v in by_project.values() if v})
    }
    chosen = _ambito_choice(request, names)
    if chosen is not None:
        projects = [p for p in projects if by_project.get(p.pk) == chosen]
    return projects, by_project, names, chosen


def _temporary_table(rows, names, by_project, period: Period) -> exports.Table:
    return exports.Table(
        name="abitare-temporaneo",
        title=_("Monitoraggio dell'abitare temporaneo"),
        columns=[_("Progetto"), _("Ambito"), *(str(label) for _k, label in temporary.COLUMNS)],
        rows=[
            [
                row.project.display_name,
                names.get(by_project.get(row.project.pk), ""),
                *row.cells(),
            ]
            for row in rows
        ],
        notes=[(_("Periodo"), _period_text(period))]
        + [(str(label), str(temporary.DEFINITIONS[key])) for key, label in temporary.COLUMNS],
    )


@require_GET
def temporary_monitoring(request):
    form = PeriodForm(request.GET)
    try:
        projects, by_project, names, chosen = _temporary_context(request)
        _form, period = _period_or_bad(request)
    except BadInput as error:
        if not form.is_valid():
            return render(
                request,
                "dashboard/reporting_temporary.html",
                {"form": form, "quick_periods": [], **NAV},
                status=400,
            )
        return _bad_request(request, error, back=reverse("dashboard:temporary_monitoring"))
    rows = temporary.monitoring(projects=projects, period=period)
    return render(
        request,
        "dashboard/reporting_temporary.html",
        {
            "form": form,
            "period": period,
            "quick_periods": [(label, _query(p)) for label, p in quick_periods()],
            "ambiti": sorted(names.items(), key=lambda kv: kv[1]),
            "chosen": chosen,
            "columns": temporary.COLUMNS,
            "definitions": [
                (key, label, temporary.DEFINITIONS[key]) for key, label in temporary.COLUMNS
            ],
            "rows": [
                {
                    "project": r.project,
                    "ambito": names.get(by_project.get(r.project.pk), ""),
                    "cells": r.cells(),
                }
                for r in rows
            ],
            "query": _query(period, **({"ambito": chosen} if chosen else {})),
            **NAV,
        },
    )


@require_GET
def temporary_monitoring_export(request, fmt: str):
    try:
        if fmt not in exports.FORMATS:
            _check_export("abitare-temporaneo", fmt, ("abitare-temporaneo",))
        projects, by_project, names, _chosen = _temporary_context(request)
        _form, period = _period_or_bad(request)
    except BadInput as error:
        return _bad_request(request, error, back=reverse("dashboard:temporary_monitoring"))
    rows = temporary.monitoring(projects=projects, period=period)
    return exports.response(
        _temporary_table(rows, names, by_project, period),
        fmt,
        name_parts=["monitoraggio", period.start.isoformat(), period.end.isoformat()],
    )


# The export for the Ambito's information system (SIUSS) -----------------------------


class SiussForm(PeriodForm):
    ente = forms.ModelChoiceField(
        label=gettext_lazy("Ente inviante"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy("Scegli uno degli enti per cui lavori."),
        },
    )

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["ente"].queryset = siuss.exportable_organisations(user=user)


def _siuss_form(request) -> SiussForm:
    access = access_for(request.user)
    access.require(access.is_frontline and bool(access.frontline_organisations))
    data = request.GET.dict()
    if not ({"dal", "al"} & set(data)):
        # No period asked for: the year so far, as PeriodForm does.
        default = default_period()
        data.update(dal=default.start.isoformat(), al=default.end.isoformat())
    if not data.get("ente"):
        # The first organisation the user works for, as if chosen.
        first = siuss.exportable_organisations(user=request.user).first()
        data["ente"] = str(first.pk) if first else ""
    return SiussForm(data, user=request.user)


@require_GET
def siuss_page(request):
    form = _siuss_form(request)
    valid = form.is_valid()
    return render(
        request,
        "dashboard/reporting_siuss.html",
        {
            "form": form,
            "query": urlencode(
                {
                    "dal": form.data.get("dal", ""),
                    "al": form.data.get("al", ""),
                    "ente": form.data.get("ente", ""),
                }
            )
            if valid
            else "",
            "quick_periods": [],
            "nav_section": "referrals",
        },
        status=200 if valid else 400,
    )


@require_GET
def siuss_export(request, fmt: str):
    form = _siuss_form(request)
    back = reverse("dashboard:siuss")
    if fmt not in exports.FORMATS:
        return _bad_request(
            request,
            BadInput(
                _(
                    "Formato di esportazione sconosciuto: «%(format)s». Si può scaricare in CSV o XLSX."
                )
                % {"format": fmt[:20]}
            ),
            back=back,
        )
    if not form.is_valid():
        return _bad_request(request, BadInput(_form_errors(form)), back=back)
    organisation = form.cleaned_data["ente"]
    table = siuss.siuss_table(user=request.user, organisation=organisation, period=form.period)
    dashboard_services.siuss_exported(user=request.user, organisation=organisation)
    return exports.response(
        table,
        fmt,
        name_parts=[
            "siuss",
            organisation.slug,
            form.period.start.isoformat(),
            form.period.end.isoformat(),
        ],
    )


# The funder's report ------------------------------------------------------------------


def _households_behind(*, user, project: Project, period: Period) -> list[dict]:
    """The households behind the figures: the project's cases open in the period that the
    user may see (a coordinator of the project sees them all), with their stay and ETHOS
    categories."""
    access = access_for(user)
    cases = (
        Case.objects.filter(project=project, opened_on__lte=period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
        .filter(access.cases_q())
        .select_related("household", "exit", "referral")
        .prefetch_related(
            "household__members",
            Prefetch(
                "placements",
                queryset=housing_first.first_entries([project.pk]).order_by("start_date"),
                to_attr="stays",
            ),
        )
        .order_by("opened_on", "pk")
    )
    rows = []
    for case in cases:
        case_exit = getattr(case, "exit", None)
        stay = case.stays[0] if case.stays else None
        rows.append(
            {
                "household": str(case.household),
                "url": case.get_absolute_url(),
                "people": len(case.household.members.all()),
                "opened_on": case.opened_on,
                "closed_on": case.closed_on,
                "sent_on": timezone.localdate(case.referral.sent_at)
                if case.referral and case.referral.sent_at
                else None,
                "entered_on": stay.start_date if stay else None,
                "stay_end": stay.stay_end if stay else None,
                "destination": Placement(
                    destination=stay.stay_destination
                ).get_destination_display()
                if stay and stay.stay_destination
                else "",
                "ethos_entry": EthosLight(case.ethos_light).label if case.ethos_light else "",
                "ethos_exit": EthosLight(case_exit.ethos_light).label
                if case_exit and case_exit.ethos_light
                else "",
                "exit_reason": CaseExit.Reason(case_exit.reason).label if case_exit else "",
            }
        )
    return rows


HOUSEHOLD_COLUMNS = (
    ("household", gettext_lazy("Nucleo")),
    ("people", gettext_lazy("Persone")),
    ("sent_on", gettext_lazy("Segnalato il")),
    ("opened_on", gettext_lazy("Presa in carico dal")),
    ("entered_on", gettext_lazy("Ingresso in alloggio")),
    ("stay_end", gettext_lazy("Fine della permanenza")),
    ("destination", gettext_lazy("Destinazione")),
    ("closed_on", gettext_lazy("Dimissione")),
    ("exit_reason", gettext_lazy("Motivo dell'uscita")),
    ("ethos_entry", gettext_lazy("ETHOS all'ingresso")),
    ("ethos_exit", gettext_lazy("ETHOS all'uscita")),
)


def _funder_data(request, project: Project, period: Period) -> dict:
    # The figures of the project's dashboard and of its reporting, as those pages keep
    # them (dashboard.figures); the households behind them are read now.
    dashboard_figures = figures.get("dashboard", pages.figure_params([project.pk], period, None))
    reporting_figures = _stored([project], period, Split.TOTAL)
    dashboard_report = indicators.report(
        projects=[project], period=period, results=dashboard_figures.value["total"]
    )
    reporting_report = _report([project], period, Split.TOTAL, reporting_figures)
    monitoring = (
        temporary.monitoring(projects=[project], period=period)
        if temporary.temporary_projects([project])
        else []
    )
    return {
        "project": project,
        "period": period,
        "title": _("Rapporto per il finanziatore: %(project)s") % {"project": project.display_name},
        "dashboard_rows": _indicator_rows(dashboard_report),
        "reporting_rows": _indicator_rows(reporting_report),
        "dashboard_report": dashboard_report,
        "reporting_report": reporting_report,
        "cross_tables": pages.cross_tables(reporting_figures.value),
        # The older of the two, for "Cifre calcolate il".
        "figures": min(dashboard_figures, reporting_figures, key=lambda f: f.computed_at),
        "ethos_definitions": ethos.definitions(),
        "monitoring": [
            {"label": label, "value": value, "definition": temporary.DEFINITIONS[key]}
            for (key, label), value in zip(
                temporary.COLUMNS, monitoring[0].cells() if monitoring else [], strict=False
            )
        ],
        "households": _households_behind(user=request.user, project=project, period=period),
        "household_columns": HOUSEHOLD_COLUMNS,
        "query": _query(period),
        "single": True,
    }


@require_GET
def funder_report(request, slug: str):
    project = _project_for(request.user, slug)
    try:
        _form, period = _period_or_bad(request)
    except BadInput as error:
        return _bad_request(request, error, back=reverse("dashboard:reporting"))
    return render(
        request,
        "dashboard/reporting_funder.html",
        {**_funder_data(request, project, period), **NAV},
    )


def _report_table(name: str, title: str, report: indicators.Report) -> exports.Table:
    return exports.Table(
        name=name,
        title=title,
        columns=[_("Indicatore"), _("Valore"), _("Unità"), _("Base di calcolo"), _("Definizione")],
        rows=[
            [
                str(row.spec.label),
                row.figures[0].value,
                _unit_label(row.figures[0]),
                str(row.figures[0].detail),
                str(row.spec.definition),
            ]
            for row in report.rows
        ],
    )


@require_GET
def funder_report_xlsx(request, slug: str):
    project = _project_for(request.user, slug)
    try:
        _form, period = _period_or_bad(request)
    except BadInput as error:
        return _bad_request(request, error, back=reverse("dashboard:reporting"))
    data = _funder_data(request, project, period)
    tables = [
        _report_table("indicatori", _("Indicatori"), data["dashboard_report"]),
        _report_table("housing-first", _("Housing First ed ETHOS"), data["reporting_report"]),
        *(_cross_export(t, data["title"], period) for t in data["cross_tables"]),
    ]
    if data["monitoring"]:
        tables.append(
            exports.Table(
                name="abitare-temporaneo",
                title=_("Abitare temporaneo"),
                columns=[_("Voce"), _("Valore"), _("Definizione")],
                rows=[
                    [str(m["label"]), m["value"], str(m["definition"])] for m in data["monitoring"]
                ],
            )
        )
    if data["households"] is not None:
        tables.append(
            exports.Table(
                name="nuclei",
                title=_("Nuclei dietro le cifre"),
                columns=[str(label) for _key, label in HOUSEHOLD_COLUMNS],
                rows=[
                    [row[key] for key, _label in HOUSEHOLD_COLUMNS] for row in data["households"]
                ],
            )
        )
    content = workbooks.to_workbook(
        tables,
        title=data["title"],
        notes=[
            (_("Periodo"), _period_text(period)),
            (_("Dati calcolati il"), _figures_time(data["figures"])),
        ]
        + [(str(label), str(text)) for label, text in ethos.definitions()],
    )
    response = HttpResponse(content, content_type=workbooks.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="{}"'.format(
        exports.filename(
            "rapporto-finanziatore",
            project.slug,
            period.start.isoformat(),
            period.end.isoformat(),
            extension="xlsx",
        )
    )
    return response
