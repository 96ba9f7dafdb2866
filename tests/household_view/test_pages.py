"""What the member sees and never sees; its own voice reaching the worker; the staff
area closed to a household session; another household out of reach."""

import datetime
import functools

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from beneficiaries.models import Vulnerability
from household_view.models import MemberMessage, SelfAssessment
from notifications.models import Notification
from tests.factories import (
    ActionFactory,
    AutonomyAssessmentFactory,
    CaseNoteFactory,
    ConsentFactory,
    GoalFactory,
    ReviewFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(case_alfa):
    plan = SupportPlanFactory(case=case_alfa)
    shared = GoalFactory(plan=plan, description="MARKER-SHARED-GOAL", visible_to_household=True)
    ActionFactory(
        goal=shared,
        description="MARKER-SHARED-ACTION",
        visible_to_household=True,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    ActionFactory(goal=shared, description="MARKER-HIDDEN-ACTION")
    GoalFactory(plan=plan, description="MARKER-HIDDEN-GOAL")
    GoalFactory(
        plan=plan, domain="health", description="MARKER-HEALTH-GOAL", visible_to_household=True
    )
    ReviewFactory(plan=plan, scheduled_on=timezone.localdate() + datetime.timedelta(days=20))
    return plan


def test_the_member_sees_what_is_shared_and_nothing_else(
    member_client, plan, case_alfa, household_alfa, household_beta
):
    CaseNoteFactory(case=case_alfa, text="MARKER-DIARY")
    Vulnerability.objects.create(household=household_alfa, kind="health", notes="MARKER-SPECIAL")
    AutonomyAssessmentFactory(case=case_alfa, notes="MARKER-ASSESSMENT")
    other_plan = SupportPlanFactory(case=household_beta.cases.get())
    GoalFactory(plan=other_plan, description="MARKER-OTHER-HOUSEHOLD", visible_to_household=True)
    household_alfa.isee_expires_on = timezone.localdate() + datetime.timedelta(days=30)
    household_alfa.save()
    ConsentFactory(household=household_alfa)
    html = member_client.get("/percorso/").content.decode()
    assert "MARKER-SHARED-GOAL" in html and "MARKER-SHARED-ACTION" in html
    assert 'data-testid="hv-next-review"' in html and "ISEE" in html
    for hidden in (
        "MARKER-HIDDEN-GOAL",
        "MARKER-HIDDEN-ACTION",
        "MARKER-HEALTH-GOAL",
        "MARKER-DIARY",
        "MARKER-SPECIAL",
        "MARKER-ASSESSMENT",
        "MARKER-OTHER-HOUSEHOLD",
    ):
        assert hidden not in html, hidden
    assert 'lang="it"' in html  # the worker's words, marked with their language


def test_the_main_page_costs_a_fixed_number_of_queries(
    member_client, plan, django_assert_num_queries
):
    member_client.get("/percorso/")
    # 10, +1 for the next appointments' panel (beneficiaries/panels.py, issue 18 A).
    with django_assert_num_queries(11):
        member_client.get("/percorso/")


def test_languages_and_right_to_left(member_client, issued):
    access, _token = issued
    member_client.post("/percorso/lingua/", {"language": "ar", "next": "/percorso/"})
    html = member_client.get("/percorso/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "مساري" in html and "bootstrap.rtl.min.css" in html
    access.refresh_from_db()
    assert access.language == "ar"
    member_client.post("/percorso/lingua/", {"language": "uk"})
    html = member_client.get("/percorso/").content.decode()
    assert '<html lang="uk" dir="ltr">' in html and "Мій шлях" in html
    member_client.post("/percorso/lingua/", {"language": "fr"})
    assert "Mon parcours" in member_client.get("/percorso/").content.decode()


def test_staff_languages_stay_italian_and_english(client_for, alice):
    html = client_for(alice).get("/").content.decode()
    assert 'value="it"' in html and 'value="en"' in html
    assert 'value="ar"' not in html


def test_the_message_and_the_withdrawal_request_reach_the_worker(
    member_client, household_alfa, alice, client_for, case_alfa
):
    consent = ConsentFactory(household=household_alfa)
    response = member_client.post("/percorso/scrivi/", {"text": "Ho trovato lavoro!"})
    assert response.status_code == 302
    member_client.post(f"/percorso/consensi/{consent.pk}/revoca/")
    consent.refresh_from_db()
    assert consent.withdrawn_on is None  # asked, not done
    kinds = set(Notification.objects.filter(recipient=alice).values_list("kind", flat=True))
    assert kinds == {"household_message", "consent_withdrawal_asked"}
    assert MemberMessage.objects.count() == 2
    page = staff_client(alice).get(f"/accessi-nucleo/{case_alfa.public_id}/").content.decode()
    assert "Ho trovato lavoro!" in page


def test_an_empty_message_is_refused_and_nothing_saved(member_client):
    response = member_client.post("/percorso/scrivi/", {"text": "  "})
    assert response.status_code == 200
    assert not MemberMessage.objects.exists()


def test_the_self_rating_shows_beside_the_workers_and_not_in_indicators(
    member_client, case_alfa, alice, client_for
):
    AutonomyAssessmentFactory(case=case_alfa, levels={"work": 2})
    response = member_client.post("/percorso/come-sto/", {"work": "4", "housing": "3"})
    assert response.status_code == 302
    rating = SelfAssessment.objects.get()
    assert rating.levels == {"work": 4, "housing": 3}
    assert case_alfa.assessments.count() == 1  # the worker's only: indicators unaffected
    html = (
        staff_client(alice)
        .get(f"/prese-in-carico/{case_alfa.public_id}/valutazioni/")
        .content.decode()
    )
    assert 'data-testid="self-assessment-panel"' in html
    assert "4 · " in html


def test_a_bad_level_is_refused(member_client):
    response = member_client.post("/percorso/come-sto/", {"work": "9"})
    assert response.status_code == 200
    assert not SelfAssessment.objects.exists()


def test_another_households_consent_is_out_of_reach(member_client, household_beta):
    consent = ConsentFactory(household=household_beta)
    assert member_client.post(f"/percorso/consensi/{consent.pk}/revoca/").status_code == 404
    assert not MemberMessage.objects.exists()


def _fill(uuid_value, int_value, match):
    converter = match.group(1)
    if converter == "uuid":
        return str(uuid_value)
    if converter == "int":
        return str(int_value)
    return "casa-alfa"


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "household_view":
                continue
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_a_household_session_reaches_no_staff_url(member_client, plan, household_alfa, case_alfa):
    import re

    uuid_values = [
        case_alfa.public_id,
        household_alfa.public_id,
        household_alfa.members.get().public_id,
    ]
    int_values = [plan.pk, plan.goals.first().pk, case_alfa.pk]
    tried = 0
    for route, _entry in _patterns(get_resolver()):
        if route.startswith("^") or "(?P" in route:
            route = route.lstrip("^").rstrip("$")
            if "(?P" in route:
                continue  # the admin's regular expressions: below, /admin/ itself
        for value_set in range(3):
            url = "/" + re.sub(
                r"<(?:(\w+):)?(\w+)>",
                functools.partial(_fill, uuid_values[value_set], int_values[value_set]),
                route,
            )
            for method in (member_client.get, member_client.post):
                response = method(url)
                tried += 1
                assert response.status_code != 200, url
    assert tried > 100
    assert member_client.get("/percorso/").status_code == 200  # still a member


def staff_client(user):
    """A browser of its own for a worker (the member's browser has the member's session)."""
    client = Client()
    client.force_login(user)
    return client


def test_every_page_keeps_the_accessible_markup(member_client, issued, alice, plan):
    from tests.a11y import accessibility_problems

    access, _token = issued
    for path in ("", "come-sto/", "scrivi/", "pin/"):
        response = member_client.get(f"/percorso/{path}")
        assert accessibility_problems(response.content.decode()) == [], path
    invalid = member_client.post("/percorso/scrivi/", {"text": ""})
    assert accessibility_problems(invalid.content.decode()) == []
    staff = staff_client(alice)
    for url in (
        f"/accessi-nucleo/{access.case.public_id}/",
        f"/accessi-nucleo/{access.case.public_id}/{access.public_id}/stampa/",
    ):
        assert accessibility_problems(staff.get(url).content.decode()) == [], url


def test_the_printout_shows_the_link_once(alice, case_alfa, member):
    staff = staff_client(alice)
    response = staff.post(
        f"/accessi-nucleo/{case_alfa.public_id}/nuovo/", {"person": member.pk}, follow=True
    )
    html = response.content.decode()
    assert 'data-testid="access-qr"' in html and "/percorso/entra/" in html
    again = staff.get(response.redirect_chain[-1][0]).content.decode()
    assert 'data-testid="link-gone"' in again and "/percorso/entra/" not in again


def test_a_shared_action_is_saved_shared(alice, case_alfa, plan):
    goal = plan.goals.get(description="MARKER-SHARED-GOAL")
    staff = staff_client(alice)
    response = staff.post(
        reverse("beneficiaries:action_create", args=[goal.pk]),
        {
            "description": "Portare la busta paga",
            "due_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "responsible": f"worker:{alice.pk}",
            "visible_to_household": "on",
        },
    )
    assert response.status_code == 302, response.content
    assert goal.actions.get(description="Portare la busta paga").visible_to_household


def test_the_scale_reads_in_plain_words_in_the_members_language(member_client):
    member_client.post("/percorso/lingua/", {"language": "fr"})
    html = member_client.get("/percorso/come-sto/").content.decode()
    assert "Travail et formation" in html and "En chemin" in html
    assert "Ne parle pas et ne comprend pas l&#x27;italien." in html
