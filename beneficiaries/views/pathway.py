"""Pages of the support pathway of a case: the individual plan, the autonomy
assessments, the diary, the documents, the exit and the follow-up.

Every page starts from the case found through beneficiaries.selectors.pathway, so a
case out of the user's casework is a 404 (referrers included); what the user may not
do is a 403 from the services.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beneficiaries import autonomy, autonomy_chart, documents
from beneficiaries.forms.pathway import (
    ActionForm,
    ActionStatusForm,
    AssessmentForm,
    CaseNoteForm,
    DiaryFilter,
    DocumentDeleteForm,
    DocumentForm,
    DocumentReplaceForm,
    FollowUpForm,
    GoalCloseForm,
    GoalForm,
    PlanForm,
    PlanUpdateForm,
    ReviewForm,
)
from beneficiaries.models import Action, AutonomyAssessment, LifeDomain
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import households as households_selectors
from beneficiaries.selectors import pathway as pathway_selectors
from beneficiaries.services import cases as cases_services
from beneficiaries.services import pathway as pathway_services
from core import panels, printing, security_log
from core.access import access_for
from core.forms import errors_to_form, is_valid_with_rules

DIARY_PAGE_SIZE = 20


def _case(request, public_id):
    return cases_selectors.case_for_casework(user=request.user, public_id=public_id)


def _page(request, template, case, section, **context):
    if request.method == "GET":
        cases_services.case_page_opened(user=request.user, case=case, page=section)
    return render(
        request,
        template,
        {
            "case": case,
            "household": case.household,
            "section": section,
            "can_write": access_for(request.user).may_write_pathway(case),
            **context,
        },
    )


@require_GET
def plan_detail(request, public_id):
    case = _case(request, public_id)
    plan = pathway_selectors.plan_of(user=request.user, case=case)
    today = timezone.localdate()
    goals = []
    if plan is not None:
        for goal in plan.goals.all():
            actions = list(goal.actions.all())
            for action in actions:
                action.overdue = action.is_overdue(today)
            goals.append({"goal": goal, "actions": actions})
    return _page(
        request,
        "beneficiaries/support_plan_detail.html",
        case,
        "plan",
        plan=plan,
        goals=goals,
        reviews=list(plan.reviews.all()) if plan else [],
        action_statuses=Action.Status.choices,
        today=today,
        plan_form=PlanForm(initial={"agreed_on": today}) if plan is None else None,
        lapsed_consents=households_selectors.consent_alerts_for(
            household=case.household, today=today
        ),
    )


def _plan_printout(request, public_id) -> dict:
    """What the printed plan shows: the plan page's goals and actions, the next review,
    the household's members by name; never the diary, the assessments, the reviews'
    outcomes or the household's special categories. Goals in the health domain stay in
    the file: a printout travels, and health is a special category (GDPR art. 9)."""
    case = _case(request, public_id)
    plan = pathway_selectors.plan_of(user=request.user, case=case)
    if plan is None:
        raise Http404
    goals, left_out = [], 0
    for goal in plan.goals.all():
        if goal.domain == LifeDomain.HEALTH:
            left_out += 1
            continue
        goals.append({"goal": goal, "actions": list(goal.actions.all())})
    next_review = min(
        (r.scheduled_on for r in plan.reviews.all() if r.held_on is None), default=None
    )
    return {
        "case": case,
        "household": case.household,
        "members": list(pathway_selectors.household_members(case=case)),
        "plan": plan,
        "goals": goals,
        "health_goals_left_out": left_out,
        "next_review": next_review,
        "printed_on": timezone.localdate(),
    }


@require_GET
def plan_print(request, public_id):
    """The individual plan on paper, for the household to read and sign: the page in the
    user's language (the browser prints it)."""
    return render(request, "beneficiaries/plan_print.html", _plan_printout(request, public_id))


@require_GET
def plan_pdf(request, public_id):
    """The same, as a PDF in Italian."""
    context = _plan_printout(request, public_id)
    return printing.pdf_response(
        "beneficiaries/plan_print.html",
        context,
        request=request,
        filename="progetto-individualizzato.pdf",
        what=f"plan:{context['case'].public_id}",
    )


