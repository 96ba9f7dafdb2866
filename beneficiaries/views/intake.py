"""Pages of the intake: referrals and their decisions, and the waiting list. Access is
decided by the selectors (404 for what the user may not see) and the access object
(403 for what the user may not do)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from beneficiaries.forms.intake import (
    ReferralFilter,
    ReferralForm,
    ReferralTransitionForm,
)
from beneficiaries.models import Person, Referral
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import households as households_selectors
from beneficiaries.selectors import intake as intake_selectors
from beneficiaries.services import intake as intake_services
from beneficiaries.services.households import ConsentMissing
from core.access import access_for
from core.forms import errors_to_form, is_valid_with_rules
from projects import selectors as project_selectors
from projects.models import Project

PAGE_SIZE = 25


Status = Referral.Status


# The actions of a referral's page, in the order they are offered.
ACTIONS = [
    (Status.SENT, gettext_lazy("Invia")),
    (Status.UNDER_ASSESSMENT, gettext_lazy("Avvia la valutazione")),
    (Status.ACCEPTED, gettext_lazy("Accogli")),
    (Status.DECLINED, gettext_lazy("Non accogliere")),
    (Status.WITHDRAWN, gettext_lazy("Ritira")),
]


def referral_list(request):
    """Incoming referrals of the projects the user coordinates (not drafts) and the
    referrals the user's organisation sent (drafts included)."""
    # Referrals are the work of referrers, social workers and coordinators; someone who
    # holds none of those roles may not even ask.
    access = access_for(request.user)
    access.require(access.may_register_households())
    referrals = intake_selectors.referral_list(user=request.user)
    filterset = ReferralFilter(request.GET, queryset=referrals, request=request)
    rows = filterset.qs if filterset.is_valid() else referrals.none()
    counted = intake_selectors.referral_counts_by_status(user=request.user)
    paginator = Paginator(rows, PAGE_SIZE)
    if filterset.is_valid() and not any(filterset.form.cleaned_data.values()):
        # Unfiltered, the list is every visible referral: the counts by status already
        # add up to its length (one count of the whole list fewer).
        paginator.count = sum(counted.values())
    page_obj = paginator.get_page(request.GET.get("page"))
    status_counts = [
        {"status": value, "label": label, "count": counted.get(value, 0)}
        for value, label in Status.choices
    ]
    return render(
        request,
        "beneficiaries/referral_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "status_counts": status_counts,
            "total": sum(counted.values()),
            "is_filtered": any(filterset.form.cleaned_data.values())
            if filterset.is_valid()
            else True,
            "waiting_list_projects": project_selectors.projects_coordinated_by(
                user=request.user
            ).prefetch_related(None),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_create(request, public_id):
    """Refer a household the user can see to a project: save a draft or send it."""
    # Referrals are the work of referrers, social workers and coordinators; someone who
    # holds none of those roles may not even ask.
    access = access_for(request.user)
    access.require(access.may_register_households())
    household = households_selectors.household_for_user(user=request.user, public_id=public_id)
    organisation_url = reverse("beneficiaries:referral_create", args=[household.public_id])
    if request.method == "GET" and request.htmx and "referring_organisation" in request.GET:
        # The organisation changed: only the projects it may refer to are re-drawn.
        form = ReferralForm(
            user=request.user,
            organisation_url=organisation_url,
            initial={"referring_organisation": request.GET["referring_organisation"]},
        )
        return render(request, "beneficiaries/referral_form.html#project_field", {"form": form})
    if request.method == "GET" and request.htmx and "project" in request.GET:
        # The project changed: only its eligibility questions are re-drawn.
        form = ReferralForm(
            user=request.user,
            organisation_url=organisation_url,
            initial={"project": request.GET["project"]},
        )
        return render(
            request, "beneficiaries/referral_form.html#eligibility_questions", {"form": form}
        )
    form = ReferralForm(request.POST or None, user=request.user, organisation_url=organisation_url)
    consent = {}
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: intake_services.referral_check(household=household, **data)
    ):
        send = request.POST.get("action") == "send"
        try:
            referral = intake_services.referral_create(
                user=request.user, household=household, send=send, **form.referral_data()
            )
        except ConsentMissing as error:
            errors_to_form(form, error)
            consent = consent_context(request.user, household, error.gaps)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Segnalazione inviata al progetto.")
                if send
                else _("Bozza della segnalazione salvata: inviala quando è pronta."),
            )
            return redirect(referral)
    return render(
        request,
        "beneficiaries/referral_form.html",
        {"form": form, "household": household, **consent},
    )


