"""The individual plan on paper (issue 12, item 10): goals, actions, who and by when, the
next review, signature lines; the page in the user's language, the PDF in Italian; only
for those who may open the plan, and never the diary or special-category data."""

import datetime

import pytest
import weasyprint
from django.urls import reverse

from beneficiaries.models import Action, Vulnerability
from core.models import SecurityEvent
from tests.a11y import accessibility_problems
from tests.factories import (
    ActionFactory,
    CaseNoteFactory,
    GoalFactory,
    ReviewFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(case_alfa, alice):
    plan = SupportPlanFactory(case=case_alfa, summary="Una casa propria entro un anno")
    work = GoalFactory(plan=plan, domain="work", description="Trovare un lavoro stabile")
    ActionFactory(goal=work, description="Iscrizione al centro per l'impiego")
    ActionFactory(
        goal=work,
        description="Preparare il curriculum",
        responsible_kind=Action.Responsible.WORKER,
        responsible_organisation=None,
        responsible_worker=alice,
        due_on=datetime.date(2026, 4, 15),
    )
    GoalFactory(plan=plan, domain="health", description="Seguire la terapia al CPS")
    ReviewFactory(
        plan=plan,
        scheduled_on=datetime.date(2026, 2, 1),
        held_on=datetime.date(2026, 2, 1),
        outcome="Esito riservato",
    )
    ReviewFactory(plan=plan, scheduled_on=datetime.date(2026, 5, 1))
    CaseNoteFactory(case=case_alfa, text="Nota di diario da non stampare")
    Vulnerability.objects.create(household=case_alfa.household, kind="health")
    return plan


def _url(case, name="plan_print"):
    return reverse(f"beneficiaries:{name}", args=[case.public_id])


def test_the_printed_plan_has_goals_actions_next_review_and_signatures(
    client_for, alice, case_alfa, plan
):
    response = client_for(alice).get(_url(case_alfa))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="it">' in html
    assert "Trovare un lavoro stabile" in html
    assert "Iscrizione al centro per l&#x27;impiego" in html
    assert "Cooperativa Alfa" in html  # who, for the first action
    assert "Alice Rossi" in html and "15/04/2026" in html  # who and by when
    assert '<dd data-testid="next-review">1 maggio 2026</dd>' in html
    assert "Per il nucleo" in html and "signature-line" in html
    assert "Una casa propria entro un anno" in html
    assert accessibility_problems(html) == []


def test_no_diary_no_review_outcomes_no_special_categories(client_for, alice, case_alfa, plan):
    html = client_for(alice).get(_url(case_alfa)).content.decode()
    assert "Nota di diario da non stampare" not in html
    assert "Esito riservato" not in html
    assert "Seguire la terapia" not in html
    assert 'data-testid="health-left-out"' in html
    assert "Salute" in html  # only to say a goal of that domain is not printed
    assert "Problemi di salute" not in html and "vulnerab" not in html.lower()


def test_the_page_is_in_the_users_language(client_for, alice, case_alfa, plan):
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    html = client.get(_url(case_alfa)).content.decode()
    assert '<html lang="en">' in html
    assert "Individual support plan" in html
    assert "Next review" in html


def test_the_pdf_is_in_italian_whatever_the_users_language(
    client_for, alice, case_alfa, plan, monkeypatch
):
    rendered = []
    real_html = weasyprint.HTML

    def spy(*args, **kwargs):
        rendered.append(kwargs["string"])
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    response = client.get(_url(case_alfa, "plan_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert 'filename="progetto-individualizzato.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    (html,) = rendered
    assert '<html lang="it">' in html and "Progetto individualizzato" in html
    assert "Individual support plan" not in html
    assert "print-toolbar" not in html  # no buttons on paper
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DOWNLOAD, user=alice).exists()


def test_the_pdf_fetches_nothing(client_for, alice, case_alfa, plan):
    from core import printing

    with pytest.raises(ValueError, match="fetches nothing"):
        printing._refuse("http://169.254.169.254/latest/meta-data/")
    plan.summary = '<img src="http://169.254.169.254/x">'
    plan.save()
    # The summary is escaped text, and any URL WeasyPrint might meet is refused.
    assert client_for(alice).get(_url(case_alfa, "plan_pdf")).status_code == 200


def test_no_plan_no_printout(client_for, alice, case_alfa):
    assert client_for(alice).get(_url(case_alfa)).status_code == 404
    assert client_for(alice).get(_url(case_alfa, "plan_pdf")).status_code == 404


@pytest.mark.parametrize("persona", ["bruno", "marco", "olga"])
def test_outsider_referrer_and_admin_get_404(request, client_for, case_alfa, plan, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_url(case_alfa)).status_code == 404
    assert client.get(_url(case_alfa, "plan_pdf")).status_code == 404


def test_the_plan_page_links_its_printouts(client_for, alice, case_alfa, plan):
    html = client_for(alice).get(_url(case_alfa, "plan_detail")).content.decode()
    assert _url(case_alfa) in html and _url(case_alfa, "plan_pdf") in html


def test_printed_plan_query_budget(client_for, alice, case_alfa, plan, django_assert_num_queries):
    for n in range(3):
        ActionFactory(goal=GoalFactory(plan=plan, description=f"Obiettivo {n}"))
    client = client_for(alice)
    client.get(_url(case_alfa))
    # session, user, memberships, case, plan, goals, actions, reviews, members: the same
    # for five goals as for fifty.
    with django_assert_num_queries(9):
        assert client.get(_url(case_alfa)).status_code == 200
