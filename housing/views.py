"""Pages of housing: the occupancy boards, a unit, matching a free place with the waiting
list, placing, moving and ending. Each view: access (selectors: 404, then 403), form,
service, redirect with a message or render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import access_for
from core.forms import errors_to_form

from . import selectors, services
from .forms import PlacementEndForm, PlacementForm, PlacementMoveForm, UnitForm
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


@require_GET
def unit_detail(request, pk):
    unit = selectors.unit_for_user(user=request.user, pk=pk)
    board = selectors.occupancy_board(
        user=request.user, units=selectors.units_queryset().filter(pk=unit.pk)
    )
    return render(
        request,
        "housing/unit_detail.html",
        {
            "unit": unit,
            "row": board.rows[0],
            "board": board,
            "placements": selectors.unit_placements(user=request.user, unit=unit),
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
    match = selectors.matching(user=request.user, unit=unit)
    return render(request, "housing/unit_match.html", {"unit": unit, "match": match})


@require_http_methods(["GET", "POST"])
def placement_create(request, pk, entry_pk):
    unit = selectors.unit_for_user(user=request.user, pk=pk)
    access = access_for(request.user)
    access.require(access.may_place(unit.project))
    entry = selectors.waiting_entry_for_unit(unit=unit, pk=entry_pk)
    household = entry.household
    case = services.open_case(household=household, project=unit.project)
    form = PlacementForm(
        request.POST or None, unit=unit, household=household, needs_case=case is None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = services.placement_from_waiting_list(
                user=request.user,
                unit=unit,
                entry=entry,
                members=list(data["members"]),
                start_date=data["start_date"],
                holding_organisation=data.get("holding_organisation"),
                workers=list(data.get("workers") or []),
                planned_end_date=data["planned_end_date"],
                planned_end_reason=data["planned_end_reason"],
                agreement_signed_on=data["agreement_signed_on"],
                monthly_contribution=data["monthly_contribution"],
            )
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
        {"unit": unit, "entry": entry, "household": household, "case": case, "form": form},
    )


# A placement -------------------------------------------------------------------------


@require_GET
def placement_detail(request, public_id):
    placement = selectors.placement_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "housing/placement_detail.html",
        {
            "placement": placement,
            "can_place": access_for(request.user).may_place(placement.unit.project),
        },
    )


@require_http_methods(["GET", "POST"])
def placement_end(request, public_id):
    placement = selectors.placement_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_place(placement.unit.project))
    form = PlacementEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(user=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Uscita registrata."))
            return redirect(placement)
    return render(request, "housing/placement_end.html", {"placement": placement, "form": form})


@require_http_methods(["GET", "POST"])
def placement_move(request, public_id):
    placement = selectors.placement_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_place(placement.unit.project))
    form = PlacementMoveForm(
        request.POST or None,
        targets=selectors.move_targets(user=request.user, placement=placement),
    )
    if request.method == "POST" and form.is_valid():
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
