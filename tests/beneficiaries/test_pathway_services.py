"""The rules of the support pathway: what is saved, what is refused with a clear Italian
message (and then nothing is saved), who may do what, and the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import (
    Action,
    AutonomyAssessment,
    AutonomyScore,
    Case,
    CaseExit,
    CaseNote,
    Consent,
    Document,
    FollowUp,
    Goal,
    Review,
    SupportPlan,
)
from beneficiaries.services import pathway as pathway_services
from core.models import AuditEvent
from privacy import services as privacy_services
from tests.beneficiaries.pathway_helpers import PDF_BYTES, PNG_BYTES, all_levels, pdf_upload
from tests.factories import (
    ActionFactory,
    CaseAssignmentFactory,
    CaseFactory,
    CaseNoteFactory,
    GoalFactory,
    PersonFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


D = datetime.date


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _follow_up_consent(household, on=None):
    return Consent.objects.create(
        household=household,
        purpose=Consent.Purpose.FOLLOW_UP,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_on=on or D(2026, 1, 15),
    )


# The plan ---------------------------------------------------------------------------


def test_plan_create_schedules_the_first_review_and_is_audited(alice, case_alfa):
    plan = pathway_services.plan_create(
        user=alice, case=case_alfa, agreed_on=D(2026, 2, 1), review_interval_months=3
    )
    assert [r.scheduled_on for r in plan.reviews.all()] == [D(2026, 5, 1)]
    assert AuditEvent.objects.filter(
        household=case_alfa.household, model_label="beneficiaries.SupportPlan", action="create"
    ).exists()


def test_a_case_has_one_plan(alice, case_alfa):
    pathway_services.plan_create(user=alice, case=case_alfa, agreed_on=D(2026, 2, 1))
    with pytest.raises(ValidationError, match="ha già un progetto"):
        pathway_services.plan_create(user=alice, case=case_alfa, agreed_on=D(2026, 3, 1))
    assert SupportPlan.objects.count() == 1


def test_plan_cannot_be_agreed_before_the_case_opened(alice, case_alfa):
    with pytest.raises(ValidationError) as caught:
        pathway_services.plan_create(user=alice, case=case_alfa, agreed_on=D(2025, 12, 1))
    assert "non può precedere l'apertura" in _messages(caught.value)
    assert not SupportPlan.objects.exists()
    assert not Review.objects.exists()


def test_referrer_and_organisation_admin_may_not_write_a_plan(marco, olga, case_alfa):
    for user in (marco, olga):
        with pytest.raises(PermissionDenied):
            pathway_services.plan_create(user=user, case=case_alfa, agreed_on=D(2026, 2, 1))
    assert not SupportPlan.objects.exists()


def test_action_due_before_the_plan_started_is_refused(alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa, agreed_on=D(2026, 2, 1)))
    with pytest.raises(ValidationError) as caught:
        pathway_services.action_add(
            user=alice,
            goal=goal,
            description="Colloquio al centro per l'impiego",
            due_on=D(2026, 1, 31),
            responsible_kind=Action.Responsible.WORKER,
            responsible_worker=alice,
        )
    assert caught.value.message_dict["due_on"] == [
        "La scadenza non può precedere l'inizio del progetto (01/02/2026)."
    ]
    assert not Action.objects.exists()


def test_action_responsible_must_belong_to_the_case(alice, bruno, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    stranger = PersonFactory()  # a member of another household
    with pytest.raises(ValidationError, match="non lavora su questa presa in carico"):
        pathway_services.action_add(
            user=alice,
            goal=goal,
            description="x",
            due_on=D(2026, 6, 1),
            responsible_kind="worker",
            responsible_worker=bruno,
        )
    with pytest.raises(ValidationError, match="non fa parte di questo nucleo"):
        pathway_services.action_add(
            user=alice,
            goal=goal,
            description="x",
            due_on=D(2026, 6, 1),
            responsible_kind="member",
            responsible_person=stranger,
        )
    assert not Action.objects.exists()


def test_action_keeps_only_the_responsible_of_the_chosen_kind(alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    member = case_alfa.household.members.get()
    action = pathway_services.action_add(
        user=alice,
        goal=goal,
        description="Rinnovo del permesso",
        due_on=D(2026, 6, 1),
        responsible_kind="member",
        responsible_person=member,
        responsible_worker=alice,  # left over in the form: ignored
    )
    assert action.responsible == member
    assert action.responsible_worker is None


def test_goal_ends_achieved_partly_or_abandoned(alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    with pytest.raises(ValidationError):
        pathway_services.goal_close(user=alice, goal=goal, status=Goal.Status.OPEN)
    pathway_services.goal_close(user=alice, goal=goal, status=Goal.Status.PARTLY_ACHIEVED)
    goal.refresh_from_db()
    assert goal.status == "partly_achieved"
    assert goal.closed_on is not None
    with pytest.raises(ValidationError, match="già concluso"):
        pathway_services.goal_close(user=alice, goal=goal, status=Goal.Status.ACHIEVED)


def test_holding_a_review_schedules_the_next_at_the_interval(alice, case_alfa):
    plan = pathway_services.plan_create(
        user=alice, case=case_alfa, agreed_on=D(2026, 2, 1), review_interval_months=2
    )
    review = plan.reviews.get()
    with pytest.raises(ValidationError, match="esito"):
        pathway_services.review_record(
            user=alice, review=review, held_on=D(2026, 4, 2), outcome="  "
        )
    pathway_services.review_record(
        user=alice, review=review, held_on=D(2026, 4, 2), outcome="Bene."
    )
    assert [(r.scheduled_on, r.held_on) for r in plan.reviews.order_by("scheduled_on")] == [
        (D(2026, 4, 1), D(2026, 4, 2)),
        (D(2026, 6, 2), None),
    ]


def test_action_marked_done_gets_its_date(alice, case_alfa, today):
    action = ActionFactory(goal__plan__case=case_alfa)
    pathway_services.action_set_status(user=alice, action=action, status=Action.Status.DONE)
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", today)


def test_closed_case_plan_cannot_change(alice, case_alfa):
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    case_alfa.closed_on = D(2026, 10, 1)
    case_alfa.save()
    with pytest.raises(ValidationError, match="chiusa"):
        pathway_services.goal_add(user=alice, plan=goal.plan, domain="work", description="Altro")


# Assessments ------------------------------------------------------------------------


def test_assessment_with_every_domain_is_saved_with_ten_scores(alice, case_alfa):
    assessment = pathway_services.assessment_record(
        user=alice,
        case=case_alfa,
        moment="entry",
        taken_on=D(2026, 2, 1),
        levels=all_levels(2, work=1),
    )
    assert assessment.scores.count() == 10
    assert assessment.scores.get(domain="work").level == 1
    event = AuditEvent.objects.get(model_label="beneficiaries.AutonomyAssessment")
    assert event.changes["levels"][1]["work"] == 1


def test_assessment_with_a_domain_left_out_is_refused_naming_it(alice, case_alfa):
    levels = all_levels(3)
    del levels["health"]
    levels["language"] = None
    with pytest.raises(ValidationError) as caught:
        pathway_services.assessment_record(
            user=alice, case=case_alfa, moment="entry", taken_on=D(2026, 2, 1), levels=levels
        )
    message = _messages(caught.value)
    assert "Manca il livello di questi ambiti: Salute e benessere, Lingua italiana." in message
    assert not AutonomyAssessment.objects.exists()
    assert not AutonomyScore.objects.exists()


def test_assessment_level_out_of_scale_is_refused(alice, case_alfa):
    with pytest.raises(ValidationError, match="va da 1 a 5"):
        pathway_services.assessment_record(
            user=alice,
            case=case_alfa,
            moment="entry",
            taken_on=D(2026, 2, 1),
            levels=all_levels(3, work=6),
        )
    assert not AutonomyAssessment.objects.exists()


def test_only_one_entry_assessment(alice, case_alfa):
    kwargs = {"user": alice, "case": case_alfa, "moment": "entry", "levels": all_levels(2)}
    pathway_services.assessment_record(taken_on=D(2026, 2, 1), **kwargs)
    with pytest.raises(ValidationError, match="ingresso è già stata registrata"):
        pathway_services.assessment_record(taken_on=D(2026, 3, 1), **kwargs)
    assert AutonomyAssessment.objects.count() == 1


# The diary --------------------------------------------------------------------------


def test_case_note_records_the_authors_organisation(alice, case_alfa, coop_alfa):
    note = pathway_services.case_note_create(
        user=alice,
        case=case_alfa,
        happened_on=D(2026, 3, 3),
        kind="home_visit",
        duration_minutes=60,
        text="Visita a casa.",
        is_confidential=True,
    )
    assert note.author == alice
    assert note.author_organisation == coop_alfa


def test_group_activity_links_households_the_author_follows(alice, case_alfa, project_alfa):
    other_case = CaseFactory(
        project=project_alfa, holding_organisation=case_alfa.holding_organisation
    )
    CaseAssignmentFactory(case=other_case, worker=alice)
    note = pathway_services.case_note_create(
        user=alice,
        case=case_alfa,
        happened_on=D(2026, 3, 3),
        kind="group_activity",
        duration_minutes=120,
        text="Cena condivisa nel co-housing.",
        households=[other_case.household],
    )
    assert list(note.households.all()) == [other_case.household]
    # Both households' histories say they appear in the entry.
    assert AuditEvent.objects.filter(household=other_case.household, object_id=str(note.pk))


def test_an_entry_moves_the_last_contact_of_its_case_and_of_the_households_in_it(
    alice, case_alfa, project_alfa
):
    other_case = CaseFactory(
        project=project_alfa, holding_organisation=case_alfa.holding_organisation
    )
    CaseAssignmentFactory(case=other_case, worker=alice)
    untouched = CaseFactory(project=project_alfa)

    def last(case):
        case.refresh_from_db()
        return case.last_contact_on

    assert last(case_alfa) is None and last(other_case) is None

    def write(day, kind="interview", households=()):
        pathway_services.case_note_create(
            user=alice,
            case=case_alfa,
            happened_on=day,
            kind=kind,
            duration_minutes=30,
            text="Colloquio.",
            households=list(households),
        )

    write(D(2026, 3, 3))
    assert (last(case_alfa), last(other_case)) == (D(2026, 3, 3), None)
    # An entry written late about an earlier day does not move the last contact back.
    write(D(2026, 3, 1))
    assert last(case_alfa) == D(2026, 3, 3)
    # A group activity is a contact of the other household's case too.
    write(D(2026, 3, 5), kind="group_activity", households=[other_case.household])
    assert (last(case_alfa), last(other_case)) == (D(2026, 3, 5), D(2026, 3, 5))
    assert last(untouched) is None
    # The stored days are what the diaries say, case by case.
    stored = dict(Case.objects.values_list("pk", "last_contact_on"))
    pathway_services.refresh_last_contact()
    assert dict(Case.objects.values_list("pk", "last_contact_on")) == stored


def test_group_activity_cannot_name_a_household_the_author_does_not_follow(
    alice, case_alfa, household_beta
):
    with pytest.raises(ValidationError, match="solo nuclei che segui"):
        pathway_services.case_note_create(
            user=alice,
            case=case_alfa,
            happened_on=D(2026, 3, 3),
            kind="community_activity",
            duration_minutes=60,
            text="Festa di quartiere.",
            households=[household_beta],
        )
    assert not CaseNote.objects.exists()


def test_other_households_only_for_group_activities(alice, case_alfa, project_alfa):
    other_case = CaseFactory(
        project=project_alfa, holding_organisation=case_alfa.holding_organisation
    )
    with pytest.raises(ValidationError, match="solo per le attività di gruppo"):
        pathway_services.case_note_create(
            user=alice,
            case=case_alfa,
            happened_on=D(2026, 3, 3),
            kind="phone_call",
            duration_minutes=10,
            text="Telefonata.",
            households=[other_case.household],
        )
    assert not CaseNote.objects.exists()


def test_diary_entry_cannot_be_in_the_future(alice, case_alfa, today):
    with pytest.raises(ValidationError, match="futuro"):
        pathway_services.case_note_create(
            user=alice,
            case=case_alfa,
            happened_on=today + datetime.timedelta(days=1),
            kind="interview",
            duration_minutes=30,
            text="x",
        )


# Documents --------------------------------------------------------------------------


def test_document_is_kept_in_private_storage(alice, case_alfa, private_storage_root):
    document = pathway_services.document_upload(
        user=alice,
        case=case_alfa,
        kind="identity",
        file=pdf_upload(),
        expires_on=D(2030, 1, 1),
    )
    path = private_storage_root / document.file.name
    assert path.read_bytes() == PDF_BYTES
    assert document.original_name == "carta-identita.pdf"
    assert document.content_type == "application/pdf"
    assert "carta" not in document.file.name, "the stored name says nothing about the person"
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 - a private document has no URL


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 60, "Tipo di file non ammesso"),
        ("finto.pdf", b"<html><script>alert(1)</script></html>", "Tipo di file non ammesso"),
        ("foto.pdf", PNG_BYTES, "non corrisponde alla sua estensione"),
        ("documento.gif", b"GIF89a" + b"\x00" * 20, "Tipo di file non ammesso"),
    ],
)
def test_disallowed_upload_is_refused_and_nothing_saved(
    alice, case_alfa, private_storage_root, name, content, message
):
    with pytest.raises(ValidationError) as caught:
        pathway_services.document_upload(
            user=alice,
            case=case_alfa,
            kind="other",
            file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
    assert message in _messages(caught.value)
    assert not Document.objects.exists()
    assert not any(private_storage_root.rglob("*.*")) if private_storage_root.exists() else True


def test_oversized_upload_is_refused_and_nothing_saved(
    alice, case_alfa, private_storage_root, settings
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    big = pdf_upload(content=PDF_BYTES + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        pathway_services.document_upload(user=alice, case=case_alfa, kind="other", file=big)
    assert caught.value.message_dict["file"] == ["Il file è troppo grande: il massimo è 1 MB."]
    assert not Document.objects.exists()


def test_identity_document_needs_its_expiry(alice, case_alfa, private_storage_root):
    with pytest.raises(ValidationError) as caught:
        pathway_services.document_upload(
            user=alice, case=case_alfa, kind="identity", file=pdf_upload()
        )
    assert caught.value.message_dict["expires_on"] == ["Indica la data di scadenza del documento."]
    assert not Document.objects.exists()


# Closing and follow-up --------------------------------------------------------------


def test_closing_without_an_outcome_is_refused_and_nothing_saved(alice, case_alfa):
    with pytest.raises(ValidationError) as caught:
        pathway_services.case_close(
            user=alice,
            case=case_alfa,
            closed_on=D(2026, 10, 1),
            reason="",
            destination="",
            autonomy_reached="",
        )
    errors = caught.value.message_dict
    assert errors["reason"] == ["Indica il motivo dell'uscita."]
    assert errors["destination"] == ["Indica dove va a vivere il nucleo."]
    assert errors["autonomy_reached"] == ["Indica se il nucleo ha raggiunto l'autonomia."]
    case_alfa.refresh_from_db()
    assert case_alfa.is_open
    assert not CaseExit.objects.exists()
    assert not FollowUp.objects.exists()


def test_closing_schedules_follow_ups_at_3_6_12_months(alice, case_alfa):
    _follow_up_consent(case_alfa.household)
    pathway_services.case_close(
        user=alice,
        case=case_alfa,
        closed_on=D(2026, 8, 31),
        reason="goals_reached",
        destination="own_rented_home",
        autonomy_reached="yes",
    )
    case_alfa.refresh_from_db()
    assert case_alfa.closed_on == D(2026, 8, 31)
    assert case_alfa.exit.autonomy_reached == "yes"
    assert [(f.months_after_exit, f.due_on) for f in case_alfa.follow_ups.all()] == [
        (3, D(2026, 11, 30)),
        (6, D(2027, 2, 28)),
        (12, D(2027, 8, 31)),
    ]
    assert AuditEvent.objects.filter(
        model_label="beneficiaries.Case", action="transition", household=case_alfa.household
    ).exists()


def test_follow_ups_need_the_households_consent(alice, case_alfa):
    kwargs = {
        "user": alice,
        "case": case_alfa,
        "closed_on": D(2026, 8, 31),
        "reason": "voluntary",
        "destination": "unknown",
        "autonomy_reached": "no",
    }
    with pytest.raises(ValidationError, match="ricontattato"):
        pathway_services.case_close(**kwargs)
    case_alfa.refresh_from_db()
    assert case_alfa.is_open
    pathway_services.case_close(schedule_follow_ups=False, **kwargs)
    assert not FollowUp.objects.exists()


def test_only_assigned_workers_and_coordinators_close_a_case(dave, carla, case_alfa):
    _follow_up_consent(case_alfa.household)
    kwargs = {
        "closed_on": D(2026, 8, 31),
        "reason": "max_stay",
        "destination": "public_housing",
        "autonomy_reached": "partly",
    }
    with pytest.raises(PermissionDenied):
        pathway_services.case_close(user=dave, case=case_alfa, **kwargs)
    pathway_services.case_close(user=carla, case=case_alfa, **kwargs)
    assert CaseExit.objects.get().recorded_by == carla


def test_follow_up_records_whether_still_housed_and_where(alice, case_alfa):
    _follow_up_consent(case_alfa.household)
    pathway_services.case_close(
        user=alice,
        case=case_alfa,
        closed_on=D(2026, 5, 1),
        reason="goals_reached",
        destination="own_rented_home",
        autonomy_reached="yes",
    )
    follow_up = case_alfa.follow_ups.get(months_after_exit=3)
    with pytest.raises(ValidationError) as caught:
        pathway_services.follow_up_record(
            user=alice, follow_up=follow_up, done_on=D(2026, 8, 3), still_housed=""
        )
    assert caught.value.message_dict["still_housed"] == ["Indica se il nucleo ha ancora una casa."]
    with pytest.raises(ValidationError, match="dove vive"):
        pathway_services.follow_up_record(
            user=alice, follow_up=follow_up, done_on=D(2026, 8, 3), still_housed="yes"
        )
    pathway_services.follow_up_record(
        user=alice,
        follow_up=follow_up,
        done_on=D(2026, 8, 3),
        still_housed="yes",
        housing_situation="own_rented_home",
        where="Liscate",
    )
    follow_up.refresh_from_db()
    assert (follow_up.still_housed, follow_up.where, follow_up.recorded_by) == (
        "yes",
        "Liscate",
        alice,
    )


# Follow-ups that cannot contradict themselves (issue 12, item 8) -----------------------


@pytest.fixture
def follow_up_3(alice, case_alfa):
    """The 3-month follow-up of case_alfa, closed on 1 May 2026: due on 1 August, its
    window open from 18 July."""
    _follow_up_consent(case_alfa.household)
    pathway_services.case_close(
        user=alice,
        case=case_alfa,
        closed_on=D(2026, 5, 1),
        reason="goals_reached",
        destination="own_rented_home",
        autonomy_reached="yes",
    )
    return case_alfa.follow_ups.get(months_after_exit=3)


@pytest.mark.parametrize(
    "still_housed,situation,words",
    [
        ("no", "own_rented_home", "ha perso la casa"),
        ("no", "public_housing", "ha perso la casa"),
        ("yes", "homeless", "ha ancora una casa"),
        ("unknown", "family_or_friends", "lascia vuoto"),
    ],
)
def test_a_follow_up_that_contradicts_itself_is_refused(
    alice, follow_up_3, still_housed, situation, words
):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        pathway_services.follow_up_record(
            user=alice,
            follow_up=follow_up_3,
            done_on=D(2026, 8, 1),
            still_housed=still_housed,
            housing_situation=situation,
        )
    assert words in caught.value.message_dict["housing_situation"][0]
    follow_up_3.refresh_from_db()
    assert not follow_up_3.is_done
    assert AuditEvent.objects.count() == events


def test_lost_the_home_and_living_with_family_agree(alice, follow_up_3):
    pathway_services.follow_up_record(
        user=alice,
        follow_up=follow_up_3,
        done_on=D(2026, 8, 1),
        still_housed="no",
        housing_situation="family_or_friends",
    )
    follow_up_3.refresh_from_db()
    assert follow_up_3.is_done


def test_a_follow_up_is_not_recorded_before_its_window_opens(alice, follow_up_3):
    with pytest.raises(ValidationError) as caught:
        pathway_services.follow_up_record(
            user=alice, follow_up=follow_up_3, done_on=D(2026, 7, 17), still_housed="unknown"
        )
    assert caught.value.message_dict["done_on"] == [
        "Il follow-up a 3 mesi si può registrare dal 18/07/2026, due settimane prima della "
        "scadenza del 01/08/2026: registra un contatto fatto da quel giorno in poi."
    ]
    follow_up_3.refresh_from_db()
    assert not follow_up_3.is_done
    pathway_services.follow_up_record(
        user=alice, follow_up=follow_up_3, done_on=D(2026, 7, 18), still_housed="unknown"
    )
    follow_up_3.refresh_from_db()
    assert follow_up_3.done_on == D(2026, 7, 18)


def test_the_follow_up_form_uses_the_exit_vocabulary(client_for, alice, follow_up_3):
    from beneficiaries.models import ExitDestination

    page = (
        client_for(alice)
        .get(reverse("beneficiaries:follow_up_record", args=[follow_up_3.pk]))
        .content.decode()
    )
    for value in ExitDestination.values:
        assert f'value="{value}"' in page


def test_not_reached_at_exit_is_only_for_the_exit(alice, case_alfa):
    plan = pathway_services.plan_create(user=alice, case=case_alfa, agreed_on=D(2026, 2, 1))
    goal = pathway_services.goal_add(user=alice, plan=plan, domain="work", description="Lavoro")
    with pytest.raises(ValidationError):
        pathway_services.goal_close(user=alice, goal=goal, status="not_reached")
    goal.refresh_from_db()
    assert goal.is_open


def test_an_erased_household_forgets_the_group_activities_as_its_contacts(
    case_alfa, project_alfa, coop_alfa
):
    host = CaseFactory(project=project_alfa, holding_organisation=coop_alfa)
    CaseNoteFactory(
        case=host,
        kind="group_activity",
        happened_on=D(2026, 3, 5),
        households=[case_alfa.household],
    )
    case_alfa.refresh_from_db()
    assert case_alfa.last_contact_on == D(2026, 3, 5)
    case_alfa.closed_on = D(2026, 4, 1)
    case_alfa.save()
    privacy_services.household_anonymise(
        user=None, household=case_alfa.household, today=D(2040, 1, 1)
    )
    case_alfa.refresh_from_db()
    assert case_alfa.last_contact_on is None
    host.refresh_from_db()
    assert host.last_contact_on == D(2026, 3, 5)  # the host's own entry stays
