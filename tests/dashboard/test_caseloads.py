"""The caseloads page: counts per worker and per project, the workers who need attention,
assigning and reassigning several cases at once, and its exports (logged)."""

import csv
import datetime
import io

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import CaseAssignment, CaseNote
from core.access import access_for
from core.models import SecurityEvent
from dashboard.selectors import caseloads as caseloads_selectors
from partners.models import StaffMembership
from projects.models import Participation
from tests.a11y import accessibility_problems
from tests.factories import (
    CaseAssignmentFactory,
    CaseFactory,
    CaseNoteFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ReviewFactory,
    StaffMembershipFactory,
    SupportPlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/progetti/carichi/"
ASSIGN = "/progetti/carichi/assegna/"


def today():
    return timezone.localdate()


def days_ago(n):
    return today() - datetime.timedelta(days=n)


@pytest.fixture
def cases(project_alfa, coop_alfa, comune_uno, alice, dave):
    """Three open cases of Casa Alfa, held by Alfa:
    - Rossi: alice, an overdue review, a diary entry 5 days ago;
    - Bianchi: alice, no review due, last diary entry 40 days ago (quiet);
    - Verdi: nobody assigned, opened yesterday (too new to be quiet)."""

    def case(last_name, opened, worker=None):
        person = PersonFactory(household__registered_by=comune_uno, last_name=last_name)
        created = CaseFactory(
            household=person.household,
            project=project_alfa,
            holding_organisation=coop_alfa,
            opened_on=opened,
        )
        if worker:
            CaseAssignment.objects.create(case=created, worker=worker)
        return created

    rossi = case("Rossi", days_ago(200), alice)
    ReviewFactory(plan=SupportPlanFactory(case=rossi), scheduled_on=days_ago(3))
    CaseNoteFactory(case=rossi, happened_on=days_ago(5))
    bianchi = case("Bianchi", days_ago(200), alice)
    CaseNoteFactory(case=bianchi, happened_on=days_ago(40))
    verdi = case("Verdi", days_ago(1))
    return {"rossi": rossi, "bianchi": bianchi, "verdi": verdi}


def worker_rows(response):
    return {row["worker"].username: row for row in response.context["per_worker"]}


def test_counts_per_worker_with_the_flags(client_for, carla, cases):
    response = client_for(carla).get(URL)
    assert response.status_code == 200
    rows = worker_rows(response)
    assert rows["alice"]["open_cases"] == 2
    assert rows["alice"]["overdue_cases"] == 1  # Rossi
    assert rows["alice"]["quiet_cases"] == 1  # Bianchi
    assert rows["alice"]["needs_attention"] is True
    # Dave works for Alfa and has no case yet: listed, with room.
    assert rows["dave"]["open_cases"] == 0
    assert rows["dave"]["needs_attention"] is False
    html = response.content.decode()
    assert 'data-testid="needs-attention"' in html
    assert accessibility_problems(html) == []


def test_the_workers_are_a_page_at_a_time_counted_as_on_the_whole_list(
    client_for, carla, cases, coop_alfa, monkeypatch, django_assert_num_queries
):
    from dashboard.views import caseloads as caseloads_views

    monkeypatch.setattr(caseloads_views, "WORKERS_PAGE_SIZE", 2)
    for n in range(3):
        StaffMembershipFactory(
            user=UserFactory(username=f"zeta{n}", last_name=f"Zeta{n}"),
            organisation=coop_alfa,
            role=StaffMembership.Role.SOCIAL_WORKER,
        )
    client = client_for(carla)
    everyone = caseloads_selectors.per_worker(user=carla)
    names = [row["worker"].username for row in everyone]
    assert len(names) > 4 and "alice" in names
    client.get(URL)
    with django_assert_num_queries(15) as first:
        response = client.get(URL)
    shown = worker_rows(response)
    assert list(shown) == names[:2]
    for row in everyone[:2]:  # each page's counts are the whole list's
        assert shown[row["worker"].username] == row
    html = response.content.decode()
    assert 'aria-label="Pagine degli operatori"' in html and "?operatori=2" in html
    assert accessibility_problems(html) == []
    last = (len(names) + 1) // 2
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(URL, {"operatori": last})
    assert list(worker_rows(response)) == names[2 * (last - 1) :]
    # The export has every worker.
    export = client.get(reverse("dashboard:caseloads_export", args=["operatori", "csv"]))
    assert export.content.decode("utf-8-sig").count("\n") == len(names) + 1  # and the header


def test_a_group_activity_counts_as_contact(client_for, carla, cases, coop_alfa):
    # Bianchi took part in a group activity written in Rossi's diary 2 days ago.
    CaseNoteFactory(
        case=cases["rossi"],
        happened_on=days_ago(2),
        kind=CaseNote.Kind.GROUP_ACTIVITY,
        households=[cases["bianchi"].household],
    )
    rows = worker_rows(client_for(carla).get(URL))
    assert rows["alice"]["quiet_cases"] == 0


def test_counts_per_project(client_for, carla, cases):
    (row,) = client_for(carla).get(URL).context["per_project"]
    assert row["name"] == "Casa Alfa"
    assert (row["open_cases"], row["unassigned"], row["overdue_cases"], row["quiet_cases"]) == (
        3,
        1,
        1,
        1,
    )
    assert row["workers"] == 1


def test_the_table_can_show_only_the_cases_that_need_attention(client_for, carla, cases):
    response = client_for(carla).get(URL, {"show": "attention"})
    names = {case.household_name.split()[-1] for case in response.context["page_obj"]}
    assert names == {"Rossi", "Bianchi"}
    response = client_for(carla).get(URL, {"show": "unassigned"})
    assert [c.pk for c in response.context["page_obj"]] == [cases["verdi"].pk]


def test_a_filter_on_a_project_not_offered_is_explained(client_for, carla, cases, project_beta):
    response = client_for(carla).get(URL, {"project": project_beta.pk})
    assert response.status_code == 400
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_a_social_worker_may_not_see_caseloads(client_for, alice, cases):
    assert client_for(alice).get(URL).status_code == 403
    response = client_for(alice).post(
        ASSIGN, {"cases": [cases["verdi"].public_id], "worker": alice.pk, "mode": "add"}
    )
    assert response.status_code == 403
    assert not cases["verdi"].assignments.exists()


def test_assigning_is_a_post(client_for, carla):
    assert client_for(carla).get(ASSIGN).status_code == 405


# Assigning several cases at once -----------------------------------------------------------


def workers_of(case):
    return set(case.workers.values_list("username", flat=True))


def test_add_a_worker_to_several_cases(client_for, carla, dave, cases):
    chosen = [cases["rossi"], cases["verdi"]]
    response = client_for(carla).post(
        ASSIGN,
        {"cases": [c.public_id for c in chosen], "worker": dave.pk, "mode": "add", "next": URL},
        follow=True,
    )
    assert workers_of(cases["rossi"]) == {"alice", "dave"}
    assert workers_of(cases["verdi"]) == {"dave"}
    assert workers_of(cases["bianchi"]) == {"alice"}
    assert "Davide Galli assegnato/a a 2 prese in carico." in response.content.decode()


def test_reassign_several_cases_to_another_worker(client_for, carla, dave, cases):
    chosen = [cases["rossi"], cases["bianchi"]]
    client_for(carla).post(
        ASSIGN, {"cases": [c.public_id for c in chosen], "worker": dave.pk, "mode": "replace"}
    )
    assert workers_of(cases["rossi"]) == {"dave"}
    assert workers_of(cases["bianchi"]) == {"dave"}


def test_nothing_changes_if_one_case_cannot_take_the_worker(
    client_for, carla, alice, cases, project_alfa, comune_uno
):
    # A partner cooperative holds a case of Casa Alfa; alice does not work for it.
    gamma = OrganisationFactory(name="Cooperativa Gamma", slug="gamma")
    ParticipationFactory(project=project_alfa, organisation=gamma, role=Participation.Role.PARTNER)
    StaffMembershipFactory(
        user=UserFactory(username="gino"),
        organisation=gamma,
        role=StaffMembership.Role.SOCIAL_WORKER,
    )
    person = PersonFactory(household__registered_by=comune_uno, last_name="Gialli")
    gialli = CaseFactory(
        household=person.household, project=project_alfa, holding_organisation=gamma
    )
    response = client_for(carla).post(
        ASSIGN,
        {
            "cases": [cases["verdi"].public_id, gialli.public_id],
            "worker": alice.pk,
            "mode": "add",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Nucleo" in html and "Gialli" in html and "non lavora per l&#x27;ente titolare" in html
    assert workers_of(cases["verdi"]) == set()  # all or nothing
    assert workers_of(gialli) == set()


def test_cases_the_coordinator_does_not_follow_cannot_be_assigned(
    client_for, carla, dave, cases, household_beta
):
    beta_case = household_beta.cases.get()
    response = client_for(carla).post(
        ASSIGN, {"cases": [beta_case.public_id], "worker": dave.pk, "mode": "add"}, follow=True
    )
    assert "Una delle prese in carico scelte non è più tra le tue." in response.content.decode()
    assert workers_of(beta_case) == {"bruno"}


def test_a_worker_of_another_organisation_is_not_offered(client_for, carla, bruno, cases):
    response = client_for(carla).get(URL)
    offered = set(response.context["form"].fields["worker"].queryset)
    assert bruno not in offered
    response = client_for(carla).post(
        ASSIGN,
        {"cases": [cases["verdi"].public_id], "worker": bruno.pk, "mode": "add"},
        follow=True,
    )
    assert workers_of(cases["verdi"]) == set()
    assert "alert-danger" in response.content.decode()


def test_nothing_ticked_is_explained(client_for, carla, dave, cases):
    response = client_for(carla).post(ASSIGN, {"worker": dave.pk, "mode": "add"}, follow=True)
    assert "Spunta almeno una presa in carico nella tabella." in response.content.decode()


def test_the_redirect_stays_on_this_site(client_for, carla, dave, cases):
    response = client_for(carla).post(
        ASSIGN,
        {
            "cases": [cases["verdi"].public_id],
            "worker": dave.pk,
            "mode": "add",
            "next": "https://example.com/",
        },
    )
    assert response["Location"] == URL


# Exports -------------------------------------------------------------------------------------


def test_exporting_the_cases_with_names_is_logged(client_for, carla, cases):
    url = reverse("dashboard:caseloads_export", kwargs={"table": "prese-in-carico", "fmt": "csv"})
    response = client_for(carla).get(url, {"show": "attention"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Persona di riferimento"
    assert sorted(row[0].split()[-1] for row in rows[1:]) == ["Bianchi", "Rossi"]
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.user == carla
    assert event.details == {"table": "carichi/prese-in-carico", "format": "csv", "rows": 2}


def test_the_cases_export_in_both_csv_dialects(client_for, carla, cases):
    client = client_for(carla)
    italian = client.get(
        reverse("dashboard:caseloads_export", kwargs={"table": "prese-in-carico", "fmt": "csv"})
    )
    rows = _parse_csv(italian.content, ";")
    opened = rows[0].index("Aperta il")
    assert all(
        datetime.datetime.strptime(row[opened], "%d/%m/%Y").tzinfo is None for row in rows[1:]
    )
    international = client.get(
        reverse(
            "dashboard:caseloads_export", kwargs={"table": "prese-in-carico", "fmt": "csv-intl"}
        )
    )
    rows = _parse_csv(international.content, ",")
    assert all(datetime.date.fromisoformat(row[opened]) for row in rows[1:])
    assert len(rows) > 1


def _parse_csv(content: bytes, delimiter: str):
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_the_workers_table_in_xlsx(client_for, carla, cases):
    from openpyxl import load_workbook

    url = reverse("dashboard:caseloads_export", kwargs={"table": "operatori", "fmt": "xlsx"})
    response = client_for(carla).get(url)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Alice Rossi"][1:] == (2, 1, 1, "Sì")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).count() == 1


def test_a_name_that_looks_like_a_formula_stays_text(client_for, carla, cases, comune_uno):
    from openpyxl import load_workbook

    reference = cases["verdi"].household.members.get()
    reference.first_name = '=HYPERLINK("http://x.example","clic")'
    reference.save()
    url = reverse("dashboard:caseloads_export", kwargs={"table": "prese-in-carico", "fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(client_for(carla).get(url).content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    formula = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    url = reverse("dashboard:caseloads_export", kwargs={"table": "prese-in-carico", "fmt": "csv"})
    text = client_for(carla).get(url).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_an_unknown_caseload_table_is_explained(client_for, carla):
    url = reverse("dashboard:caseloads_export", kwargs={"table": "stipendi", "fmt": "csv"})
    response = client_for(carla).get(url)
    assert response.status_code == 400
    assert "Tabella sconosciuta: «stipendi»" in response.content.decode()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_an_empty_assignment_gets_the_servers_messages(client_for, carla, cases):
    # The browser's `required` bypassed: no case ticked, no worker chosen.
    assignments = CaseAssignment.objects.count()
    response = client_for(carla).post(ASSIGN, {"mode": "add", "next": URL}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == URL
    assert "Spunta almeno una presa in carico nella tabella." in html
    assert "Scegli l&#x27;operatore da assegnare." in html
    assert CaseAssignment.objects.count() == assignments


@pytest.mark.parametrize("persona", ["carla", "alice", "dave", "bruno", "marco"])
def test_the_caseload_is_the_visible_open_cases_the_user_may_assign(
    request, persona, cases, project_alfa, project_beta, coop_alfa, coop_beta
):
    """caseload_cases reads Access.assignable_cases_q alone: every case it lets through
    must be one the user may see (Access.cases_q), and none the user may assign missing."""
    from beneficiaries.selectors.households import visible_cases
    from core.access import access_for
    from dashboard.selectors.caseloads import caseload_cases

    # Alfa's case in a project Alfa does not coordinate, Beta's in Casa Alfa, a closed one.
    CaseFactory(project=project_beta, holding_organisation=coop_alfa)
    CaseFactory(project=project_alfa, holding_organisation=coop_beta)
    CaseFactory(project=project_alfa, holding_organisation=coop_alfa, closed_on=days_ago(1))
    user = request.getfixturevalue(persona)
    access = access_for(user)
    visible = visible_cases(user=user).filter(closed_on__isnull=True)
    expected = (
        set(visible.filter(access.assignable_cases_q())) if access.may_see_dashboards() else set()
    )
    assert set(caseload_cases(user=user)) == expected
    if persona == "carla":
        assert len(expected) == 5  # Casa Alfa's four open ones and Alfa's in Casa Beta


@pytest.mark.parametrize("persona", ["carla", "alice", "dave", "bruno", "marco"])
def test_the_choices_are_the_projects_workers_and_holders_of_the_caseload(
    request, persona, cases, project_alfa, project_beta, coop_alfa, coop_beta, bruno
):
    """The page's choices are read part by part (Access.assignable_case_values): they
    must be exactly the projects, the assigned workers and the holders of caseload_cases."""
    from beneficiaries.selectors.cases import assignable_workers
    from dashboard.selectors.caseloads import (
        assigning_organisations,
        caseload_cases,
        caseload_projects,
        filterable_workers,
    )
    from partners.models import Organisation
    from projects.models import Project
    from users.models import User

    lent = CaseFactory(project=project_alfa, holding_organisation=coop_beta)
    CaseAssignmentFactory(case=lent, worker=bruno)
    CaseFactory(project=project_beta, holding_organisation=coop_alfa)
    gone = CaseFactory(project=project_beta, holding_organisation=coop_beta, closed_on=days_ago(1))
    CaseAssignmentFactory(case=gone, worker=bruno)
    user = request.getfixturevalue(persona)
    cases = caseload_cases(user=user)
    organisations = set(
        Organisation.objects.filter(
            Q(pk__in=access_for(user).coordinating_organisations) | Q(cases_held__in=cases)
        )
    )
    assert set(assigning_organisations(user=user)) == organisations
    assert set(caseload_projects(user=user)) == set(Project.objects.filter(cases__in=cases))
    assert set(filterable_workers(user=user)) == set(
        User.objects.filter(case_assignments__case__in=cases)
    ) | set(assignable_workers(organisations=list(organisations)))
    if persona == "carla":
        assert {o.name for o in organisations} == {"Cooperativa Alfa", "Cooperativa Beta"}
        assert bruno in filterable_workers(user=user)
