"""The coordinators' caseloads: cases per worker and per project with their flags, bulk
(re)assignment, exports. For coordinators only (the access object)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core import security_log
from core.access import access_for
from dashboard import exports
from dashboard import services as dashboard_services
from dashboard.filters import CoordinatorCaseloadFilter
from dashboard.forms import BulkAssignForm
from dashboard.selectors import caseloads as caseloads_selectors
from dashboard.views.indicators import (
    NAV,
    PAGE_SIZE,
    BadInput,
    _bad_request,
    _check_export,
    _form_errors,
)
from partners.models import StaffMembership

Role = StaffMembership.Role


CASELOAD_TABLES = ("operatori", "progetti", "prese-in-carico")

WORKERS_PAGE_SIZE = 50


def _caseload_page(request, today):
    cases = caseloads_selectors.with_flags(
        caseloads_selectors.caseload_cases(user=request.user), today=today
    ).order_by("project__name", "household_name", "opened_on", "pk")
    return CoordinatorCaseloadFilter(
        request.GET or None, queryset=cases, user=request.user, today=today
    )


@require_GET
def caseloads(request):
    """Who works on which open cases, per project and per worker, with the cases that
    need attention; tick cases and assign a worker to all of them."""
    access = access_for(request.user)
    access.require(access.may_see_dashboards())
    today = timezone.localdate()
    filterset = _caseload_page(request, today)
    page_obj = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    cutoff = caseloads_selectors.no_contact_cutoff(today)
    for case in page_obj:
        case.last_contact = case.last_contact_on
        case.is_quiet = case.quiet_since < cutoff
    form = BulkAssignForm(user=request.user, initial={"next": request.get_full_path()})
    # The workers a page at a time (hundreds in a large organisation), counted for the
    # page only; the export has them all.
    workers_page = Paginator(
        caseloads_selectors.filterable_workers(user=request.user), WORKERS_PAGE_SIZE
    ).get_page(request.GET.get("operatori"))
    return render(
        request,
        "dashboard/caseloads.html",
        {
            "filter": filterset,
            "is_filtered": filterset.is_bound and filterset.form.has_changed(),
            "page_obj": page_obj,
            "per_worker": caseloads_selectors.per_worker(
                user=request.user, today=today, workers=workers_page.object_list
            ),
            "workers_page": workers_page,
            "per_project": caseloads_selectors.per_project(user=request.user, today=today),
            "form": form,
            "no_contact_days": caseloads_selectors.NO_CONTACT_DAYS,
            "export_query": request.GET.urlencode(),
            **NAV,
        },
        status=400 if filterset.is_bound and not filterset.is_valid() else 200,
    )


@require_POST
def caseloads_assign(request):
    access = access_for(request.user)
    access.require(access.may_see_dashboards())
    form = BulkAssignForm(request.POST, user=request.user)
    next_url = request.POST.get("next") or ""
    # A path only: redirect() would take a bare word for the name of a view.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("dashboard:caseloads")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(next_url)
    worker = form.cleaned_data["worker"]
    try:
        changed = dashboard_services.cases_assign_worker(
            user=request.user,
            cases=form.cleaned_data["cases"],
            worker=worker,
            mode=form.cleaned_data["mode"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(next_url)
    name = worker.get_full_name() or worker.username
    if changed:
        messages.success(
            request,
            ngettext(
                "%(worker)s assegnato/a a %(count)d presa in carico.",
                "%(worker)s assegnato/a a %(count)d prese in carico.",
                changed,
            )
            % {"worker": name, "count": changed},
        )
    else:
        messages.info(
            request,
            _("Nessun cambiamento: %(worker)s segue già le prese in carico scelte.")
            % {"worker": name},
        )
    return redirect(next_url)


def _yes_no(value: bool) -> str:
    return _("Sì") if value else _("No")


@require_GET
def caseloads_export(request, table: str, fmt: str):
    """The caseloads' tables. They name workers and households: each export is written
    to the security log."""
    access = access_for(request.user)

    access.require(access.may_see_dashboards())
    try:
        _check_export(table, fmt, CASELOAD_TABLES)
    except BadInput as error:
        return _bad_request(request, error, back=reverse("dashboard:caseloads"))
    today = timezone.localdate()
    notes = [(_("Rapporto"), _("Carichi di lavoro")), (_("Alla data"), today.strftime("%d/%m/%Y"))]
    if table == "operatori":
        rows = caseloads_selectors.per_worker(user=request.user, today=today)
        data = exports.Table(
            name=table,
            title=_("Carichi per operatore"),
            columns=[
                _("Operatore"),
                _("Prese in carico aperte"),
                _("Con verifiche scadute"),
                _("Nuclei senza contatti da %(days)d giorni")
                % {"days": caseloads_selectors.NO_CONTACT_DAYS},
                _("Da seguire"),
            ],
            rows=[
                [
                    r["worker"].get_full_name() or r["worker"].username,
                    r["open_cases"],
                    r["overdue_cases"],
                    r["quiet_cases"],
                    _yes_no(r["needs_attention"]),
                ]
                for r in rows
            ],
            notes=notes,
        )
    elif table == "progetti":
        rows = caseloads_selectors.per_project(user=request.user, today=today)
        data = exports.Table(
            name=table,
            title=_("Carichi per progetto"),
            columns=[
                _("Progetto"),
                _("Prese in carico aperte"),
                _("Senza operatore"),
                _("Con verifiche scadute"),
                _("Nuclei senza contatti da %(days)d giorni")
                % {"days": caseloads_selectors.NO_CONTACT_DAYS},
                _("Morosità oltre 60 giorni"),
                _("Operatori"),
            ],
            rows=[
                [
                    r["name"],
                    r["open_cases"],
                    r["unassigned"],
                    r["overdue_cases"],
                    r["quiet_cases"],
                    r["in_arrears"],
                    r["workers"],
                ]
                for r in rows
            ],
            notes=notes,
        )
    else:
        filterset = _caseload_page(request, today)
        if filterset.is_bound and not filterset.is_valid():
            return _bad_request(
                request,
                BadInput(
                    _("La ricerca non è valida. %(errors)s")
                    % {"errors": _form_errors(filterset.form)}
                ),
                back=reverse("dashboard:caseloads"),
            )
        cutoff = caseloads_selectors.no_contact_cutoff(today)
        rows = []
        for case in filterset.qs:
            last = case.last_contact_on
            rows.append(
                [
                    case.household_name or "",
                    case.project.display_name,
                    case.holding_organisation.display_name,
                    ", ".join(w.get_full_name() or w.username for w in case.workers.all()),
                    case.opened_on,
                    case.overdue_reviews,
                    last,
                    _yes_no(case.overdue_reviews > 0 or case.quiet_since < cutoff),
                ]
            )
        data = exports.Table(
            name=table,
            title=_("Prese in carico aperte"),
            columns=[
                _("Persona di riferimento"),
                _("Progetto"),
                _("Ente titolare"),
                _("Operatori"),
                _("Aperta il"),
                _("Verifiche scadute"),
                _("Ultimo contatto"),
                _("Da seguire"),
            ],
            rows=rows,
            notes=notes,
        )
    security_log.record(
        security_log.Kind.EXPORT,
        request=request,
        details={"table": f"carichi/{table}", "format": fmt, "rows": len(data.rows)},
    )
    return exports.response(data, fmt, name_parts=["carichi", today.isoformat()])
