"""Projects' own intake (issue 12, item 11): each project declares the eligibility
questions its referral form asks (projects.EligibilityQuestion, set in the admin); the
answers are kept with the referral and shown on its evaluation page; a required answer
missing is a clear error and nothing is saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beneficiaries.models import Referral, ReferralEvent
from beneficiaries.services import intake as intake_services
from core.models import AuditEvent
from partners.services import network_load
from projects.models import EligibilityQuestion, Project
from tests.a11y import accessibility_problems
from tests.factories import PersonFactory, ProjectFactory, give_consent

pytestmark = pytest.mark.django_db

Kind = EligibilityQuestion.Kind


@pytest.fixture
def household_new(comune_uno, project_alfa):
    household = PersonFactory(
        household__registered_by=comune_uno, first_name="Amina", last_name="Diallo"
    ).household
    # Sending a referral needs the household's consent (the consent gate, issue 12).
    give_consent(household, project_alfa)
    return household


@pytest.fixture
def questions(project_alfa):
    return {
        "mother": EligibilityQuestion.objects.create(
            project=project_alfa, text="Donna con figli minori?", kind=Kind.YES_NO, order=1
        ),
        "age": EligibilityQuestion.objects.create(
            project=project_alfa,
            text="Età del figlio più piccolo",
            kind=Kind.NUMBER,
            required=False,
            order=2,
        ),
        "town": EligibilityQuestion.objects.create(
            project=project_alfa,
            text="Comune di residenza",
            kind=Kind.CHOICE,
            options="Liscate\nTruccazzano\nAltro comune",
            order=3,
        ),
    }


def _url(household):
    return reverse("beneficiaries:referral_create", args=[household.public_id])


def _post(comune_uno, project, **answers):
    return {
        "referring_organisation": comune_uno.pk,
        "project": project.pk,
        "reason": "Sfratto esecutivo a maggio",
        "urgency": "high",
        "action": "send",
        **answers,
    }


def _field(question):
    return f"question_{question.pk}"


def _rows():
    return (Referral.objects.count(), ReferralEvent.objects.count(), AuditEvent.objects.count())


def test_choosing_the_project_draws_its_questions(
    client_for, marco, household_new, project_alfa, questions
):
    response = client_for(marco).get(
        _url(household_new), {"project": project_alfa.pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="eligibility-questions"' in html and "<form" not in html
    for question in questions.values():
        assert question.text in html


def test_form_without_the_project_chosen_asks_nothing(client_for, marco, household_new, questions):
    html = client_for(marco).get(_url(household_new)).content.decode()
    assert 'id="eligibility-questions"' in html
    assert "Donna con figli minori?" not in html


def test_missing_required_answers_are_named_and_nothing_is_saved(
    client_for, marco, household_new, project_alfa, comune_uno, questions
):
    before = _rows()
    response = client_for(marco).post(_url(household_new), _post(comune_uno, project_alfa))
    html = response.content.decode()
    assert response.status_code == 200
    # Under each of the two questions, and once more each in the page's error summary.
    form = html[html.index("</div>", html.index('id="error-summary"')) :]
    assert form.count("Rispondi a questa domanda: il progetto la chiede a ogni segnalazione.") == 2
    assert "Donna con figli minori?" in html  # asked again, on the same page
    assert accessibility_problems(html) == []
    assert _rows() == before


def test_a_wrong_answer_says_what_is_wrong(
    client_for, marco, household_new, project_alfa, comune_uno, questions
):
    before = _rows()
    response = client_for(marco).post(
        _url(household_new),
        _post(
            comune_uno,
            project_alfa,
            **{
                _field(questions["mother"]): "yes",
                _field(questions["age"]): "-2",
                _field(questions["town"]): "Milano",
            },
        ),
    )
    html = response.content.decode()
    assert "Il numero non può essere negativo." in html
    assert "Scegli una delle opzioni." in html
    assert _rows() == before


def test_answers_are_kept_with_the_referral_and_shown_to_the_evaluation(
    client_for, marco, carla, household_new, project_alfa, comune_uno, questions
):
    response = client_for(marco).post(
        _url(household_new),
        _post(
            comune_uno,
            project_alfa,
            **{
                _field(questions["mother"]): "yes",
                _field(questions["age"]): "4",
                _field(questions["town"]): "Liscate",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    referral = Referral.objects.get(household=household_new)
    assert referral.status == Referral.Status.SENT
    assert referral.eligibility_answers == [
        {
            "question": questions["mother"].pk,
            "text": "Donna con figli minori?",
            "kind": "yes_no",
            "answer": True,
        },
        {
            "question": questions["age"].pk,
            "text": "Età del figlio più piccolo",
            "kind": "number",
            "answer": 4,
        },
        {
            "question": questions["town"].pk,
            "text": "Comune di residenza",
            "kind": "choice",
            "answer": "Liscate",
        },
    ]
    # An admin rewords a question later: the evaluation reads what was asked.
    questions["mother"].text = "La richiedente è madre di minori?"
    questions["mother"].save()
    html = client_for(carla).get(referral.get_absolute_url()).content.decode()
    assert 'data-testid="eligibility-answers"' in html
    assert "<dt>Donna con figli minori?</dt>\n        <dd>Sì</dd>" in html
    assert "<dd>4</dd>" in html and "<dd>Liscate</dd>" in html


def test_an_optional_question_may_stay_unanswered(
    client_for, marco, household_new, project_alfa, comune_uno, questions
):
    response = client_for(marco).post(
        _url(household_new),
        _post(
            comune_uno,
            project_alfa,
            **{_field(questions["mother"]): "no", _field(questions["town"]): "Altro comune"},
        ),
    )
    assert response.status_code == 302
    answers = Referral.objects.get().eligibility_answers
    assert [a["answer"] for a in answers] == [False, "Altro comune"]


def test_the_service_refuses_missing_answers_whatever_the_form_did(
    marco, household_new, project_alfa, comune_uno, questions
):
    """A form bypassed, or a question added while the form was open: the service checks."""
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        intake_services.referral_create(
            user=marco,
            household=household_new,
            project=project_alfa,
            referring_organisation=comune_uno,
            reason="x",
            urgency="low",
            send=True,
            eligibility_answers={questions["mother"].pk: "yes"},
        )
    assert set(refused.value.message_dict) == {_field(questions["town"])}
    assert _rows() == before


def test_answers_to_another_projects_questions_are_not_kept(
    marco, household_new, project_alfa, comune_uno, questions
):
    other = EligibilityQuestion.objects.create(
        project=ProjectFactory(), text="Altro progetto?", kind=Kind.TEXT
    )
    referral = intake_services.referral_create(
        user=marco,
        household=household_new,
        project=project_alfa,
        referring_organisation=comune_uno,
        reason="x",
        urgency="low",
        eligibility_answers={
            questions["mother"].pk: True,
            questions["town"].pk: "Truccazzano",
            other.pk: "segreto",
        },
    )
    assert "segreto" not in str(referral.eligibility_answers)


def test_a_choice_question_needs_two_options_and_only_it_has_options(project_alfa):
    with pytest.raises(ValidationError) as refused:
        EligibilityQuestion(
            project=project_alfa, text="Dove?", kind=Kind.CHOICE, options="Qui"
        ).full_clean()
    assert "options" in refused.value.message_dict
    with pytest.raises(ValidationError):
        EligibilityQuestion(
            project=project_alfa, text="Quanti?", kind=Kind.NUMBER, options="1\n2"
        ).full_clean()


def test_admins_set_the_questions_on_the_project_page(
    client_for, admin_user, project_alfa, questions
):
    html = (
        client_for(admin_user)
        .get(reverse("admin:projects_project_change", args=[project_alfa.pk]))
        .content.decode()
    )
    assert "Requisiti di accesso" in html
    assert "Donna con figli minori?" in html
    assert "Regole del patto di accoglienza" in html


def test_referral_form_with_questions_query_budget(
    client_for, marco, household_new, project_alfa, questions, django_assert_num_queries
):
    client = client_for(marco)
    client.get(_url(household_new))
    # session, user, memberships, household, organisations, projects offered, questions:
    # the same for three questions as for ten.
    with django_assert_num_queries(7):
        response = client.get(
            _url(household_new), {"project": project_alfa.pk}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200


def test_the_network_gives_the_cohousing_its_questions_once(db):
    network_load()
    cohousing = Project.objects.get(slug="cohousing-adda-martesana")
    questions = list(cohousing.eligibility_questions.all())
    assert [(q.kind, q.required) for q in questions] == [
        (Kind.YES_NO, True),
        (Kind.NUMBER, False),
        (Kind.CHOICE, True),
    ]
    assert "donna con figli" in questions[0].text
    assert questions[2].option_list() == [
        "Bellinzago Lombardo",
        "Liscate",
        "Pozzuolo Martesana",
        "Truccazzano",
        "Altro comune",
    ]
    assert not any(c.model is EligibilityQuestion for c in network_load().changes)
    assert EligibilityQuestion.objects.filter(project=cohousing).count() == 3
