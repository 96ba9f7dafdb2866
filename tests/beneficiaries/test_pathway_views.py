"""The pages of the support pathway as a social worker uses them: what they show, what a
form refuses (and then nothing is saved), documents in and out, closing a case, and the
number of queries of the busy pages."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import (
    Action,
    AutonomyAssessment,
    CaseExit,
    CaseNote,
    Consent,
    Document,
    FollowUp,
    Goal,
    SupportPlan,
)
from core.models import AuditEvent
from tests.a11y import accessibility_problems
from tests.beneficiaries.pathway_helpers import PDF_BYTES, all_levels, pdf_upload
from tests.factories import (
    ActionFactory,
    AutonomyAssessmentFactory,
    CaseAssignmentFactory,
    CaseFactory,
    CaseNoteFactory,
    GoalFactory,
    PersonFactory,
    ReviewFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


D = datetime.date


def url(name, *args):
    return reverse(f"beneficiaries:{name}", args=args)


def close_url(case):
    """The exit form of an open case is housing's page (it ends the placement too)."""
    return reverse("housing:case_close", args=[case.public_id])


def assessment_post(levels, moment="entry", taken_on="2026-02-01", **extra):
    data = {"moment": moment, "taken_on": taken_on, "notes": "", **extra}
    for domain, level in levels.items():
        data[f"level_{domain}"] = level
    return data


def bars(html: str) -> int:
    return len(re.findall(r'<rect class="bar"', html))


# The plan ---------------------------------------------------------------------------


def test_worker_writes_a_plan_from_the_empty_plan_page(client_for, alice, case_alfa):
    client = client_for(alice)
    page = client.get(url("plan_detail", case_alfa.public_id))
    assert page.status_code == 200
    assert "Il progetto non è ancora stato scritto" in page.content.decode()
    assert accessibility_problems(page.content.decode()) == []
    response = client.post(
        url("plan_create", case_alfa.public_id),
        {"agreed_on": "2026-02-01", "review_interval_months": "3", "summary": "Casa e lavoro."},
    )
    assert response.status_code == 302
    plan = SupportPlan.objects.get(case=case_alfa)
    assert plan.created_by == alice
    page = client.get(url("plan_detail", case_alfa.public_id)).content.decode()
    assert "Casa e lavoro." in page
    assert "Prevista il 01/05/2026" in page


def test_plan_page_shows_goals_actions_and_overdue(client_for, alice, case_alfa, today):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa), description="Trovare lavoro")
    ActionFactory(goal=goal, description="Curriculum", due_on=today - datetime.timedelta(days=3))
    page = client_for(alice).get(url("plan_detail", case_alfa.public_id)).content.decode()
    assert "Trovare lavoro" in page
    assert "Curriculum" in page
    assert "in ritardo" in page
    assert accessibility_problems(page) == []


def test_action_due_before_the_plan_start_is_refused_on_the_form(client_for, alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa, agreed_on=D(2026, 2, 1)))
    response = client_for(alice).post(
        url("action_create", goal.pk),
        {
            "description": "Colloquio",
            "due_on": "2026-01-20",
            "responsible": f"worker:{alice.pk}",
        },
    )
    assert response.status_code == 200
    assert "La scadenza non può precedere l&#x27;inizio del progetto (01/02/2026)." in (
        response.content.decode()
    )
    assert not Action.objects.exists()