@require_http_methods(["GET", "POST"])
def plan_create(request, public_id):
    case = _case(request, public_id)
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    form = PlanForm(request.POST or None, initial={"agreed_on": timezone.localdate()})
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: pathway_services.plan_check(case=case, **data)
    ):
        try:
            pathway_services.plan_create(user=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Progetto individualizzato salvato."))
            return redirect("beneficiaries:plan_detail", public_id=case.public_id)
    return _page(request, "beneficiaries/support_plan_form.html", case, "plan", form=form)


@require_http_methods(["GET", "POST"])
def plan_update(request, public_id):
    case = _case(request, public_id)
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    plan = pathway_selectors.plan_of(user=request.user, case=case)
    if plan is None:
        raise Http404
    form = PlanUpdateForm(
        request.POST or None,
        initial={"review_interval_months": plan.review_interval_months, "summary": plan.summary},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathway_services.plan_update(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Progetto individualizzato aggiornato."))
            return redirect("beneficiaries:plan_detail", public_id=case.public_id)
    return _page(
        request, "beneficiaries/support_plan_form.html", case, "plan", form=form, plan=plan
    )


@require_http_methods(["GET", "POST"])
def goal_create(request, public_id):
    case = _case(request, public_id)
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    plan = pathway_selectors.plan_of(user=request.user, case=case)
    if plan is None:
        messages.info(request, _("Prima scrivi il progetto individualizzato."))
        return redirect("beneficiaries:plan_create", public_id=case.public_id)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pathway_services.goal_add(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Obiettivo aggiunto."))
            if "add_another" in request.POST:
                return redirect("beneficiaries:goal_create", public_id=case.public_id)
            return redirect("beneficiaries:plan_detail", public_id=case.public_id)
    return _page(request, "beneficiaries/support_goal_form.html", case, "plan", form=form)


@require_http_methods(["GET", "POST"])
def goal_close(request, pk):
    goal = pathway_selectors.goal_for_user(user=request.user, pk=pk)
    case = goal.plan.case
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    form = GoalCloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: pathway_services.goal_close_check(goal=goal, **data)
    ):
        try:
            pathway_services.goal_close(user=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Obiettivo concluso."))
            return redirect("beneficiaries:plan_detail", public_id=case.public_id)
    return _page(
        request, "beneficiaries/support_goal_close.html", case, "plan", form=form, goal=goal
    )


@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    goal = pathway_selectors.goal_for_user(user=request.user, pk=pk)
    case = goal.plan.case
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    form = ActionForm(
        request.POST or None,
        workers=pathway_services.responsible_workers(case=case),
        members=pathway_selectors.household_members(case=case),
        organisations=pathway_services.responsible_organisations(),
        initial={"responsible": ActionForm.value_for(Action.Responsible.WORKER, request.user.pk)},
    )
    if request.method == "POST" and is_valid_with_rules(
        form,
        lambda data: pathway_services.action_check(
            goal=goal, due_on=data["due_on"], **form.responsible_fields(data["responsible"])
        ),
    ):
        try:
            pathway_services.action_add(
                user=request.user,
                goal=goal,
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
                visible_to_household=form.cleaned_data["visible_to_household"],
                **form.responsible_fields(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Azione aggiunta."))
            return redirect("beneficiaries:plan_detail", public_id=case.public_id)
    return _page(
        request, "beneficiaries/support_action_form.html", case, "plan", form=form, goal=goal
    )


@require_POST
def action_status(request, pk):
    action = pathway_selectors.action_for_user(user=request.user, pk=pk)
    case = action.goal.plan.case
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            pathway_services.action_set_status(
                user=request.user, action=action, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Stato dell'azione aggiornato."))
    else:
        messages.error(request, _("Scegli uno stato valido."))
    return redirect(reverse("beneficiaries:plan_detail", args=[case.public_id]) + "#goals")


@require_POST
def household_sharing(request, kind, pk):
    """Share a goal or an action with the household («Il mio percorso»), or stop."""
    if kind == "goal":
        item = pathway_selectors.goal_for_user(user=request.user, pk=pk)
        case = item.plan.case
    else:
        item = pathway_selectors.action_for_user(user=request.user, pk=pk)
        case = item.goal.plan.case
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    visible = request.POST.get("visible") == "1"
    try:
        pathway_services.household_sharing_set(user=request.user, item=item, visible=visible)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Ora il nucleo lo vede in «Il mio percorso».")
            if visible
            else _("Il nucleo non lo vede più in «Il mio percorso»."),
        )
    return redirect(reverse("beneficiaries:plan_detail", args=[case.public_id]) + "#goals")


@require_http_methods(["GET", "POST"])
def review_record(request, pk):
    review = pathway_selectors.review_for_user(user=request.user, pk=pk)
    case = review.plan.case
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    form = ReviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: pathway_services.review_check(review=review, **data)
    ):
        try:
            pathway_services.review_record(user=request.user, review=review, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Verifica registrata. Registra anche la valutazione dell'autonomia di "
                    "questa verifica."
                ),
            )
            url = reverse("beneficiaries:assessment_create", args=[case.public_id])
            return redirect(f"{url}?moment=review&review={review.pk}")
    return _page(
        request, "beneficiaries/support_review_form.html", case, "plan", form=form, review=review
    )


@require_GET
def assessment_list(request, public_id):
    case = _case(request, public_id)
    assessments = pathway_selectors.assessments_of(case=case)
    return _page(
        request,
        "beneficiaries/assessment_list.html",
        case,
        "assessments",
        assessments=assessments,
        can_assess=access_for(request.user).may_write_pathway(case)
        and (case.is_open or all(a.moment != AutonomyAssessment.Moment.EXIT for a in assessments)),
        chart=autonomy_chart.profile_chart(assessments),
        table=autonomy_chart.profile_table(assessments),
        # The household's own rating beside the worker's (household_view/panels.py).
        panels=panels.panels_for(
            panels.ASSESSMENTS, user=request.user, case=case, assessments=assessments
        ),
    )


@require_http_methods(["GET", "POST"])
def assessment_create(request, public_id):
    case = _case(request, public_id)
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    existing = {a.moment for a in case.assessments.all()}
    if request.GET.get("moment") in AutonomyAssessment.Moment.values:
        moment = request.GET["moment"]
    elif AutonomyAssessment.Moment.ENTRY not in existing:
        moment = AutonomyAssessment.Moment.ENTRY
    elif not case.is_open:
        moment = AutonomyAssessment.Moment.EXIT
    else:
        moment = AutonomyAssessment.Moment.REVIEW
    form = AssessmentForm(
        request.POST or None, initial={"moment": moment, "taken_on": timezone.localdate()}
    )
    review = None
    review_pk = request.POST.get("review") or request.GET.get("review")
    if review_pk:
        review = pathway_selectors.review_for_user(user=request.user, pk=review_pk)
        if review.plan.case_id != case.pk:
            raise Http404
    if request.method == "POST" and is_valid_with_rules(
        form,
        lambda data: pathway_services.assessment_check(
            case=case,
            moment=data["moment"],
            taken_on=data["taken_on"],
            levels={k: v for k, v in form.levels().items() if v is not None},
            review=review,
        ),
    ):
        data = form.cleaned_data
        try:
            pathway_services.assessment_record(
                user=request.user,
                case=case,
                moment=data["moment"],
                taken_on=data["taken_on"],
                notes=data["notes"],
                levels=form.levels(),
                review=review,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Valutazione dell'autonomia registrata."))
            return redirect("beneficiaries:assessment_list", public_id=case.public_id)
    return _page(
        request,
        "beneficiaries/assessment_form.html",
        case,
        "assessments",
        form=form,
        review=review,
    )


@require_GET
def autonomy_scale(request):
    """The scale itself, for workers and households to read together: no personal data."""
    domains = [
        {"label": domain.label, "levels": autonomy.levels(domain.value)}
        for domain in autonomy.DOMAINS
    ]
    return render(request, "beneficiaries/assessment_scale.html", {"domains": domains})


@require_GET
def diary_list(request, public_id):
    case = _case(request, public_id)
    notes = pathway_selectors.diary_of(user=request.user, case=case)
    filterset = DiaryFilter(request.GET, queryset=notes)
    rows = filterset.qs if filterset.is_valid() else notes.none()
    page_obj = Paginator(rows, DIARY_PAGE_SIZE).get_page(request.GET.get("page"))
    for note in page_obj:
        note.hidden_participants = note.participants - len(note.visible_participants)
    return _page(
        request,
        "beneficiaries/diary_list.html",
        case,
        "diary",
        filter=filterset,
        page_obj=page_obj,
    )


@require_http_methods(["GET", "POST"])
def diary_create(request, public_id):
    case = _case(request, public_id)
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    form = CaseNoteForm(
        request.POST or None,
        households=pathway_selectors.linkable_households(user=request.user, case=case),
        initial={"happened_on": timezone.localdate(), "duration_minutes": 60},
    )
    if request.method == "POST" and is_valid_with_rules(
        form,
        lambda data: pathway_services.case_note_check(user=request.user, case=case, **data),
    ):
        data = form.cleaned_data
        try:
            pathway_services.case_note_create(
                user=request.user,
                case=case,
                happened_on=data["happened_on"],
                kind=data["kind"],
                duration_minutes=data["duration_minutes"],
                text=data["text"],
                is_confidential=data["is_confidential"],
                households=list(data["households"]),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Nota di diario salvata."))
            return redirect("beneficiaries:diary_list", public_id=case.public_id)
    return _page(request, "beneficiaries/diary_form.html", case, "diary", form=form)


def _document_form(request, case):
    return DocumentForm(
        request.POST or None,
        request.FILES or None,
        members=pathway_selectors.household_members(case=case),
        max_megabytes=documents.max_upload_bytes() // (1024 * 1024),
        oversized="file" in getattr(request, "oversized_uploads", ()),
    )


@require_GET
def document_list(request, public_id):
    """The case's documents in their current versions; `?versioni=tutte` shows the
    versions they replaced too."""
    case = _case(request, public_id)
    today = timezone.localdate()
    show_superseded = request.GET.get("versioni") == "tutte"
    listed = list(pathway_selectors.documents_of(case=case, superseded=show_superseded))
    access = access_for(request.user)
    for document in listed:
        document.case = case  # the rule reads the case; it is this one
        document.can_correct = access.may_correct_document(document)
    return _page(
        request,
        "beneficiaries/document_list.html",
        case,
        "documents",
        documents=listed,
        show_superseded=show_superseded,
        superseded_count=pathway_selectors.superseded_count(case=case),
        today=today,
        soon=today + datetime.timedelta(days=pathway_selectors.DOCUMENTS_AHEAD_DAYS),
    )


def _document_to_correct(request, public_id):
    """A document the user may see (404 otherwise) and correct (403 otherwise)."""
    document = pathway_selectors.document_for_user(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_correct_document(document))
    return document


@require_http_methods(["GET", "POST"])
def document_replace(request, public_id):
    document = _document_to_correct(request, public_id)
    case = document.case
    form = DocumentReplaceForm(
        request.POST or None,
        request.FILES or None,
        max_megabytes=documents.max_upload_bytes() // (1024 * 1024),
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathway_services.document_replace(
                user=request.user, document=document, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("Nuova versione caricata: la precedente resta tra le versioni.")
            )
            return redirect("beneficiaries:document_list", public_id=case.public_id)
    return _page(
        request,
        "beneficiaries/document_replace.html",
        case,
        "documents",
        form=form,
        document=document,
    )


@require_http_methods(["GET", "POST"])
def document_delete(request, public_id):
    document = _document_to_correct(request, public_id)
    case = document.case
    form = DocumentDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pathway_services.document_delete(
                user=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Documento eliminato."))
            return redirect("beneficiaries:document_list", public_id=case.public_id)
    return _page(
        request,
        "beneficiaries/document_delete.html",
        case,
        "documents",
        form=form,
        document=document,
    )


@require_http_methods(["GET", "POST"])
def document_upload(request, public_id):
    case = _case(request, public_id)
    access = access_for(request.user)
    access.require(access.may_write_pathway(case))
    form = _document_form(request, case)
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: pathway_services.document_check(case=case, **data)
    ):
        try:
            pathway_services.document_upload(user=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Documento caricato."))
            return redirect("beneficiaries:document_list", public_id=case.public_id)
    return _page(request, "beneficiaries/document_form.html", case, "documents", form=form)


@require_GET
def document_download(request, public_id):
    document = pathway_selectors.document_for_user(user=request.user, public_id=public_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    pathway_services.document_downloaded(user=request.user, document=document)
    # Personal data leaving the network: in the security log too (issue 7).
    security_log.record(
        security_log.Kind.DOWNLOAD,
        request=request,
        details={"document": str(document.public_id), "kind": document.kind},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    # Personal data: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def case_exit(request, public_id):
    """A closed case's exit and follow-ups. While the case is open, the exit form is
    housing's page (housing.views.case_close): closing the case ends its placement too,
    which beneficiaries may not import; the link goes there by the URL's name only."""
    case = _case(request, public_id)
    if case.is_open:
        return redirect("housing:case_close", public_id=case.public_id)
    if request.method == "POST":
        messages.error(request, _("La presa in carico è già chiusa."))
        return redirect("beneficiaries:case_exit", public_id=case.public_id)
    return _page(
        request,
        "beneficiaries/followup_case_exit.html",
        case,
        "exit",
        may_close=access_for(request.user).may_close(case),
        follow_ups=list(pathway_selectors.follow_ups_of(case=case)),
        today=timezone.localdate(),
    )


@require_http_methods(["GET", "POST"])
def follow_up_record(request, pk):
    follow_up = pathway_selectors.follow_up_for_user(user=request.user, pk=pk)
    case = follow_up.case
    if not access_for(request.user).may_close(case):
        raise PermissionDenied
    form = FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and is_valid_with_rules(
        form, lambda data: pathway_services.follow_up_check(follow_up=follow_up, **data)
    ):
        try:
            pathway_services.follow_up_record(
                user=request.user, follow_up=follow_up, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Follow-up registrato."))
            return redirect("beneficiaries:case_exit", public_id=case.public_id)
    return _page(
        request,
        "beneficiaries/followup_form.html",
        case,
        "exit",
        form=form,
        follow_up=follow_up,
    )