def referral_detail(request, public_id):
    referral = intake_selectors.referral_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    household = referral.household
    members = list(household.members.order_by("birth_date"))
    actions = [
        {"status": status, "label": label}
        for status, label in ACTIONS
        if referral.can_move_to(status) and access.may_move_referral(referral, status)
    ]
    is_project_coordinator = access.may_coordinate(referral.project)
    consent = {}
    if any(a["status"] in (Status.SENT, Status.ACCEPTED) for a in actions):
        # Told before the button is pressed: sending and accepting need the consent.
        gaps = households_selectors.consent_gaps(household=household, project=referral.project)
        consent = consent_context(request.user, household, gaps)
    returns = {}
    if is_project_coordinator:
        # A return: the household already had a case in the network. What the
        # coordinator may see of each is told; the others only exist.
        shown, hidden = cases_selectors.earlier_cases(
            user=request.user, household=household, excluding_referral=referral
        )
        returns = {"earlier_cases": shown, "earlier_hidden": hidden}
    # Only those who may see a case learn of it: never the referrer.
    cases = list(
        households_selectors.visible_cases(user=request.user)
        .filter(referral=referral)
        .select_related("holding_organisation")
    )
    return render(
        request,
        "beneficiaries/referral_detail.html",
        {
            "referral": referral,
            "household": household,
            "reference_person": next(
                (m for m in members if m.relationship == Person.Relationship.REFERENCE), None
            ),
            "members": members,
            "minors": sum(1 for m in members if m.is_minor()),
            "events": referral.events.select_related("by"),
            "actions": actions,
            "cases": cases,
            "can_open_case": is_project_coordinator
            and referral.status == Status.ACCEPTED
            and not any(case.is_open for case in cases),
            "waiting_list_entry": getattr(referral, "waiting_list_entry", None)
            if is_project_coordinator
            else None,
            "can_follow": access.may_follow_referral(referral),
            **consent,
            **returns,
        },
    )


@require_POST
def referral_transition(request, public_id):
    referral = intake_selectors.referral_for_user(user=request.user, public_id=public_id)
    form = ReferralTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Questa azione non esiste."))
        return redirect(referral)
    to_status = form.cleaned_data["to_status"]
    try:
        intake_services.referral_transition(
            user=request.user,
            referral=referral,
            to_status=to_status,
            notes=form.cleaned_data["notes"],
        )
    except ConsentMissing as error:
        url = consent_context(request.user, referral.household, error.gaps)["consent_url"]
        if url:
            messages.error(
                request,
                format_html(
                    '{} <a href="{}" class="alert-link">{}</a>',
                    " ".join(error.messages),
                    url,
                    _("Registra il consenso"),
                ),
            )
        else:
            messages.error(request, " ".join(error.messages))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("La segnalazione ora è «%(status)s».") % {"status": Status(to_status).label},
        )
    return redirect(referral)


def consent_context(user, household, gaps) -> dict:
    """What the consent alert of a page shows: the gaps, and the consent form's address
    for who may record a consent (None for the others)."""
    if not gaps:
        return {}
    access = access_for(user)
    url = (
        reverse("beneficiaries:consent_create", args=[household.public_id])
        if access.may_edit_household(household)
        else None
    )
    return {"consent_gaps": gaps, "consent_url": url}


def waiting_list(request, slug):
    """A project's waiting list in priority order, each place explained. Projects are
    public in the network; their waiting lists are for their coordinators (403)."""
    project = get_object_or_404(Project.objects.prefetch_related("priority_rules"), slug=slug)
    today = timezone.localdate()
    ranked = intake_selectors.waiting_list(user=request.user, project=project, today=today)
    # A page of the list: the database orders it, only the page's rows are read.
    page_obj = Paginator(ranked, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    shown = list(page_obj.object_list)
    open_cases = {
        case.household_id: case
        for case in households_selectors.visible_cases(user=request.user, project=project).filter(
            closed_on__isnull=True,
            household_id__in=[entry.household_id for entry, _priority in shown],
        )
    }
    returning = cases_selectors.returning_households(
        household_ids=[entry.household_id for entry, _priority in shown],
        excluding_referrals=[entry.referral_id for entry, _priority in shown],
    )
    rows = [
        {
            "position": position,
            "entry": entry,
            "priority": priority,
            "days_waiting": (today - entry.added_on).days,
            "case": open_cases.get(entry.household_id),
            "is_return": entry.household_id in returning,
        }
        for position, (entry, priority) in enumerate(shown, start=page_obj.start_index())
    ]
    return render(
        request,
        "beneficiaries/waiting_list.html",
        {
            "project": project,
            "rows": rows,
            "page_obj": page_obj,
            "waiting_count": page_obj.paginator.count,
            "rules": project.priority_rules.all(),
        },
    )
