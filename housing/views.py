"""Pages of housing: the occupancy boards, a unit, matching a free place with the waiting
list, placing, moving and ending. Each view: access (selectors: 404, then 403), form,
service, redirect with a message or render."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import pathway as pathway_selectors
from beneficiaries.services import cases as cases_services
from beneficiaries.services import pathway as pathway_services
from core import printing
from core.access import access_for
from core.forms import errors_to_form, is_valid_with_rules

from . import selectors, services
from .forms import (
    ArrearsFlagForm,
    CaseCloseForm,
    ChargeMonthForm,
    ContributionChangeForm,
    ContributionSuspensionForm,
    PaymentForm,
    PaymentReverseForm,
    PlacementEndForm,
    PlacementForm,
    PlacementMoveForm,
    PlacementRenewalForm,
    RepaymentPlanForm,
    UnitForm,
)
from .models import HousingUnit

# Boards ------------------------------------------------------------------------------


@require_GET
def board_index(request):
    projects, properties = selectors.boards_for_user(user=request.user)
    return render(
        request,
        "housing/board_index.html",
        {"projects": projects, "properties": properties},
    )


@require_GET
def project_board(request, slug):
    project = selectors.project_for_user(user=request.user, slug=slug)
    board = selectors.occupancy_board(
        user=request.user,
        units=selectors.units_queryset().filter(project=project),
        page=request.GET.get("page"),
    )
    return render(
        request,
        "housing/occupancy_board.html",
        {
            "board": board,
            "project": project,
            "title": project.display_name,
            "coordinated": access_for(request.user).coordinated_projects,
        },
    )


@require_GET
def property_board(request, pk):
    prop = selectors.property_for_user(user=request.user, pk=pk)
    access = access_for(request.user)
    board = selectors.occupancy_board(
        user=request.user,
        units=selectors.units_queryset().filter(
            property=prop, project_id__in=access.housing_projects
        ),
    )
    return render(
        request,
        "housing/occupancy_board.html",
        {
            "board": board,
            "property": prop,
            "title": prop.name,
            "coordinated": access.coordinated_projects,
        },
    )


# A unit ------------------------------------------------------------------------------


def _day_asked(request):
    """The day a page looks at: ?giorno=YYYY-MM-DD, or today when none or unreadable
    (who closes a case today asks whether the place is free tomorrow)."""
    try:
        return datetime.date.fromisoformat(request.GET.get("giorno", ""))
    except ValueError:
        return timezone.localdate()


@require_GET
def unit_detail(request, pk):
    unit = selectors.unit_for_user(user=request.user, pk=pk)
    day = _day_asked(request)
    board = selectors.occupancy_board(
        user=request.user, units=selectors.units_queryset().filter(pk=unit.pk), today=day
    )
    return render(
        request,
        "housing/unit_detail.html",
        {
            "unit": unit,
            "row": board.rows[0],
            "board": board,
            "day": day,
            "is_today": day == timezone.localdate(),
            "placements": selectors.unit_placements(user=request.user, unit=unit, today=day),
            "can_place": access_for(request.user).may_place(unit.project),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_update(request, pk):
    unit = selectors.unit_for_user(user=request.user, pk=pk)
    access = access_for(request.user)
    access.require(access.may_place(unit.project))
    form = UnitForm(request.POST or None, instance=HousingUnit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                user=request.user,
                unit=unit,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Alloggio aggiornato."))
            return redirect(unit)
    return render(request, "housing/unit_update.html", {"unit": unit, "form": form})


# Matching and placing ----------------------------------------------------------------


@require_GET
def unit_match(request, pk):
    unit = selectors.unit_for_user(user=request.user, pk=pk)
    access = access_for(request.user)
    access.require(access.may_place(unit.project))
    match = selectors.matching(
        user=request.user,
        unit=unit,
        page=request.GET.get("page"),
        other_page=request.GET.get("altri"),
        cases_page=request.GET.get("casi"),
    )
    return render(request, "housing/unit_match.html", {"unit": unit, "match": match})


@require_http_methods(["GET", "POST"])
def placement_create(request, pk, entry_pk):
    """Place a household of the waiting list."""
    unit = selectors.unit_for_user(user=request.user, pk=pk)
    access = access_for(request.user)
    access.require(access.may_place(unit.project))
    entry = selectors.waiting_entry_for_unit(unit=unit, pk=entry_pk)
    return _placement_page(request, unit, entry.household, entry=entry)


@require_http_methods(["GET", "POST"])
def placement_create_for_case(request, pk, public_id):
    """Place a household with an open case in the project that never waited on the list."""
    unit = selectors.unit_for_user(user=request.user, pk=pk)
    access = access_for(request.user)
    access.require(access.may_place(unit.project))
    case = selectors.case_needing_place_for_unit(user=request.user, unit=unit, public_id=public_id)
    return _placement_page(request, unit, case.household)


def _placement_page(request, unit, household, entry=None):
    case = services.open_case(household=household, project=unit.project)
    first = selectors.first_in_line(user=request.user, unit=unit)
    out_of_order = first is not None and first.household_id != household.pk
    form = PlacementForm(
        request.POST or None,
        unit=unit,
        household=household,
        needs_case=case is None,
        out_of_order=out_of_order,
    )
    if request.method == "POST" and is_valid_with_rules(
        form,
        lambda data: services.placement_check(unit=unit, entry=entry, household=household, **data),
    ):
        data = form.cleaned_data
        details = {
            "user": request.user,
            "unit": unit,
            "members": list(data["members"]),
            "start_date": data["start_date"],
            "planned_end_date": data["planned_end_date"],
            "planned_end_reason": data["planned_end_reason"],
            "agreement_signed_on": data["agreement_signed_on"],
            "monthly_contribution": data["monthly_contribution"],
            "out_of_order_reason": data.get("out_of_order_reason") or "",
        }
        try:
            if entry is not None:
                placement = services.placement_from_waiting_list(
                    entry=entry,
                    holding_organisation=data.get("holding_organisation"),
                    workers=list(data.get("workers") or []),
                    **details,
                )
            else:
                placement = services.placement_start(household=household, **details)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(household)s è inserito in «%(unit)s» dal %(day)s.")
                % {
                    "household": household,
                    "unit": unit,
                    "day": formats.date_format(placement.start_date, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect("housing:project_board", slug=unit.project.slug)
    return render(
        request,
        "housing/placement_create.html",
        {
            "unit": unit,
            "entry": entry,
            "household": household,
            "case": case,
            "form": form,
            "first_in_line": first if out_of_order else None,
        },
    )


# A placement -------------------------------------------------------------------------


@require_GET
def placement_detail(request, public_id):
    placement = selectors.placement_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    case = placement.case
    return render(
        request,
        "housing/placement_detail.html",
        {
            "placement": placement,
            "can_place": access.may_place(placement.unit.project),
            # Out of the unit, the case still open: offer to close it as well.
            "offer_case_close": placement.end_date is not None
            and placement.exit_reason != placement.ExitReason.MOVED
            and case.is_open
            and access.may_close(case)
            and not selectors.placements_hanging_from(case=case, on=None),
            "contributions": (
                selectors.statement(placement=placement)
                if access.may_read_contributions(placement)
                else None
            ),
        },
    )


def _agreement_printout(request, public_id) -> dict:
    """What the printed hosting agreement (patto di accoglienza) shows: the household's
    reference person and the people placed, by name; the unit and its address; the
    dates; the monthly contribution; the project's rules. Never the household's special
    categories, the diary or the exit notes."""
    placement = selectors.placement_for_user(user=request.user, public_id=public_id)
    project = placement.unit.project
    return {
        "placement": placement,
        "project": project,
        "reference_person": placement.household.reference_person,
        "people": list(placement.members.all()),
        "rules": project.agreement_rule_lines(),
        "printed_on": timezone.localdate(),
    }


@require_GET
def placement_agreement(request, public_id):
    """The patto di accoglienza on paper, to sign with the household: the page in the
    user's language (the browser prints it)."""
    return render(
        request, "housing/placement_agreement.html", _agreement_printout(request, public_id)
    )


