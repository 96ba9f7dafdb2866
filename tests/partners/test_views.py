import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Organisation
from projects.models import Participation
from tests.a11y import accessibility_problems
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("partners:organisation_list")


def queries_for(client, url):
    """The queries of one request, after a first one has warmed any per-process cache.
    Comparing it with a request over many more rows shows an N+1 however many fixed
    queries the middleware and the base template add."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


@pytest.fixture
def consortium(db):
    ccb = OrganisationFactory(
        name="Consorzio Comunità Brianza",
        short_name="CCB",
        slug="ccb",
        kind=Organisation.Kind.CONSORTIUM,
        town="Monza",
        province="MB",
    )
    for name in ["Cooperativa sociale Meta", "Cooperativa sociale Sociosfera"]:
        OrganisationMembershipFactory(member=OrganisationFactory(name=name), parent=ccb)
    return ccb


@pytest.fixture
def pop(consortium):
    pop = OrganisationFactory(
        name="Cooperativa sociale POP",
        short_name="POP",
        slug="pop",
        tax_code="01234567897",
        vat_number="12345678903",
        street="Via Roma 1",
        postcode="20900",
        town="Monza",
        province="MB",
        email="info@pop.example.org",
        pec="pop@pec.example.org",
        phone="039 123 4567",
        website="https://pop.example.org/",
    )
    OrganisationMembershipFactory(member=pop, parent=consortium)
    return pop


def test_logged_out_user_is_sent_to_login(client, pop):
    for url in (LIST_URL, pop.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_directory_lists_organisations_with_kind_town_and_parent(client_for, alice, pop):
    response = client_for(alice).get(LIST_URL)
    assert response.status_code == 200
    html = response.text
    assert "Enti della rete" in html
    assert f'href="{pop.get_absolute_url()}"' in html
    assert "Cooperativa sociale POP" in html
    assert "Consorzio" in html  # the consortium's kind
    assert "Monza (MB)" in html
    assert 'href="/enti/ccb/"' in html  # POP "fa parte di" CCB
    assert accessibility_problems(html) == []


def test_directory_leaves_out_inactive_organisations(client_for, alice, pop):
    OrganisationFactory(name="Cooperativa Chiusa", is_active=False)
    html = client_for(alice).get(LIST_URL).text
    assert "Cooperativa sociale POP" in html
    assert "Cooperativa Chiusa" not in html


def test_filter_by_kind(client_for, alice, pop, consortium):
    MunicipalityFactory(name="Comune di Liscate")
    html = client_for(alice).get(LIST_URL, {"kind": "municipality"}).text
    assert "Comune di Liscate" in html
    assert "Cooperativa sociale POP" not in html
    assert "Consorzio Comunità Brianza" not in html.split("<tbody>")[1]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("pop", True),  # short name, any case
        ("coop pop", True),  # every word must match somewhere
        ("monza", True),  # town
        ("  POP  ", True),
        ("pop liscate", False),
    ],
)
def test_free_text_search(client_for, alice, pop, q, found):
    OrganisationFactory(name="Altra cooperativa", town="Liscate")
    html = client_for(alice).get(LIST_URL, {"q": q}).text
    assert ("Cooperativa sociale POP" in html) is found


def test_search_with_no_result_says_so(client_for, alice, pop):
    response = client_for(alice).get(LIST_URL, {"q": "nessuno-si-chiama-così"})
    assert response.status_code == 200
    assert "Nessun ente corrisponde alla ricerca." in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "nonsense"},
        {"q": "x" * 5000},
        {"q": "pop\x00"},
        {"q": "\u202e\u200b🏠 città ÆØÅ ﷺ", "kind": "social_cooperative"},
        {"kind": ["municipality", "nonsense"]},
        {"page": "-1"},
        {"page": "999999"},
        {"page": "abc"},
    ],
)
def test_bad_filter_values_never_fail(client_for, alice, pop, params):
    response = client_for(alice).get(LIST_URL, params)
    assert response.status_code == 200


def test_unknown_kind_shows_an_error_and_no_results(client_for, alice, pop):
    html = client_for(alice).get(LIST_URL, {"kind": "nonsense"}).text
    assert "La ricerca non è valida" in html
    assert "nonsense non è tra quelle disponibili" in html
    assert "Cooperativa sociale POP" not in html


def test_too_long_search_text_shows_an_error(client_for, alice, pop):
    html = client_for(alice).get(LIST_URL, {"q": "pop" * 100}).text
    assert "La ricerca non è valida" in html
    assert "più di 100 caratteri" in html


def test_directory_is_paginated_by_25_and_keeps_the_filter(client_for, alice):
    for n in range(30):
        OrganisationFactory(name=f"Coop Esempio {n:02d}")
    MunicipalityFactory(name="Comune di Esempio")
    client = client_for(alice)

    first = client.get(LIST_URL, {"q": "coop esempio"}).text
    assert "30 enti" in first
    assert "Coop Esempio 00" in first
    assert "Coop Esempio 24" in first
    assert "Coop Esempio 25" not in first
    assert "Pagina 1 di 2" in first
    assert 'href="?q=coop+esempio&amp;page=2"' in first

    second = client.get(LIST_URL, {"q": "coop esempio", "page": 2}).text
    assert "Coop Esempio 25" in second
    assert "Coop Esempio 29" in second
    assert "Coop Esempio 00" not in second
    assert "Comune di Esempio" not in second
    assert "Pagina 2 di 2" in second


def test_directory_runs_a_fixed_number_of_queries(client_for, alice, django_assert_max_num_queries):
    def add_member_of_a_consortium(n):
        parent = OrganisationFactory(name=f"Consorzio {n}", kind=Organisation.Kind.CONSORTIUM)
        OrganisationMembershipFactory(member=OrganisationFactory(name=f"Coop {n}"), parent=parent)

    client = client_for(alice)
    add_member_of_a_consortium(0)
    few = queries_for(client, LIST_URL)
    for n in range(1, 12):
        add_member_of_a_consortium(n)
    # count, organisations, their parents: the same whatever the number of rows
    with django_assert_max_num_queries(few):
        response = client.get(LIST_URL)
    assert response.text.count('href="/enti/consorzio-') == 24  # row links + parent links


def test_detail_shows_kind_codes_address_and_contacts(client_for, alice, pop):
    response = client_for(alice).get(pop.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert "<h1" in html and "Cooperativa sociale POP</h1>" in html
    assert "Cooperativa sociale</span>" in html  # kind badge
    assert "01234567897" in html
    assert "12345678903" in html
    assert "Via Roma 1" in html
    assert "20900 Monza (MB)" in html
    assert 'href="mailto:info@pop.example.org"' in html
    assert 'href="mailto:pop@pec.example.org"' in html
    assert 'href="tel:0391234567"' in html
    assert 'href="https://pop.example.org/"' in html
    assert accessibility_problems(html) == []


def test_detail_of_municipality_shows_istat_code(client_for, alice):
    liscate = MunicipalityFactory(name="Comune di Liscate", slug="liscate", istat_code="015122")
    html = client_for(alice).get(liscate.get_absolute_url()).text
    assert "Codice ISTAT" in html
    assert "015122" in html


def test_detail_links_parents_and_members(client_for, alice, pop, consortium):
    client = client_for(alice)
    pop_html = client.get(pop.get_absolute_url()).text
    parents = pop_html.split("Fa parte di</h2>")[1].split("</section>")[0]
    assert 'href="/enti/ccb/"' in parents
    assert "Consorzio Comunità Brianza" in parents

    ccb_html = client.get(consortium.get_absolute_url()).text
    members = ccb_html.split("Enti aderenti</h2>")[1].split("</section>")[0]
    assert 'href="/enti/pop/"' in members
    assert "Cooperativa sociale Meta" in members
    assert "Cooperativa sociale Sociosfera" in members
    assert "Non fa parte di altri enti." in ccb_html


def test_detail_lists_projects_with_the_role_in_each(client_for, alice, pop):
    cohousing = ProjectFactory(name="Co-housing Adda Martesana", slug="co-housing")
    desio = ProjectFactory(name="C.A.Se Desio", slug="case-desio")
    ParticipationFactory(
        project=cohousing, organisation=pop, role=Participation.Role.OPERATIONAL_COORDINATOR
    )
    ParticipationFactory(project=desio, organisation=pop, role=Participation.Role.PARTNER)
    ParticipationFactory(project=desio, organisation=pop, role=Participation.Role.LEAD)
    ProjectFactory(name="Progetto senza POP")

    html = client_for(alice).get(pop.get_absolute_url()).text
    rows = html.split("<tbody>")[1].split("</tbody>")[0]
    assert 'href="/progetti/co-housing/"' in rows
    assert "Coordinamento operativo" in rows
    desio_row = rows.split("C.A.Se Desio")[1].split("</tr>")[0]
    assert "Capofila" in desio_row and "Partner" in desio_row
    assert "Progetto senza POP" not in html


def test_detail_never_lists_staff(client_for, alice, coop_alfa):
    colleague = UserFactory(username="colleague", first_name="Giulia", last_name="Sartori")
    StaffMembershipFactory(user=colleague, organisation=coop_alfa)
    html = client_for(alice).get(coop_alfa.get_absolute_url()).text
    assert "Sartori" not in html
    assert "colleague" not in html


def test_inactive_organisation_page_still_opens_and_says_so(client_for, alice):
    closed = OrganisationFactory(name="Cooperativa Chiusa", slug="chiusa", is_active=False)
    response = client_for(alice).get(closed.get_absolute_url())
    assert response.status_code == 200
    assert "Non più attivo" in response.text


def test_unknown_slug_is_404(client_for, alice):
    assert client_for(alice).get("/enti/non-esiste/").status_code == 404


def test_detail_runs_a_fixed_number_of_queries(
    client_for, alice, consortium, django_assert_max_num_queries
):
    def add_project_and_member(n):
        project = ProjectFactory(name=f"Progetto {n}")
        ParticipationFactory(project=project, organisation=consortium)
        project.area_served.add(consortium)
        OrganisationMembershipFactory(
            member=OrganisationFactory(name=f"Aderente {n}"), parent=consortium
        )
        OrganisationMembershipFactory(
            member=consortium, parent=OrganisationFactory(name=f"Rete {n}")
        )

    client = client_for(alice)
    add_project_and_member(0)
    url = consortium.get_absolute_url()
    few = queries_for(client, url)
    for n in range(1, 7):
        add_project_and_member(n)
    # organisation, parents, members, participations, projects serving
    with django_assert_max_num_queries(few):
        html = client.get(url).text
    assert html.count('href="/progetti/progetto-') == 14
