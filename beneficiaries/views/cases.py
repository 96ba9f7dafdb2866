"""Pages of cases: the caseload (its search kept out of URLs), opening a case and
assigning its workers, the case page. Access: selectors (404), access object (403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from beneficiaries.filters import CaseloadFilter
from beneficiaries.forms.cases import CaseOpenForm, CaseWorkersForm
from beneficiaries.models import Referral
from beneficiaries.selectors import appointments as appointments_selectors
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import households as households_selectors
from beneficiaries.selectors import intake as intake_selectors
from beneficiaries.services import cases as cases_services
from beneficiaries.services.households import ConsentMissing
from beneficiaries.views.intake import consent_context
from core import panels
from core.access import access_for
from core.forms import errors_to_form, is_valid_with_rules
from core.pagination import CappedPaginator

Status = Referral.Status

PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
def case_open(request, public_id):
    """Open a case (presa in carico) for the household of an accepted referral."""
    referral = intake_selectors.referral_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_coordinate(referral.project))
    workers_url = reverse("beneficiaries:case_open", args=[referral.public_id])
    if request.method == "GET" and request.htmx and "holding_organisation" in request.GET:
        # The organisation changed: only its workers' checkboxes are re-drawn.
        form = CaseOpenForm(
            project=referral.project,
            workers_url=workers_url,
            initial={
                "holding_organisation": request.GET["holding_organisation"],
                "workers": request.GET.getlist("workers"),
            },
        )
        return render(request, "beneficiaries/case_form.html#workers_field", {"form": form})
    form = CaseOpenForm(
        request.POST or None,
        project=referral.project,
        workers_url=workers_url,
        initial={"ethos_light": referral.ethos_light},
    )
    consent = {}
    if request.method == "GET":
        gaps = households_selectors.consent_gaps(
            household=referral.household, project=referral.project
        )
        consent = consent_context(request.user, referral.household, gaps)
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: cases_services.case_open_check(referral=referral, **data)
    ):
        try:
            case = cases_services.case_open(
                user=request.user,
                referral=referral,
                holding_organisation=form.cleaned_data["holding_organisation"],
                workers=list(form.cleaned_data["workers"]),
                opened_on=form.cleaned_data["opened_on"],
                ethos_light=form.cleaned_data["ethos_light"],
            )
        except ConsentMissing as error:
            errors_to_form(form, error)
            consent = consent_context(request.user, referral.household, error.gaps)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Presa in carico aperta."))
            return redirect(case)
    return render(
        request,
        "beneficiaries/case_form.html",
        {"form": form, "referral": referral, **consent},
    )


def _appointments_context(request, case) -> dict:
    if not access_for(request.user).may_manage_appointments(case):
        return {"appointments_visible": False}
    return {
        "appointments_visible": True,
        "missed_appointments": appointments_selectors.missed_count(case=case),
    }


def _case_page(request, case, workers_form=None):
    can_assign = case.is_open and access_for(request.user).may_assign_workers(case)
    if can_assign and workers_form is None:
        workers_form = CaseWorkersForm(case=case)
    return render(
        request,
        "beneficiaries/case_detail.html",
        {
            "case": case,
            "household": case.household,
            "workers": case.workers.order_by("last_name", "first_name"),
            "workers_form": workers_form if can_assign else None,
            # Sections of the apps above (where the household lives: housing).
            "panels": panels.panels_for(panels.CASE, user=request.user, case=case),
            "lapsed_consents": households_selectors.consent_alerts_for(household=case.household),
            # The referral is linked only for those who may open it (not every worker).
            "referral_visible": case.referral_id is not None
            and households_selectors.visible_referrals(user=request.user)
            .filter(pk=case.referral_id)
            .exists(),
            # Appointments are casework, like the diary; the missed ones count here.
            **_appointments_context(request, case),
            # The contribution ledger (housing) is financial data: linked only for whom
            # may read it, and only once the case has a placement.
            "contributions_visible": access_for(request.user).may_read_case_contributions(case)
            and case.placements.exists(),
        },
    )


def case_detail(request, public_id):
    case = cases_selectors.case_for_user(user=request.user, public_id=public_id)
    cases_services.case_page_opened(user=request.user, case=case, page="case")
    return _case_page(request, case)


@require_POST
def case_assign_workers(request, public_id):
    case = cases_selectors.case_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_assign_workers(case))
    form = CaseWorkersForm(request.POST, case=case)
    if form.is_valid():
        try:
            cases_services.case_assign_workers(
                user=request.user, case=case, workers=list(form.cleaned_data["workers"])
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Operatori assegnati aggiornati."))
            return redirect(case)
    return _case_page(request, case, workers_form=form)


CASELOAD_FILTERS = "beneficiaries:caseload_filters"  # session key


@require_http_methods(["GET", "POST"])
def caseload(request):
    """The cases the user works on. The search form is POSTed and kept in the session,
    then the page is shown again with GET (post/redirect/get), so what was searched
    for — a name, a codice fiscale — never appears in a URL."""
    access = access_for(request.user)
    access.require(access.may_do_casework())
    data = request.session.get(CASELOAD_FILTERS) or {}
    cases = cases_selectors.caseload(
        user=request.user, searching=bool(request.POST.get("q") or data.get("q"))
    )
    if request.method == "POST":
        if request.POST.get("reset"):
            request.session.pop(CASELOAD_FILTERS, None)
            return redirect("beneficiaries:caseload")
        filterset = CaseloadFilter(request.POST, queryset=cases, user=request.user)
        if filterset.is_valid():
            request.session[CASELOAD_FILTERS] = {
                name: request.POST.get(name, "") for name in filterset.filters
            }
            return redirect("beneficiaries:caseload")
        # A wrong filter is shown with its error, and finds nothing.
        return _render_caseload(request, filterset, filterset.queryset.none(), is_filtered=True)
    filterset = CaseloadFilter(data, queryset=cases, user=request.user)
    found = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return _render_caseload(request, filterset, found, is_filtered=any(data.values()))


def _render_caseload(request, filterset, found, *, is_filtered):
    page_obj = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "beneficiaries/caseload_list.html",
        {"filter": filterset, "page_obj": page_obj, "is_filtered": is_filtered},
    )
