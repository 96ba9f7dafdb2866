"""Pages of appointments: a case's list, planning and changing one (with the warning
when a worker is busy elsewhere), calling it off, recording its outcome (which writes
the diary entry), the worker's week and the project's week, and the worker's private
calendar feed (iCalendar, reached by a secret link without logging in).

A case comes from the casework selectors (out of scope: 404); the services ask the
access object (403)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beneficiaries import calendar_feed
from beneficiaries.forms.appointments import AppointmentForm, CalendarSettingsForm, OutcomeForm
from beneficiaries.selectors import appointments as selectors
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import pathway as pathway_selectors
from beneficiaries.services import appointments as services
from beneficiaries.services import cases as cases_services
from core.access import access_for
from core.forms import errors_to_form, is_valid_with_rules
from projects.models import Project

PAGE_SIZE = 20
FEED_TOKEN_SESSION_KEY = "beneficiaries:calendar_feed_token"  # noqa: S105 - a session key


def _case(request, public_id):
    return cases_selectors.case_for_casework(user=request.user, public_id=public_id)


def _require_manage(request, case):
    access = access_for(request.user)
    access.require(access.may_manage_appointments(case))


def _context(request, case, **context):
    return {
        "case": case,
        "household": case.household,
        "section": "appointments",
        "can_write": access_for(request.user).may_manage_appointments(case),
        **context,
    }


@require_GET
def appointment_list(request, public_id):
    case = _case(request, public_id)
    _require_manage(request, case)
    cases_services.case_page_opened(user=request.user, case=case, page="appointments")
    page_obj = Paginator(
        selectors.appointments_of(user=request.user, case=case), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "beneficiaries/appointment_list.html",
        _context(
            request,
            case,
            page_obj=page_obj,
            missed=selectors.missed_count(case=case),
            now=timezone.now(),
        ),
    )


def _form(request, case, *, initial=None, data=None):
    return AppointmentForm(
        data,
        staff=selectors.staff_choices(user=request.user, case=case),
        rooms=selectors.room_choices(user=request.user, case=case),
        members=selectors.members_choices(case=case),
        households=pathway_selectors.linkable_households(user=request.user, case=case),
        initial=initial,
    )


def _save(request, case, form, *, appointment=None):
    """Validate, warn of busy workers (once: the user confirms), save. Returns the
    appointment, or None with the form carrying its errors or the warning."""

    def check(data):
        services.appointment_check(
            user=request.user,
            case=case,
            **{**data, "starts_at": form.cleaned_data.get("starts_at")},
            appointment=appointment,
        )

    if not is_valid_with_rules(form, check):
        return None, None
    values = form.service_values()
    found = selectors.conflicts(
        starts_at=values["starts_at"],
        ends_at=values["starts_at"] + datetime.timedelta(minutes=values["duration_minutes"]),
        staff=values["staff"],
        exclude=appointment,
    )
    if found.workers and not form.cleaned_data.get("confirm_conflicts"):
        return None, found
    try:
        if appointment is None:
            saved = services.appointment_schedule(user=request.user, case=case, **values)
        else:
            saved = services.appointment_update(
                user=request.user, appointment=appointment, **values
            )
    except ValidationError as error:
        errors_to_form(form, error)
        return None, None
    if found.workers:
        messages.warning(
            request,
            _("Appuntamento salvato, ma un operatore ha un altro impegno nello stesso orario."),
        )
    return saved, None


@require_http_methods(["GET", "POST"])
def appointment_create(request, public_id):
    case = _case(request, public_id)
    _require_manage(request, case)
    if request.method == "POST":
        form = _form(request, case, data=request.POST)
        saved, conflicts = _save(request, case, form)
        if saved is not None:
            messages.success(request, _("Appuntamento fissato."))
            return redirect(saved)
    else:
        form = _form(
            request,
            case,
            initial={
                "duration_minutes": 60,
                "place": "office",
                "staff": [request.user.pk],
                "day": timezone.localdate() + datetime.timedelta(days=1),
            },
        )
        conflicts = None
    return render(
        request,
        "beneficiaries/appointment_form.html",
        _context(request, case, form=form, conflicts=conflicts, appointment=None),
    )


@require_GET
def appointment_detail(request, public_id):
    appointment = selectors.appointment_for_user(user=request.user, public_id=public_id)
    case = appointment.case
    _require_manage(request, case)
    cases_services.case_page_opened(user=request.user, case=case, page="appointments")
    outcome_form = None
    if appointment.is_planned and appointment.starts_at <= timezone.now():
        outcome_form = OutcomeForm(
            appointment=appointment, initial={"duration_minutes": appointment.duration_minutes}
        )
    return render(
        request,
        "beneficiaries/appointment_detail.html",
        _context(
            request,
            case,
            appointment=appointment,
            staff=appointment.staff.order_by("last_name", "first_name"),
            members=appointment.members.order_by("birth_date"),
            others=pathway_selectors.linkable_households(user=request.user, case=case).filter(
                group_appointments=appointment
            ),
            outcome_form=outcome_form,
        ),
    )


@require_http_methods(["GET", "POST"])
def appointment_update(request, public_id):
    appointment = selectors.appointment_for_user(user=request.user, public_id=public_id)
    case = appointment.case
    _require_manage(request, case)
    if not appointment.is_planned:
        messages.error(request, _("L'appuntamento non è più previsto: non si può modificare."))
        return redirect(appointment)
    conflicts = None
    if request.method == "POST":
        form = _form(request, case, data=request.POST)
        saved, conflicts = _save(request, case, form, appointment=appointment)
        if saved is not None:
            messages.success(request, _("Appuntamento aggiornato."))
            return redirect(saved)
    else:
        form = _form(request, case, initial=AppointmentForm.initial_from(appointment))
    return render(
        request,
        "beneficiaries/appointment_form.html",
        _context(request, case, form=form, conflicts=conflicts, appointment=appointment),
    )


@require_POST
def appointment_cancel(request, public_id):
    appointment = selectors.appointment_for_user(user=request.user, public_id=public_id)
    try:
        services.appointment_cancel(user=request.user, appointment=appointment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Appuntamento annullato."))
    return redirect(appointment)


@require_http_methods(["GET", "POST"])
def appointment_outcome(request, public_id):
    appointment = selectors.appointment_for_user(user=request.user, public_id=public_id)
    case = appointment.case
    _require_manage(request, case)
    form = OutcomeForm(
        request.POST or None,
        appointment=appointment,
        initial={"duration_minutes": appointment.duration_minutes},
    )
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: services.outcome_check(appointment=appointment, **data)
    ):
        data = form.cleaned_data
        try:
            services.appointment_record_outcome(
                user=request.user,
                appointment=appointment,
                held=data["held"],
                duration_minutes=data["duration_minutes"],
                not_held_reason=data.get("not_held_reason") or "",
                interpreter_used=data.get("interpreter_used"),
                text=data.get("text") or "",
                is_confidential=data["is_confidential"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Esito registrato: la nota è nel diario."))
            return redirect("beneficiaries:diary_list", public_id=case.public_id)
    return render(
        request,
        "beneficiaries/appointment_outcome.html",
        _context(request, case, appointment=appointment, form=form),
    )


# Weeks ---------------------------------------------------------------------------------


def _monday(request):
    """The Monday of the week asked for (?settimana=YYYY-MM-DD, any day of it), or of
    this week; a wrong value says so and shows this week."""
    raw = request.GET.get("settimana")
    today = timezone.localdate()
    if raw:
        try:
            return selectors.monday_of(datetime.date.fromisoformat(raw))
        except ValueError:
            messages.error(request, _("La settimana indicata non è valida: ecco quella di oggi."))
    return selectors.monday_of(today)


def _week_context(monday):
    days = [monday + datetime.timedelta(days=n) for n in range(7)]
    return {
        "monday": monday,
        "sunday": days[-1],
        "days": days,
        "previous_week": (monday - datetime.timedelta(days=7)).isoformat(),
        "next_week": (monday + datetime.timedelta(days=7)).isoformat(),
        "this_week": selectors.monday_of(timezone.localdate()).isoformat(),
    }


def _by_day(appointments, days, key=lambda a: a):
    grouped = {day: [] for day in days}
    for item in appointments:
        # One that began on the Sunday before and runs past midnight shows on Monday.
        day = max(timezone.localdate(key(item).starts_at), days[0])
        grouped[day].append(item)
    return [(day, grouped[day]) for day in days]


@require_GET
def my_week(request):
    access = access_for(request.user)
    access.require(access.may_have_calendar())
    monday = _monday(request)
    context = _week_context(monday)
    appointments = selectors.week_of(user=request.user, monday=monday)
    return render(
        request,
        "beneficiaries/appointment_week.html",
        {
            **context,
            "by_day": _by_day(appointments, context["days"]),
            "clashes": sum(1 for a in appointments if a.worker_clash or a.room_clash),
            # A coordinator reaches the weeks of the projects they coordinate from here.
            "coordinated": Project.objects.filter(pk__in=access.coordinated_projects).order_by(
                "name"
            )
            if access.coordinated_projects
            else [],
        },
    )


@require_GET
def project_week(request, slug):
    project = get_object_or_404(Project, slug=slug)
    access = access_for(request.user)
    if not access.may_see_project_week(project):
        # Those who work in the project learn they may not; others not even that.
        if project.pk in access.known_projects:
            access.require(False)
        raise Http404
    monday = _monday(request)
    context = _week_context(monday)
    weeks = selectors.project_week(user=request.user, project=project, monday=monday)
    rows = [
        (week.worker, _by_day(week.appointments, context["days"], key=lambda pair: pair[0]))
        for week in weeks
    ]
    return render(
        request,
        "beneficiaries/appointment_project_week.html",
        {
            **context,
            "project": project,
            "rows": rows,
            "clashes": sum(
                1
                for week in weeks
                for appointment, clash in week.appointments
                if clash or appointment.room_clash
            ),
        },
    )


# The calendar feed ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    access = access_for(request.user)
    access.require(access.may_have_calendar())
    feed = selectors.feed_of(user=request.user)
    form = CalendarSettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={"include_names": feed.include_names if feed else False},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reset":
            token = services.calendar_feed_reset(user=request.user)
            # Shown once, on the next page: only the hash is kept.
            request.session[FEED_TOKEN_SESSION_KEY] = token
            messages.success(
                request,
                _("Nuovo link creato: quello di prima non funziona più.")
                if feed
                else _("Link del calendario creato."),
            )
            return redirect("beneficiaries:calendar_settings")
        if action == "delete":
            services.calendar_feed_delete(user=request.user)
            messages.success(request, _("Link del calendario eliminato."))
            return redirect("beneficiaries:calendar_settings")
        if action == "settings" and form.is_valid():
            try:
                services.calendar_feed_settings(
                    user=request.user, include_names=form.cleaned_data["include_names"]
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Preferenze del calendario salvate."))
                return redirect("beneficiaries:calendar_settings")
        elif action not in ("settings",):
            messages.error(request, _("Richiesta non valida."))
            return redirect("beneficiaries:calendar_settings")
    token = request.session.pop(FEED_TOKEN_SESSION_KEY, None)
    feed_url = (
        request.build_absolute_uri(reverse("beneficiaries:calendar_feed", args=[token]))
        if token
        else None
    )
    return render(
        request,
        "beneficiaries/appointment_calendar.html",
        {"feed": feed, "form": form, "feed_url": feed_url},
    )


@login_not_required
@never_cache
@require_GET
def calendar_feed_view(request, token):
    """The worker's calendar for the phone: no login, only the secret token."""
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    body = calendar_feed.ics(feed=feed, appointments=selectors.feed_appointments(feed=feed))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="abitare.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