@require_GET
def placement_agreement_pdf(request, public_id):
    """The same, as a PDF in Italian."""
    context = _agreement_printout(request, public_id)
    return printing.pdf_response(
        "housing/placement_agreement.html",
        context,
        request=request,
        filename="patto-di-accoglienza.pdf",
        what=f"agreement:{context['placement'].public_id}",
    )


@require_http_methods(["GET", "POST"])
def placement_end(request, public_id):
    placement = selectors.placement_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_place(placement.unit.project))
    form = PlacementEndForm(request.POST or None)
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: services.placement_end_check(placement=placement, **data)
    ):
        try:
            services.placement_end(user=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Uscita registrata."))
            if placement.case.is_open:
                messages.info(
                    request,
                    _(
                        "La presa in carico del nucleo resta aperta: se il percorso è "
                        "concluso, chiudila dalla pagina dell'inserimento."
                    ),
                )
            return redirect(placement)
    return render(request, "housing/placement_end.html", {"placement": placement, "form": form})


@require_http_methods(["GET", "POST"])
def placement_renew(request, public_id):
    """The decision on a renewal (proroga) of the placement beyond its planned end."""
    placement = selectors.placement_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_renew_placement(placement))
    form = PlacementRenewalForm(request.POST or None)
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: services.placement_renew_check(placement=placement, **data)
    ):
        try:
            services.placement_renew(user=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Decisione sulla proroga registrata."))
            return redirect(placement)
    return render(
        request,
        "housing/placement_renew.html",
        {"placement": placement, "form": form},
    )


@require_http_methods(["GET", "POST"])
def placement_move(request, public_id):
    placement = selectors.placement_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_place(placement.unit.project))
    form = PlacementMoveForm(
        request.POST or None,
        targets=selectors.move_targets(user=request.user, placement=placement),
    )
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: services.placement_move_check(placement=placement, **data)
    ):
        try:
            moved = services.placement_move(
                user=request.user, placement=placement, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Trasferimento registrato: da «%(old)s» a «%(new)s».")
                % {"old": placement.unit, "new": moved.unit},
            )
            return redirect(moved)
    return render(request, "housing/placement_move.html", {"placement": placement, "form": form})


