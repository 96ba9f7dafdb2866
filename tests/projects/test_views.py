import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Organisation
from projects.models import Participation, PriorityRule, Project, Service
from tests.a11y import accessibility_problems
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("projects:project_list")
Role = Participation.Role


def queries_for(client, url):
    """The queries of one request, after a first one has warmed any per-process cache.
    Comparing it with a request over many more rows shows an N+1 however many fixed
    queries the middleware and the base template add."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


@pytest.fixture
def cohousing(db):
    """The co-housing of the Adda Martesana union, as the network describes it."""
    project = ProjectFactory(
        name="Co-housing Unione di Comuni Lombarda Adda Martesana",
        short_name="Co-housing Adda Martesana",
        slug="co-housing-adda-martesana",
        kind=Project.Kind.CO_HOUSING,
        status=Project.Status.ACTIVE,
        target_group="Nuclei in condizione di vulnerabilità abitativa.",
        priority_notes="Priorità alle donne con figli.",
        max_stay_months=18,
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    union = OrganisationFactory(
        name="Unione di Comuni Lombarda Adda Martesana",
        slug="unione-adda-martesana",
        kind=Organisation.Kind.UNION_OF_MUNICIPALITIES,
    )
    ParticipationFactory(project=project, organisation=union, role=Role.PROMOTER)
    for name in ["Bellinzago Lombardo", "Liscate", "Pozzuolo Martesana", "Truccazzano"]:
        comune = MunicipalityFactory(name=f"Comune di {name}")
        ParticipationFactory(project=project, organisation=comune, role=Role.PROMOTER)
        project.area_served.add(comune)
    pop = OrganisationFactory(name="Cooperativa sociale POP", short_name="POP", slug="pop")
    ParticipationFactory(project=project, organisation=pop, role=Role.OPERATIONAL_COORDINATOR)
    Service.objects.create(
        project=project, name="Accompagnamento all'autonomia", description="Educatori dedicati."
    )
    PriorityRule.objects.create(
        project=project, criterion=PriorityRule.Criterion.WOMAN_WITH_CHILDREN, points=10
    )
    PriorityRule.objects.create(
        project=project, criterion=PriorityRule.Criterion.EVICTION, points=4
    )
    return project


def test_logged_out_user_is_sent_to_login(client, cohousing):
    for url in (LIST_URL, cohousing.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_list_shows_kind_status_coordinator_and_area(client_for, alice, cohousing):
    response = client_for(alice).get(LIST_URL)
    assert response.status_code == 200
    html = response.text
    row = html.split(f'href="{cohousing.get_absolute_url()}"')[1].split("</tr>")[0]
    assert "Co-housing</td>" in row
    assert "Attivo" in row
    assert 'href="/enti/pop/"' in row
    assert "coordinamento operativo" in row
    assert "Comune di Liscate" in row
    # promoters are on the project page, not in the coordinator column
    assert "/enti/unione-adda-martesana/" not in row
    assert accessibility_problems(html) == []


def test_every_logged_in_user_sees_every_project(client_for, bruno, project_alfa):
    """Projects are not personal data: an outsider to Alfa still sees Casa Alfa."""
    html = client_for(bruno).get(LIST_URL).text
    assert "Casa Alfa" in html
    assert "Casa Beta" in html
    assert client_for(bruno).get(project_alfa.get_absolute_url()).status_code == 200


def test_list_is_paginated(client_for, alice):
    for n in range(27):
        ProjectFactory(name=f"Progetto {n:02d}")
    client = client_for(alice)
    first = client.get(LIST_URL).text
    assert "27 progetti" in first
    assert "Progetto 24" in first and "Progetto 25" not in first
    second = client.get(LIST_URL, {"page": 2}).text
    assert "Progetto 26" in second and "Progetto 00" not in second
    assert client.get(LIST_URL, {"page": "zzz"}).status_code == 200


def test_list_with_no_projects_says_so(client_for, alice):
    assert "Non ci sono ancora progetti." in client_for(alice).get(LIST_URL).text


def test_list_runs_a_fixed_number_of_queries(client_for, alice, django_assert_max_num_queries):
    def add_project(n):
        project = ProjectFactory(name=f"Progetto {n}")
        ParticipationFactory(project=project, role=Role.LEAD)
        ParticipationFactory(project=project, role=Role.PARTNER)
        project.area_served.add(MunicipalityFactory())

    client = client_for(alice)
    add_project(0)
    few = queries_for(client, LIST_URL)
    for n in range(1, 9):
        add_project(n)
    # count, projects, participations with organisations, area served
    with django_assert_max_num_queries(few):
        html = client.get(LIST_URL).text
    assert html.count("(capofila)") == 9


def test_detail_shows_who_does_what_grouped_by_role(client_for, alice, cohousing):
    response = client_for(alice).get(cohousing.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    table = html.split('data-testid="who-does-what"')[1].split("</table>")[0]
    groups = {
        row.split("</th>")[0].rsplit(">", 1)[1]: row.split("</th>")[1]
        for row in table.split("<tbody>")[1].split("</tr>")[:-1]
    }
    assert list(groups) == ["Promotore / finanziatore", "Coordinamento operativo"]
    promoters = groups["Promotore / finanziatore"]
    for name in ["Unione di Comuni Lombarda Adda Martesana", "Comune di Liscate"]:
        assert name in promoters
    assert 'href="/enti/unione-adda-martesana/"' in promoters
    assert 'href="/enti/pop/"' in groups["Coordinamento operativo"]
    assert accessibility_problems(html) == []


def test_detail_shows_services_target_rules_stay_dates_area_and_status(
    client_for, alice, cohousing
):
    html = client_for(alice).get(cohousing.get_absolute_url()).text
    assert "Accompagnamento all&#x27;autonomia" in html
    assert "Nuclei in condizione di vulnerabilità abitativa." in html
    assert "Priorità alle donne con figli." in html
    rules = html.split('data-testid="priority-rules"')[1].split("</table>")[0]
    assert rules.index("Donna con figli minori") < rules.index("Sfratto in corso")
    assert "+10" in rules and "+4" in rules
    assert "18 mesi" in html.split('data-testid="max-stay"')[1].split("</dd>")[0]
    assert "1 marzo 2024" in html
    assert "31 dicembre 2026" in html
    area = html.split('data-testid="area-served"')[1].split("</dd>")[0]
    assert area.count("<li>") == 4
    assert "Comune di Truccazzano" in area
    assert "Attivo" in html.split('data-testid="status"')[1]


def test_detail_of_a_bare_project_does_not_fail(client_for, alice):
    bare = ProjectFactory(
        name="Progetto nuovo", slug="nuovo", max_stay_months=None, status=Project.Status.PLANNED
    )
    html = client_for(alice).get(bare.get_absolute_url()).text
    assert "Nessun ente partecipa ancora al progetto." in html
    assert "Nessun limite" in html
    assert "In avvio" in html


def test_one_month_stay_is_singular(client_for, alice):
    ProjectFactory(name="Breve", slug="breve", max_stay_months=1)
    html = client_for(alice).get("/progetti/breve/").text
    assert "1 mese" in html.split('data-testid="max-stay"')[1].split("</dd>")[0]


def test_unknown_slug_is_404(client_for, alice):
    assert client_for(alice).get("/progetti/non-esiste/").status_code == 404


def test_detail_runs_a_fixed_number_of_queries(
    client_for, alice, cohousing, django_assert_max_num_queries
):
    client = client_for(alice)
    url = cohousing.get_absolute_url()
    few = queries_for(client, url)
    for n in range(6):
        ParticipationFactory(project=cohousing, role=Role.PARTNER)
        cohousing.area_served.add(MunicipalityFactory(name=f"Comune extra {n}"))
        Service.objects.create(project=cohousing, name=f"Servizio {n}")
    for criterion in ["single_parent", "disability", "domestic_violence", "homeless"]:
        PriorityRule.objects.create(project=cohousing, criterion=criterion, points=1)
    # project, participations with organisations, services, priority rules, area served
    with django_assert_max_num_queries(few):
        html = client.get(url).text
    assert html.count("Comune extra") == 6