def test_goal_and_action_added_through_the_forms(client_for, alice, case_alfa):
    plan = SupportPlanFactory(case=case_alfa)
    client = client_for(alice)
    response = client.post(
        url("goal_create", case_alfa.public_id),
        {"domain": "work", "description": "Un lavoro stabile"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(plan=plan)
    member = case_alfa.household.members.get()
    response = client.post(
        url("action_create", goal.pk),
        {
            "description": "Iscrizione al CPI",
            "due_on": "2026-06-01",
            "responsible": f"member:{member.pk}",
        },
    )
    assert response.status_code == 302
    assert Action.objects.get().responsible == member


def test_action_form_offers_only_members_of_the_household(client_for, alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    stranger = PersonFactory(first_name="Estranea", last_name="Altrove")
    page = client_for(alice).get(url("action_create", goal.pk)).content.decode()
    assert "Fatima El Amrani" in page
    assert "Estranea" not in page
    response = client_for(alice).post(
        url("action_create", goal.pk),
        {
            "description": "x",
            "due_on": "2026-06-01",
            "responsible": f"member:{stranger.pk}",
        },
    )
    assert response.status_code == 200
    assert not Action.objects.exists()


def test_action_status_is_post_only_and_updates(client_for, alice, case_alfa):
    action = ActionFactory(goal__plan__case=case_alfa)
    client = client_for(alice)
    assert client.get(url("action_status", action.pk)).status_code == 405
    response = client.post(url("action_status", action.pk), {"status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_recording_a_review_leads_to_its_assessment(client_for, alice, case_alfa):
    review = ReviewFactory(plan=SupportPlanFactory(case=case_alfa), scheduled_on=D(2026, 5, 1))
    response = client_for(alice).post(
        url("review_record", review.pk), {"held_on": "2026-05-04", "outcome": "Progressi."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?moment=review&review={review.pk}")
    review.refresh_from_db()
    assert review.held_on == D(2026, 5, 4)


# Assessments ------------------------------------------------------------------------


def test_two_assessments_change_the_chart(client_for, alice, case_alfa):
    client = client_for(alice)
    page = client.get(url("assessment_list", case_alfa.public_id)).content.decode()
    assert "Nessuna valutazione ancora" in page
    client.post(url("assessment_create", case_alfa.public_id), assessment_post(all_levels(1)))
    page = client.get(url("assessment_list", case_alfa.public_id)).content.decode()
    assert bars(page) == 10
    assert 'role="img"' in page and '<title id="autonomy-chart-title">' in page
    assert "Profilo di autonomia: una valutazione" in page
    client.post(
        url("assessment_create", case_alfa.public_id),
        assessment_post(all_levels(3, work=4), moment="review", taken_on="2026-06-01"),
    )
    page = client.get(url("assessment_list", case_alfa.public_id)).content.decode()
    assert bars(page) == 20
    assert "2 valutazioni, dal 01/02/2026 al 01/06/2026" in page
    assert 'data-level="4"' in page
    # The table alternative holds the same numbers.
    assert "<caption" in page and "media 1,0" in page and "media 3,1" in page
    assert accessibility_problems(page) == []


def test_assessment_with_a_domain_left_out_is_refused_on_the_form(client_for, alice, case_alfa):
    levels = all_levels(2)
    del levels["health"]
    response = client_for(alice).post(
        url("assessment_create", case_alfa.public_id), assessment_post(levels)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Scegli un livello per «Salute e benessere»." in page
    assert "La valutazione non è stata salvata" in page
    assert not AutonomyAssessment.objects.exists()


def test_assessment_form_describes_every_level_in_plain_italian(client_for, alice, case_alfa):
    page = client_for(alice).get(url("assessment_create", case_alfa.public_id)).content.decode()
    assert "Ha una casa stabile a suo nome e la mantiene da solo." in page
    assert page.count('type="radio"') == 10 * 5 + 3  # ten domains of five levels, 3 moments
    assert accessibility_problems(page) == []


def test_autonomy_scale_page(client_for, alice):
    page = client_for(alice).get(url("autonomy_scale")).content.decode()
    assert "Lingua italiana" in page and "Non parla né capisce l&#x27;italiano." in page


# The diary --------------------------------------------------------------------------


def test_worker_writes_a_diary_entry(client_for, alice, case_alfa):
    client = client_for(alice)
    response = client.post(
        url("diary_create", case_alfa.public_id),
        {
            "happened_on": "2026-03-10",
            "kind": "home_visit",
            "duration_minutes": "50",
            "text": "Visita domiciliare: la casa è in ordine.",
        },
    )
    assert response.status_code == 302
    page = client.get(url("diary_list", case_alfa.public_id)).content.decode()
    assert "Visita domiciliare: la casa è in ordine." in page
    assert accessibility_problems(page) == []
    assert AuditEvent.objects.filter(
        model_label="beneficiaries.Case", action="view", household=case_alfa.household
    ).exists(), "reading the diary is logged"


def test_confidential_entry_of_another_organisation_is_not_shown(
    client_for, alice, bruno, case_alfa, coop_beta
):
    CaseAssignmentFactory(case=case_alfa, worker=bruno)  # Beta's worker joins the case
    CaseNoteFactory(case=case_alfa, text="Nota aperta di Alfa")
    CaseNoteFactory(
        case=case_alfa, text="Segreto di Beta", is_confidential=True, author_organisation=coop_beta
    )
    CaseNoteFactory(case=case_alfa, text="Segreto di Alfa", is_confidential=True)
    alice_page = client_for(alice).get(url("diary_list", case_alfa.public_id)).content.decode()
    assert "Nota aperta di Alfa" in alice_page and "Segreto di Alfa" in alice_page
    assert "Segreto di Beta" not in alice_page
    bruno_page = client_for(bruno).get(url("diary_list", case_alfa.public_id)).content.decode()
    assert "Segreto di Beta" in bruno_page and "Segreto di Alfa" not in bruno_page


def test_group_activity_appears_in_the_other_households_diary(
    client_for, alice, case_alfa, project_alfa, coop_alfa
):
    other = CaseFactory(
        project=project_alfa,
        holding_organisation=coop_alfa,
        household=PersonFactory(first_name="Amina", last_name="Diallo").household,
    )
    CaseAssignmentFactory(case=other, worker=alice)
    client = client_for(alice)
    form_page = client.get(url("diary_create", case_alfa.public_id)).content.decode()
    assert "Amina Diallo" in form_page
    client.post(
        url("diary_create", case_alfa.public_id),
        {
            "happened_on": "2026-03-10",
            "kind": "group_activity",
            "duration_minutes": "120",
            "text": "Laboratorio di cucina del co-housing.",
            "households": [other.household.pk],
        },
    )
    page = client.get(url("diary_list", other.public_id)).content.decode()
    assert "Laboratorio di cucina del co-housing." in page
    assert "scritta nel diario di" in page


def test_diary_filter_by_kind(client_for, alice, case_alfa):
    CaseNoteFactory(case=case_alfa, kind="phone_call", text="Telefonata breve")
    CaseNoteFactory(case=case_alfa, kind="home_visit", text="Visita lunga")
    page = (
        client_for(alice)
        .get(url("diary_list", case_alfa.public_id), {"kind": "phone_call"})
        .content.decode()
    )
    assert "Telefonata breve" in page and "Visita lunga" not in page


# Documents --------------------------------------------------------------------------


def test_upload_then_download_through_the_checked_view(
    client_for, alice, case_alfa, private_storage_root
):
    client = client_for(alice)
    response = client.post(
        url("document_upload", case_alfa.public_id),
        {"kind": "isee", "expires_on": "2027-01-15", "file": pdf_upload("ISEE 2026.pdf")},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    page = client.get(url("document_list", case_alfa.public_id)).content.decode()
    assert "ISEE 2026.pdf" in page
    assert accessibility_problems(page) == []
    download = client.get(url("document_download", document.public_id))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    assert AuditEvent.objects.filter(
        model_label="beneficiaries.Document", action="view", object_id=str(document.pk)
    ).exists()


def test_disallowed_type_is_refused_on_the_form(client_for, alice, case_alfa, private_storage_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(alice).post(
        url("document_upload", case_alfa.public_id),
        {
            "kind": "other",
            "file": SimpleUploadedFile("pagina.pdf", b"<html>ciao</html>", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "Tipo di file non ammesso" in response.content.decode()
    assert not Document.objects.exists()


def test_oversized_upload_is_refused_on_the_form(
    client_for, alice, case_alfa, private_storage_root, settings
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    response = client_for(alice).post(
        url("document_upload", case_alfa.public_id),
        {"kind": "other", "file": pdf_upload(content=PDF_BYTES + b" " * (2 * 1024 * 1024))},
    )
    assert response.status_code == 200
    assert "Il file è troppo grande: il massimo è 1 MB." in response.content.decode()
    assert not Document.objects.exists()


def test_documents_are_not_under_the_public_folders(settings):
    from django.conf import settings as live

    root = str(live.PRIVATE_STORAGE_ROOT)
    assert not root.startswith(str(live.STATIC_ROOT))
    assert not any(root.startswith(str(d)) for d in live.STATICFILES_DIRS if isinstance(d, str))
    assert "static" not in root.split("/")[-2:] and "media" not in root.split("/")[-2:]


# Closing a case ---------------------------------------------------------------------


def test_closing_without_outcome_shows_the_messages(client_for, alice, case_alfa):
    response = client_for(alice).post(close_url(case_alfa), {"closed_on": ""})
    page = response.content.decode()
    assert response.status_code == 200
    for message in [
        "Indica la data di uscita.",
        "Indica il motivo dell&#x27;uscita.",
        "Indica dove va a vivere il nucleo.",
        "Indica se il nucleo ha raggiunto l&#x27;autonomia.",
    ]:
        assert message in page
    case_alfa.refresh_from_db()
    assert case_alfa.is_open
    assert not CaseExit.objects.exists()


def test_closing_a_case_schedules_follow_ups_and_records_one(client_for, alice, case_alfa):
    Consent.objects.create(
        household=case_alfa.household,
        purpose="follow_up",
        legal_basis="consent",
        given_on=D(2026, 1, 15),
    )
    client = client_for(alice)
    page = client.get(close_url(case_alfa)).content.decode()
    assert accessibility_problems(page) == []
    assert 'data-testid="no-follow-up-consent"' not in page
    response = client.post(
        close_url(case_alfa),
        {
            "closed_on": "2026-06-30",
            "reason": "goals_reached",
            "destination": "public_housing",
            "autonomy_reached": "partly",
            "schedule_follow_ups": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(url("case_exit", case_alfa.public_id)).content.decode()
    assert "Casa popolare (edilizia pubblica)" in page
    assert page.count('data-testid="follow-up"') == 3
    first = FollowUp.objects.get(months_after_exit=3)
    response = client.post(
        url("follow_up_record", first.pk),
        {"done_on": "2026-10-01", "still_housed": "yes", "housing_situation": "public_housing"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_done


def test_unassigned_worker_sees_but_may_not_close(client_for, dave, case_alfa):
    client = client_for(dave)
    page = client.get(close_url(case_alfa)).content.decode()
    assert "La chiudono gli operatori assegnati" in page
    response = client.post(
        close_url(case_alfa),
        {
            "closed_on": "2026-06-30",
            "reason": "goals_reached",
            "destination": "public_housing",
            "autonomy_reached": "partly",
        },
    )
    assert response.status_code == 403
    case_alfa.refresh_from_db()
    assert case_alfa.is_open


# La mia giornata ----------------------------------------------------------------------


@pytest.fixture
def busy_day(alice, case_alfa, private_storage_root, today):
    """A caseload with one of everything due."""
    plan = SupportPlanFactory(case=case_alfa, agreed_on=D(2026, 2, 1))
    ActionFactory(
        goal=GoalFactory(plan=plan),
        description="Rinnovo permesso di soggiorno",
        due_on=today - datetime.timedelta(days=2),
    )
    ReviewFactory(plan=plan, scheduled_on=today + datetime.timedelta(days=3))
    Document.objects.create(
        case=case_alfa,
        kind="isee",
        file="documents/x.pdf",
        original_name="isee.pdf",
        content_type="application/pdf",
        size=10,
        expires_on=today + datetime.timedelta(days=20),
    )
    # The last contact was long ago.
    CaseNoteFactory(case=case_alfa, happened_on=today - datetime.timedelta(days=45))
    return case_alfa


def test_my_day_lists_what_is_due_with_links(client_for, alice, busy_day, today):
    page = client_for(alice).get(reverse("home")).content.decode()
    assert "La mia giornata" in page
    assert "Rinnovo permesso di soggiorno" in page
    assert url("plan_detail", busy_day.public_id) in page
    review = busy_day.support_plan.reviews.get()
    assert url("review_record", review.pk) in page
    assert url("document_list", busy_day.public_id) in page
    assert "Attestazione ISEE" in page
    assert url("diary_create", busy_day.public_id) in page  # no contact in 30 days
    assert accessibility_problems(page) == []


def test_my_day_is_not_shown_to_a_referrer(client_for, marco, busy_day):
    page = client_for(marco).get(reverse("home")).content.decode()
    assert "La mia giornata" not in page
    assert "Rinnovo permesso di soggiorno" not in page


def test_my_day_of_another_organisation_is_empty(client_for, bruno, busy_day):
    page = client_for(bruno).get(reverse("home")).content.decode()
    assert "La mia giornata" in page
    assert "Rinnovo permesso di soggiorno" not in page


# Query counts -----------------------------------------------------------------------


def _fill_plan(case, goals=4, actions=3):
    plan = SupportPlanFactory(case=case)
    for g in range(goals):
        goal = GoalFactory(plan=plan, description=f"Obiettivo {g}")
        for a in range(actions):
            ActionFactory(goal=goal, description=f"Azione {g}.{a}")
    for month in (5, 8, 11):
        ReviewFactory(plan=plan, scheduled_on=D(2026, month, 1))
    return plan


def test_plan_page_queries_do_not_grow_with_goals(
    client_for, alice, case_alfa, django_assert_max_num_queries
):
    _fill_plan(case_alfa, goals=2, actions=1)
    client = client_for(alice)
    client.get(url("plan_detail", case_alfa.public_id))
    # 13: with the read-log row (issue 11) and the lapsed-consent alert (issue 12).
    with django_assert_max_num_queries(13):
        client.get(url("plan_detail", case_alfa.public_id))
    goal = Goal.objects.first()
    for n in range(8):
        ActionFactory(goal=goal, description=f"Altra {n}")
        GoalFactory(plan=goal.plan)
    with django_assert_max_num_queries(13):
        response = client.get(url("plan_detail", case_alfa.public_id))
    assert response.content.decode().count('data-testid="goal"') == 10


def test_diary_list_queries_do_not_grow_with_entries(
    client_for, alice, case_alfa, project_alfa, coop_alfa, django_assert_max_num_queries
):
    other = CaseFactory(project=project_alfa, holding_organisation=coop_alfa)
    for n in range(15):
        CaseNoteFactory(
            case=case_alfa,
            kind="group_activity",
            text=f"Attività {n}",
            households=[other.household],
        )
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        response = client.get(url("diary_list", case_alfa.public_id))
    assert response.content.decode().count('data-testid="diary-entry"') == 15


def test_home_with_my_day_has_a_fixed_number_of_queries(
    client_for, alice, busy_day, project_alfa, coop_alfa, django_assert_max_num_queries, today
):
    client = client_for(alice)
    client.get(reverse("home"))
    # 14 until issue 12; "La mia giornata" then looked ahead with five more boxes, one
    # query each (actions due, ISEE, permits, consents) and two for maximum stays.
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("home"))
    for _n in range(5):
        case = CaseFactory(project=project_alfa, holding_organisation=coop_alfa)
        CaseAssignmentFactory(case=case, worker=alice)
        ActionFactory(goal__plan__case=case, due_on=today - datetime.timedelta(days=1))
        CaseNoteFactory(case=case, happened_on=today - datetime.timedelta(days=40))
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(reverse("home")).content.decode()
    assert page.count("Iscrizione al centro per l&#x27;impiego") == 5


def test_household_file_links_to_the_pathway_of_each_case(client_for, alice, marco, case_alfa):
    household_url = case_alfa.household.get_absolute_url()
    page = client_for(alice).get(household_url).content.decode()
    for name in ("plan_detail", "diary_list", "document_list", "assessment_list"):
        assert url(name, case_alfa.public_id) in page
    page = client_for(marco).get(household_url).content.decode()
    assert url("plan_detail", case_alfa.public_id) not in page


def test_assessment_and_document_pages_do_not_grow_with_rows(
    client_for, alice, case_alfa, django_assert_max_num_queries
):
    for month in range(2, 10):
        AutonomyAssessmentFactory(
            case=case_alfa, moment="review", taken_on=D(2026, month, 1), levels={"work": 3}
        )
        Document.objects.create(
            case=case_alfa,
            kind="other",
            file=f"documents/{month}.pdf",
            original_name=f"{month}.pdf",
            content_type="application/pdf",
            size=10,
            person=case_alfa.household.members.get(),
        )
    client = client_for(alice)
    with django_assert_max_num_queries(11):
        page = client.get(url("assessment_list", case_alfa.public_id)).content.decode()
    assert bars(page) == 10 * 6  # the chart shows the first and the latest five
    with django_assert_max_num_queries(10):
        page = client.get(url("document_list", case_alfa.public_id)).content.decode()
    assert page.count('data-testid="document"') == 8


def test_group_activity_does_not_reveal_households_the_reader_may_not_see(
    client_for, alice, bruno, case_alfa, household_beta
):
    """alice follows both households and writes a group activity in Alfa's diary naming
    Beta's household; bruno, who follows only Beta's, reads it there without learning
    which household of Alfa took part."""
    beta_case = household_beta.cases.get()
    CaseAssignmentFactory(case=beta_case, worker=alice)
    client_for(alice).post(
        url("diary_create", case_alfa.public_id),
        {
            "happened_on": "2026-03-10",
            "kind": "community_activity",
            "duration_minutes": "120",
            "text": "Festa di quartiere insieme.",
            "households": [household_beta.pk],
        },
    )
    assert CaseNote.objects.get().households.get() == household_beta
    alice_page = client_for(alice).get(url("diary_list", beta_case.public_id)).content.decode()
    assert "scritta nel diario di Fatima El Amrani" in alice_page
    bruno_page = client_for(bruno).get(url("diary_list", beta_case.public_id)).content.decode()
    assert "Festa di quartiere insieme." in bruno_page
    assert "Fatima" not in bruno_page and "El Amrani" not in bruno_page
    assert "scritta nel diario di un altro nucleo" in bruno_page


# Every error in one answer --------------------------------------------------------------
# Each form gets an input wrong twice: once for the form, once for the service's rules.
# Both messages come back in the same answer, and nothing is written.


def _errors_in_one_answer(response, *messages):
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    for message in messages:
        assert message in page, message


def _tomorrow():
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def test_action_form_says_the_date_and_the_owner_at_once(client_for, alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa, agreed_on=D(2026, 2, 1)))
    events = AuditEvent.objects.count()
    response = client_for(alice).post(
        url("action_create", goal.pk), {"description": "Colloquio", "due_on": "2026-01-20"}
    )
    _errors_in_one_answer(
        response,
        "La scadenza non può precedere l'inizio del progetto (01/02/2026).",
        "Scegli chi è responsabile dell'azione.",
    )
    assert not Action.objects.exists() and AuditEvent.objects.count() == events


def test_action_owner_is_one_select_grouped_by_kind(client_for, alice, case_alfa, coop_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    member = case_alfa.household.members.get()
    stranger = PersonFactory(first_name="Estranea", last_name="Altrove")
    page = client_for(alice).get(url("action_create", goal.pk)).content.decode()
    select = re.search(r'<select name="responsible".*?</select>', page, re.S).group(0)
    action_url = url("action_create", goal.pk)
    form = re.search(rf'<form method="post" action="{action_url}".*?</form>', page, re.S).group(0)
    assert form.count("<select") == 1, "one choice, not three selects"
    assert '<optgroup label="Operatori">' in select
    assert '<optgroup label="Componenti del nucleo">' in select
    assert '<optgroup label="Enti partner">' in select
    assert f'value="worker:{alice.pk}" selected' in select, "the author is the default"
    assert f'value="member:{member.pk}"' in select and f"member:{stranger.pk}" not in select
    assert f'value="org:{coop_alfa.pk}"' in select
    assert "gli altri vengono ignorati" not in page
    response = client_for(alice).post(
        url("action_create", goal.pk),
        {"description": "Iscrizione", "due_on": "2026-06-01", "responsible": f"org:{coop_alfa.pk}"},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.responsible_kind == Action.Responsible.ORGANISATION
    assert action.responsible_organisation == coop_alfa
    assert action.responsible_worker is None and action.responsible_person is None


def test_action_owner_outside_the_offered_ones_is_refused(client_for, alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    stranger = PersonFactory(first_name="Estranea", last_name="Altrove")
    response = client_for(alice).post(
        url("action_create", goal.pk),
        {"description": "x", "due_on": "2026-06-01", "responsible": f"member:{stranger.pk}"},
    )
    _errors_in_one_answer(response, "Scegli il responsabile tra le persone e gli enti proposti.")
    assert not Action.objects.exists()


def test_plan_form_says_the_date_and_the_interval_at_once(client_for, alice, case_alfa):
    response = client_for(alice).post(
        url("plan_create", case_alfa.public_id),
        {"agreed_on": "2026-01-01", "review_interval_months": "7"},
    )
    _errors_in_one_answer(
        response,
        "La data non può precedere l'apertura della presa in carico (15/01/2026).",
        "Scegli un'opzione valida",
    )
    assert not SupportPlan.objects.exists()


def test_goal_close_form_says_the_outcome_and_the_date_at_once(client_for, alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    response = client_for(alice).post(url("goal_close", goal.pk), {"closed_on": _tomorrow()})
    _errors_in_one_answer(
        response,
        "Scegli se l'obiettivo è raggiunto, raggiunto in parte o abbandonato.",
        "La data non può essere nel futuro.",
    )
    goal.refresh_from_db()
    assert goal.is_open


def test_review_form_says_the_date_and_the_outcome_at_once(client_for, alice, case_alfa):
    review = ReviewFactory(plan=SupportPlanFactory(case=case_alfa), scheduled_on=D(2026, 5, 1))
    response = client_for(alice).post(
        url("review_record", review.pk), {"held_on": _tomorrow(), "outcome": ""}
    )
    _errors_in_one_answer(
        response, "La data non può essere nel futuro.", "Scrivi l'esito della verifica."
    )
    review.refresh_from_db()
    assert review.held_on is None


def test_assessment_form_says_the_date_and_the_missing_levels_at_once(client_for, alice, case_alfa):
    levels = all_levels(3)
    levels.pop("work")
    response = client_for(alice).post(
        url("assessment_create", case_alfa.public_id),
        assessment_post(levels, taken_on="2026-01-01"),
    )
    _errors_in_one_answer(
        response,
        "La data non può precedere l'apertura della presa in carico (15/01/2026).",
        "Scegli un livello per «Lavoro e formazione».",
    )
    assert not AutonomyAssessment.objects.exists()


def test_diary_form_says_the_date_and_the_text_at_once(client_for, alice, case_alfa):
    response = client_for(alice).post(
        url("diary_create", case_alfa.public_id),
        {"happened_on": _tomorrow(), "kind": "interview", "duration_minutes": "30", "text": ""},
    )
    _errors_in_one_answer(response, "La data non può essere nel futuro.", "Scrivi il resoconto.")
    assert not CaseNote.objects.exists()


def test_document_form_says_the_file_and_the_expiry_at_once(
    client_for, alice, case_alfa, private_storage_root
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(alice).post(
        url("document_upload", case_alfa.public_id),
        {"kind": "identity", "file": SimpleUploadedFile("foto.gif", b"GIF89a....")},
    )
    _errors_in_one_answer(
        response,
        "Tipo di file non ammesso: carica un PDF o un'immagine JPEG o PNG.",
        "Indica la data di scadenza del documento.",
    )
    assert not Document.objects.exists()


def test_exit_form_says_the_date_and_the_missing_outcome_at_once(client_for, alice, case_alfa):
    response = client_for(alice).post(
        reverse("housing:case_close", args=[case_alfa.public_id]),
        {"closed_on": _tomorrow(), "destination": "public_housing", "autonomy_reached": "partly"},
    )
    _errors_in_one_answer(
        response, "La data non può essere nel futuro.", "Indica il motivo dell'uscita."
    )
    case_alfa.refresh_from_db()
    assert case_alfa.is_open and not CaseExit.objects.exists()


def test_exit_form_says_a_missing_outcome_once(client_for, alice, case_alfa):
    page = client_for(alice).post(
        reverse("housing:case_close", args=[case_alfa.public_id]), {"closed_on": ""}
    )
    html = page.content.decode()
    # Once on the form; the error summary at the top of the page (base.html) lists it
    # once more, as a link to the field.
    summary_end = html.index("</div>", html.index('id="error-summary"'))
    assert html[summary_end:].count("Indica la data di uscita.") == 1
    assert html[:summary_end].count("Indica la data di uscita.") == 1


def test_follow_up_form_says_the_date_and_where_at_once(client_for, alice, case_alfa):
    Consent.objects.create(
        household=case_alfa.household,
        purpose="follow_up",
        legal_basis="consent",
        given_on=D(2026, 1, 15),
    )
    client = client_for(alice)
    client.post(
        reverse("housing:case_close", args=[case_alfa.public_id]),
        {
            "closed_on": "2026-06-30",
            "reason": "goals_reached",
            "destination": "public_housing",
            "autonomy_reached": "partly",
            "schedule_follow_ups": "on",
        },
    )
    first = FollowUp.objects.get(months_after_exit=3)
    response = client.post(
        url("follow_up_record", first.pk), {"done_on": "2026-06-01", "still_housed": "yes"}
    )
    _errors_in_one_answer(
        response, "Il follow-up non può precedere l'uscita.", "Indica dove vive ora il nucleo."
    )
    first.refresh_from_db()
    assert not first.is_done