# Closing a case (and its placement) --------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_close(request, public_id):
    """The exit form of an open case: it closes the case and what hangs from it — its
    goals, actions and reviews, and its placement, on the same day. It lives here, not in
    beneficiaries, because ending the placement is housing's (see docs/architecture.md)."""
    case = cases_selectors.case_for_casework(user=request.user, public_id=public_id)
    if not case.is_open:
        return redirect("beneficiaries:case_exit", public_id=case.public_id)
    access = access_for(request.user)
    may_close = access.may_close(case)
    if request.method == "POST" and not may_close:
        raise PermissionDenied
    if request.method == "GET":
        cases_services.case_page_opened(user=request.user, case=case, page="exit")
    today = timezone.localdate()
    hanging = selectors.placements_hanging_from(case=case, on=None)
    open_goals = list(pathway_selectors.open_goals_of(case=case))
    form = CaseCloseForm(
        request.POST or None,
        initial={"closed_on": today},
        open_goals=open_goals,
        hanging=hanging,
    )
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: pathway_services.case_close_check(case=case, **data)
    ):
        try:
            services.case_close_with_placements(
                user=request.user, case=case, **form.service_arguments()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Presa in carico chiusa e uscita dall'alloggio registrata.")
                if hanging
                else _("Presa in carico chiusa."),
            )
            return redirect("beneficiaries:case_exit", public_id=case.public_id)
    return render(
        request,
        "housing/case_close.html",
        {
            "case": case,
            "household": case.household,
            "section": "exit",
            "form": form,
            "may_close": may_close,
            "hanging": hanging,
            "open_goals": open_goals,
            "has_follow_up_basis": pathway_selectors.has_follow_up_basis(case=case, on=today),
        },
    )


# The contribution ledger (quota di compartecipazione) --------------------------------


