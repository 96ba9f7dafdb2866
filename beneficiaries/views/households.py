"""Pages of households: the caseload, the household file, the forms of households,
people and consent, and the history of a household.

Every view follows the same order: find the record through the scoping layer
(beneficiaries.selectors, 404 when the user may not see it), check the role (403),
then the form, then the service, then redirect or render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from beneficiaries import autonomy_chart
from beneficiaries.forms.households import (
    ConsentForm,
    ConsentWithdrawForm,
    HouseholdForm,
    PersonForm,
)
from beneficiaries.models import Person
from beneficiaries.selectors import households as households_selectors
from beneficiaries.selectors import pathway as pathway_selectors
from beneficiaries.services import households as households_services
from core import audit, panels, throttle
from core.access import access_for
from core.forms import errors_to_form
from partners import selectors as partners_selectors
from partners.models import Organisation

HISTORY_PAGE_SIZE = 50


CONSENT_EXPIRING_DAYS = 30


@dataclass
class Duplicates:
    """People already in the network who are probably the person being registered:
    those the user may see, and how many others exist (of which nothing is told). Or,
    when the user has asked too often, nothing at all (`throttled`)."""

    visible: list[Person] = field(default_factory=list)
    hidden_count: int = 0
    looked_up: bool = False
    throttled: bool = False

    @property
    def found(self) -> bool:
        return bool(self.visible or self.hidden_count)


def _duplicates(request, person_form: PersonForm, *, form: str) -> Duplicates:
    """The duplicate check of a complete registration (a valid form): counted, logged
    and limited per user (core.throttle), since it tells of people the user may not
    see. Never asked field by field while typing: that made it an oracle."""
    query = person_form.duplicate_query()
    has_code = len(query["codice_fiscale"]) == 16
    has_name = query["first_name"] and query["last_name"] and query["birth_date"]
    if not (has_code or has_name):
        return Duplicates()
    result = throttle.person_lookup(
        request=request,
        form=form,
        lookup=lambda: households_selectors.likely_duplicates(
            user=request.user,
            codice_fiscale=query["codice_fiscale"] if has_code else "",
            first_name=query["first_name"],
            last_name=query["last_name"],
            birth_date=query["birth_date"],
        ),
    )
    if result is None:
        person_form.add_error(
            None,
            _(
                "Hai fatto troppe verifiche di persone in poco tempo: per proteggere i dati "
                "delle persone accolte la registrazione è sospesa per un'ora. I coordinatori "
                "del tuo ente sono stati avvisati."
            ),
        )
        return Duplicates(throttled=True)
    visible, hidden_count = result
    # The codice fiscale is unique in the network: checked only now, after the counted
    # look-up, so that the form's error is no way around the limit.
    person_form.validate_code_unique()
    return Duplicates(visible=visible, hidden_count=hidden_count, looked_up=True)


def _registering_organisations(user):
    return Organisation.objects.filter(
        pk__in=access_for(user).frontline_organisations, is_active=True
    ).order_by("name")


@require_http_methods(["GET", "POST"])
def household_create(request):
    """Register a household with its reference person, after warning of people who
    are probably already in the network."""
    access = access_for(request.user)
    access.require(access.may_register_households())
    data = request.POST if request.method == "POST" else None
    # No special categories (health, violence) on registration: they are recorded from
    # the household file once a project has the household (selectors).
    household_form = HouseholdForm(
        data, organisations=_registering_organisations(request.user), prefix="household"
    )
    person_form = PersonForm(data, prefix="person", reference=True, defer_code_unique=True)
    duplicates, valid = Duplicates(), False
    if data is not None:
        valid = all([household_form.is_valid(), person_form.is_valid()])
        if valid:
            duplicates = _duplicates(request, person_form, form="household")
            valid = person_form.is_valid()
        confirmed = request.POST.get("confirm_duplicates") == "1"
        if valid and (confirmed or not duplicates.found):
            try:
                household = households_services.household_create(
                    user=request.user,
                    registered_by=household_form.cleaned_data["registered_by"],
                    reference_person=person_form.cleaned_data,
                    vulnerabilities=household_form.cleaned_data["vulnerabilities"],
                    **household_form.household_fields(),
                )
            except ValidationError as exc:
                errors_to_form(person_form, exc, household_form)
                valid = False
            else:
                messages.success(request, _("Nucleo familiare registrato."))
                return redirect(household)
    return render(
        request,
        "beneficiaries/household_form.html",
        {
            "household_form": household_form,
            "person_form": person_form,
            "duplicates": duplicates,
            # Only a valid form can be confirmed, and a form whose codice fiscale is
            # already in the network is never valid: the code is unique (checked after
            # the look-up, `_duplicates`).
            "can_confirm": valid and duplicates.found,
        },
    )


def _consent_rows(consents, today):
    rows = []
    for consent in consents:
        if consent.withdrawn_on is not None and consent.withdrawn_on <= today:
            state = "withdrawn"
        elif consent.is_lapsed(today):
            state = "expired"
        elif consent.expires_on and (consent.expires_on - today).days <= CONSENT_EXPIRING_DAYS:
            state = "expiring"
        else:
            state = "valid"
        rows.append({"consent": consent, "state": state})
    return rows


def _consent_alerts(rows):
    """Purposes whose most recent consent is no longer valid. Consents come ordered by
    purpose and newest first, so the first of each purpose is the one in force."""
    alerts, seen = [], set()
    for row in rows:
        purpose = row["consent"].purpose
        if purpose in seen:
            continue
        seen.add(purpose)
        if row["state"] in ("withdrawn", "expired"):
            alerts.append(row)
    return alerts


@require_http_methods(["GET"])
def household_detail(request, public_id):
    """The household file (scheda del nucleo). Every opening is logged."""
    household = households_selectors.household_file(user=request.user, public_id=public_id)
    households_services.household_file_opened(user=request.user, household=household)
    access = access_for(request.user)
    today = timezone.localdate()
    consent_rows = _consent_rows(household.consents.all(), today)
    members = list(household.members.all())
    return render(
        request,
        "beneficiaries/household_detail.html",
        {
            "household": household,
            "members": [
                {
                    "person": person,
                    "age": person.age(today),
                    "is_minor": person.is_minor(today),
                    "permit_expired": person.permit_is_expired(today),
                }
                for person in members
            ],
            "minors": sum(1 for person in members if person.is_minor(today)),
            "isee_expired": household.isee_is_expired(today),
            "consent_rows": consent_rows,
            "consent_alerts": _consent_alerts(consent_rows),
            "vulnerabilities": households_selectors.shown_vulnerabilities(
                user=request.user, household=household
            ),
            "special_categories": access.may_read_special(household),
            "can_edit": access.may_edit_household(household),
            "can_exercise_rights": access.may_exercise_rights(household),
            "can_view_history": access.may_view_history(household),
            "profiles": _autonomy_profiles(request.user, household),
            # Sections of the apps above (where the household lives: housing).
            "panels": panels.panels_for(panels.HOUSEHOLD, user=request.user, household=household),
            "today": today,
        },
    )


def _autonomy_profiles(user, household) -> list[dict]:
    """The autonomy profile over time of each case whose pathway the user may read."""
    cases = household.visible_cases
    by_case = pathway_selectors.assessments_by_case(user=user, cases=cases)
    return [
        {"case": case, "chart": autonomy_chart.profile_chart(by_case[case.pk])}
        for case in cases
        if by_case.get(case.pk)
    ]


@require_http_methods(["GET", "POST"])
def household_update(request, public_id):
    household = households_selectors.household_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_edit_household(household))
    form = HouseholdForm(
        request.POST if request.method == "POST" else None,
        instance=household,
        special_categories=access.may_read_special(household),
    )
    if form.is_bound and form.is_valid():
        # The form wrote the new values onto the instance; the service must start from
        # the saved ones to record what changed.
        household.refresh_from_db()
        try:
            households_services.household_update(
                user=request.user,
                household=household,
                vulnerabilities=form.cleaned_data["vulnerabilities"],
                **form.household_fields(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Dati del nucleo aggiornati."))
            return redirect(household)
    return render(
        request,
        "beneficiaries/household_form.html",
        {"household": household, "household_form": form},
    )


@require_http_methods(["GET", "POST"])
def person_create(request, public_id):
    """Add a member to a household, warning of people already in the network. From the
    household file the form opens in place (htmx) instead of on a page of its own."""
    household = households_selectors.household_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_edit_household(household))
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, prefix="person", household=household, defer_code_unique=True)
    duplicates, valid = Duplicates(), False
    if data is not None:
        valid = form.is_valid()
        if valid:
            duplicates = _duplicates(request, form, form="person")
            valid = form.is_valid()
        confirmed = request.POST.get("confirm_duplicates") == "1"
        if valid and (confirmed or not duplicates.found):
            try:
                households_services.person_create(
                    user=request.user, household=household, **form.cleaned_data
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
                valid = False
            else:
                messages.success(request, _("Componente aggiunto al nucleo."))
                if request.htmx:
                    return HttpResponseClientRedirect(household.get_absolute_url())
                return redirect(household)
    template = "beneficiaries/person_form.html"
    response = render(
        request,
        f"{template}#new_member" if request.htmx else template,
        {
            "household": household,
            "form": form,
            "duplicates": duplicates,
            "can_confirm": valid and duplicates.found,
        },
    )
    # The same address answers with a page or a fragment: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
def person_update(request, public_id):
    person = households_selectors.person_for_user(user=request.user, public_id=public_id)
    household = person.household
    access = access_for(request.user)
    access.require(access.may_edit_household(household))
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        instance=person,
        prefix="person",
        household=household,
    )
    if request.method == "GET":
        households_services.person_form_opened(user=request.user, person=person)
    if form.is_bound and form.is_valid():
        person.refresh_from_db()  # see household_update
        try:
            households_services.person_update(user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Dati della persona aggiornati."))
            return redirect(household)
    return render(
        request,
        "beneficiaries/person_form.html",
        {"household": household, "person": person, "form": form},
    )


@require_http_methods(["GET", "POST"])
def consent_create(request, public_id):
    household = households_selectors.household_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_edit_household(household))
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        household=household,
        organisations=partners_selectors.organisation_list(user=request.user),
    )
    if form.is_bound and form.is_valid():
        fields = dict(form.cleaned_data)
        organisations = list(fields.pop("organisations"))
        try:
            households_services.consent_record(
                user=request.user, household=household, organisations=organisations, **fields
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Consenso registrato."))
            return redirect(household.get_absolute_url() + "#consensi")
    return render(
        request, "beneficiaries/consent_form.html", {"household": household, "form": form}
    )


@require_POST
def consent_withdraw(request, pk):
    consent = households_selectors.consent_for_user(user=request.user, pk=pk)
    household = consent.household
    access = access_for(request.user)
    access.require(access.may_edit_household(household))
    form = ConsentWithdrawForm(request.POST, consent=consent)
    if form.is_valid():
        try:
            households_services.consent_withdraw(
                user=request.user, consent=consent, on=form.cleaned_data["withdrawn_on"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Revoca registrata: %(purpose)s.") % {"purpose": consent.get_purpose_display()},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(household.get_absolute_url() + "#consensi")


@require_http_methods(["GET"])
def household_history(request, public_id):
    """Who did what to the household's data and when, field by field."""
    household = households_selectors.household_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_view_history(household))
    events = households_selectors.history_of(user=request.user, household=household)
    page_obj = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = audit.rendered_changes(page_obj.object_list, household)
    return render(
        request,
        "beneficiaries/household_history.html",
        {"household": household, "page_obj": page_obj, "rows": rows},
    )