@require_GET
def contribution_detail(request, public_id):
    placement = selectors.contribution_placement_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    return render(
        request,
        "housing/contribution_detail.html",
        {
            "placement": placement,
            "statement": selectors.statement(placement=placement),
            "can_record": access.may_record_payment(placement),
            "charge_form": ChargeMonthForm(),
            "reverse_form": PaymentReverseForm(),
        },
    )


def _contribution_write(request, public_id, *, form_class, write, title, done, **form_kwargs):
    """A page with one form that writes to the ledger: access, form, service, redirect."""
    placement = selectors.contribution_placement_for_user(
        user=request.user, public_id=public_id, record=True
    )
    kwargs = {name: value(placement) for name, value in form_kwargs.items()}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            write(user=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, done)
            return redirect("housing:contribution_detail", public_id=placement.public_id)
    return render(
        request,
        "housing/contribution_form.html",
        {"placement": placement, "form": form, "title": title},
    )


@require_http_methods(["GET", "POST"])
def payment_create(request, public_id):
    return _contribution_write(
        request,
        public_id,
        form_class=PaymentForm,
        write=services.payment_record,
        title=_("Registra un pagamento"),
        done=_("Pagamento registrato."),
        instalments=lambda placement: selectors.instalments_of(placement=placement),
    )


@require_http_methods(["GET", "POST"])
def contribution_change_create(request, public_id):
    return _contribution_write(
        request,
        public_id,
        form_class=ContributionChangeForm,
        write=services.contribution_change_record,
        title=_("Variazione della quota"),
        done=_("Variazione della quota registrata."),
    )


@require_http_methods(["GET", "POST"])
def contribution_suspension_create(request, public_id):
    return _contribution_write(
        request,
        public_id,
        form_class=ContributionSuspensionForm,
        write=services.contribution_suspend,
        title=_("Sospensione della quota"),
        done=_("Sospensione registrata."),
    )


@require_http_methods(["GET", "POST"])
def arrears_flag_create(request, public_id):
    return _contribution_write(
        request,
        public_id,
        form_class=ArrearsFlagForm,
        write=services.arrears_flag,
        title=_("Morosità non imputabile al nucleo"),
        done=_("Morosità segnata come non imputabile al nucleo."),
    )


@require_http_methods(["GET", "POST"])
def repayment_plan_create(request, public_id):
    return _contribution_write(
        request,
        public_id,
        form_class=RepaymentPlanForm,
        write=services.repayment_plan_create,
        title=_("Piano di rientro"),
        done=_("Piano di rientro registrato."),
    )


def _error_message(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_POST
def charges_generate(request, public_id):
    placement = selectors.contribution_placement_for_user(
        user=request.user, public_id=public_id, record=True
    )
    form = ChargeMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indica il mese da addebitare."))
    else:
        month = form.cleaned_data["month"]
        try:
            charge = services.charges_generate(user=request.user, placement=placement, month=month)
        except ValidationError as error:
            messages.error(request, _error_message(error))
        else:
            month_text = formats.date_format(month, "YEAR_MONTH_FORMAT")
            if charge is None:
                messages.info(
                    request,
                    _("Nulla da addebitare per %(month)s: già addebitato o quota a zero.")
                    % {"month": month_text},
                )
            else:
                messages.success(
                    request, _("Addebitato %(month)s.") % {"month": month_text.capitalize()}
                )
    return redirect("housing:contribution_detail", public_id=placement.public_id)


@require_POST
def payment_reverse(request, public_id, pk):
    placement = selectors.contribution_placement_for_user(
        user=request.user, public_id=public_id, record=True
    )
    payment = selectors.payment_for_user(user=request.user, placement=placement, pk=pk)
    form = PaymentReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indica perché il pagamento viene stornato."))
    else:
        try:
            services.payment_reverse(
                user=request.user, payment=payment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, _("Pagamento stornato."))
    return redirect("housing:contribution_detail", public_id=placement.public_id)


@require_GET
def case_contributions(request, public_id):
    case, statements = selectors.case_contributions(user=request.user, public_id=public_id)
    return render(
        request,
        "housing/case_contributions.html",
        {"case": case, "statements": statements},
    )
