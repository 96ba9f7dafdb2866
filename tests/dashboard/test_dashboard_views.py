"""The dashboard pages: who may open them, what they show for a period, bad input, the
exports read back, and a number of queries that does not grow with the data."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.benchmark import create_project
from partners.models import StaffMembership
from tests.a11y import accessibility_problems
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HALF_2025 = {"dal": "2025-01-01", "al": "2025-06-30"}
# The dashboard's query budget: the session and the user, the memberships and the
# coordinated projects, the project, then the indicators (a fixed number each).
# +1 for the appointments without the interpreter they needed (issue 18 A), +2 for the
# ETHOS Light cross-tables, entry to exit and to follow-up (issue 19).
# +2 for the snapshot of the figures (dashboard/figures.py): looked up, then stored, the
# first time they are computed; a page that finds them reads that one row instead of
# every aggregate (tests/dashboard/test_figures.py pins that budget).
MAX_QUERIES = 29
# +3 for the contribution indicators (charged, collected, households in arrears), +1 for
# the out-of-order placements (issue 12, item 6), +2 for the interpreters (issue 18 A: the
# total and by project), +2 for the ETHOS cross-tables (issue 19), +2 for the snapshot.
MAX_NETWORK_QUERIES = 46


@pytest.fixture
def berta(coop_beta, project_beta):
    """The coordinator of cooperative Beta: an outsider to Casa Alfa."""
    user = UserFactory(username="berta", first_name="Berta", last_name="Conti")
    StaffMembershipFactory(user=user, organisation=coop_beta, role=StaffMembership.Role.COORDINATOR)
    return user


def project_url(name="project_dashboard", slug="casa-alfa", **kwargs):
    return reverse(f"dashboard:{name}", kwargs={"slug": slug, **kwargs})


def figures(html: str) -> dict[str, list[str]]:
    """{indicator key: the texts of its figures} read from the indicators' table."""
    rows = re.findall(r'<tr data-indicator="([^"]+)">(.*?)</tr>', html, re.S)
    return {
        key: [
            re.sub(r"<[^>]+>.*", "", cell, flags=re.S).strip()
            for cell in re.findall(r'<td class="figure-cell"[^>]*>(.*?)</td>', body, re.S)
        ]
        for key, body in rows
    }


# Access -----------------------------------------------------------------------------------


DASHBOARD_URLS = [
    lambda: project_url(),
    lambda: project_url("project_dashboard_print"),
    lambda: project_url("project_dashboard_export", table="indicatori", fmt="csv"),
    lambda: reverse("dashboard:dashboard"),
    lambda: reverse("dashboard:dashboard_print"),
    lambda: reverse("dashboard:dashboard_export", kwargs={"table": "indicatori", "fmt": "xlsx"}),
    lambda: reverse("dashboard:caseloads"),
    lambda: reverse("dashboard:caseloads_export", kwargs={"table": "operatori", "fmt": "csv"}),
]


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_the_coordinator_opens_every_page(client_for, carla, world, url):
    response = client_for(carla).get(url(), HALF_2025)
    assert response.status_code == 200


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_a_social_worker_is_refused(client_for, alice, world, url):
    assert client_for(alice).get(url(), HALF_2025).status_code == 403


@pytest.mark.parametrize("name", ["project_dashboard", "project_dashboard_print"])
def test_the_coordinator_of_another_project_gets_404(client_for, berta, world, name):
    assert client_for(berta).get(project_url(name), HALF_2025).status_code == 404
    # ...and sees their own project.
    assert client_for(berta).get(project_url(name, slug="casa-beta")).status_code == 200


def test_an_outsider_cannot_export_another_projects_figures(client_for, berta, world):
    url = project_url("project_dashboard_export", table="indicatori", fmt="xlsx")
    assert client_for(berta).get(url, HALF_2025).status_code == 404


def test_an_unknown_project_is_404(client_for, carla, world):
    assert client_for(carla).get(project_url(slug="non-esiste")).status_code == 404


def test_the_network_view_shows_only_the_coordinated_projects(client_for, berta, world):
    html = client_for(berta).get(reverse("dashboard:dashboard"), HALF_2025).content.decode()
    assert "Casa Beta" in html
    assert "Casa Alfa" not in html


def test_the_navigation_offers_the_dashboard_to_coordinators_only(client_for, carla, alice):
    html = client_for(carla).get(reverse("home")).content.decode()
    assert reverse("dashboard:dashboard") in html
    html = client_for(alice).get(reverse("home")).content.decode()
    assert reverse("dashboard:dashboard") not in html


# What the pages show ----------------------------------------------------------------------


def test_the_project_dashboard_shows_the_figures_of_the_period(client_for, carla, world):
    response = client_for(carla).get(project_url(), HALF_2025)
    html = response.content.decode()
    shown = figures(html)
    # The hand-counted figures of tests/dashboard/test_indicators.py.
    assert shown["households"] == ["6"]
    assert shown["referrals_accepted"] == ["66,7 %"]
    assert shown["days_to_placement"] == ["36"], "whole days without a spurious ',0'"
    assert shown["exits_stable_share"] == ["33,3 %"]
    assert shown["autonomy_change"] == ["+0,25"]
    # Each figure with its definition beside it.
    assert "Segnalazioni inviate al progetto nel periodo. Le bozze non contano." in html
    assert accessibility_problems(html) == []


def test_a_different_period_gives_different_figures(client_for, carla, world):
    client = client_for(carla)
    first = figures(client.get(project_url(), HALF_2025).content.decode())
    second = figures(
        client.get(project_url(), {"dal": "2025-05-01", "al": "2025-05-31"}).content.decode()
    )
    # In May: H2, H7 and H10 are followed (H1 too), one referral (H7's), H2's exit.
    assert second["referrals_new"] == ["1"]
    assert second["exits"] == ["1"]
    assert first["referrals_new"] != second["referrals_new"]


def test_without_a_period_the_year_so_far_is_shown(client_for, carla, world):
    response = client_for(carla).get(project_url())
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cleaned_data["al"] == datetime.date.today()
    assert form.cleaned_data["dal"] == datetime.date.today().replace(month=1, day=1)


def test_the_network_view_splits_per_project_municipality_and_district(client_for, carla, world):
    client = client_for(carla)
    per_project = client.get(reverse("dashboard:dashboard"), HALF_2025).content.decode()
    assert figures(per_project)["households"] == ["6", "6"]  # Casa Alfa, and the total
    per_municipality = client.get(
        reverse("dashboard:dashboard"), {**HALF_2025, "per": "comune"}
    ).content.decode()
    assert "Comune Due" in per_municipality
    assert "Senza comune inviante" in per_municipality
    # Places are not split by municipality: a dash, and the reason in the definition.
    assert figures(per_municipality)["occupancy"][0] == "—"
    per_district = client.get(
        reverse("dashboard:dashboard"), {**HALF_2025, "per": "ambito"}
    ).content.decode()
    assert "Ambito Uno" in per_district
    assert accessibility_problems(per_district) == []


def test_the_charts_are_accessible_svg_with_their_tables(client_for, carla, world):
    html = client_for(carla).get(project_url(), HALF_2025).content.decode()
    assert html.count('role="img"') == 2
    assert '<title id="trend-title">Andamento mensile dal 01/01/2025 al 30/06/2025</title>' in html
    assert 'data-testid="trend-table"' in html and 'data-testid="exits-table"' in html
    # A point of the trend: one referral in January.
    assert "gennaio 2025: segnalazioni nuove 1" in html


def test_the_printable_page_has_the_period_and_no_navigation_in_print(client_for, carla, world):
    html = client_for(carla).get(project_url("project_dashboard_print"), HALF_2025).content.decode()
    assert 'data-testid="printable-report"' in html
    assert "Periodo: dal 1 gennaio 2025 al 30 giugno 2025" in html
    assert "dashboard/print.js" in html
    assert figures(html)["households"] == ["6"]
    assert accessibility_problems(html) == []


# Bad input ----------------------------------------------------------------------------------


def test_a_period_ending_before_it_starts_is_explained(client_for, carla, world):
    response = client_for(carla).get(project_url(), {"dal": "2025-06-30", "al": "2025-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "La fine del periodo (01/01/2025) non può precedere l&#x27;inizio (30/06/2025)" in html
    assert 'data-testid="indicators"' not in html


def test_a_year_before_the_network_existed_is_explained(client_for, carla, world):
    """Year 0001 (a slip of the keyboard) is refused with a message, not a server error
    (the ages of the people served were computed from it)."""
    response = client_for(carla).get(project_url(), {"dal": "0001-01-01", "al": "0001-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Scegli una data dal 01/01/1990 in poi." in html
    assert 'data-testid="indicators"' not in html


def test_a_date_that_is_not_a_date_is_explained(client_for, carla, world):
    response = client_for(carla).get(reverse("dashboard:dashboard"), {"dal": "ieri", "al": "oggi"})
    assert response.status_code == 400
    assert "Inserisci una data valida" in response.content.decode()


def test_an_absurdly_long_period_is_refused(client_for, carla, world):
    response = client_for(carla).get(project_url(), {"dal": "1990-01-01", "al": "9999-12-31"})
    assert response.status_code == 400
    assert "al massimo 10 anni" in response.content.decode()


def test_an_unknown_export_format_is_explained(client_for, carla, world):
    url = project_url("project_dashboard_export", table="indicatori", fmt="pdf")
    response = client_for(carla).get(url, HALF_2025)
    assert response.status_code == 400
    assert "Formato di esportazione sconosciuto: «pdf»" in response.content.decode()


def test_an_unknown_table_is_explained(client_for, carla, world):
    url = reverse("dashboard:dashboard_export", kwargs={"table": "segreti", "fmt": "csv"})
    response = client_for(carla).get(url, HALF_2025)
    assert response.status_code == 400
    assert "Tabella sconosciuta: «segreti»" in response.content.decode()


def test_an_export_of_a_wrong_period_is_explained(client_for, carla, world):
    url = project_url("project_dashboard_export", table="indicatori", fmt="csv")
    response = client_for(carla).get(url, {"dal": "2025-06-30", "al": "2025-01-01"})
    assert response.status_code == 400
    assert "Il periodo non è valido" in response.content.decode()


def test_an_unknown_split_is_explained(client_for, carla, world):
    response = client_for(carla).get(reverse("dashboard:dashboard"), {"per": "pianeta"})
    assert response.status_code == 400
    assert "Suddivisione sconosciuta: «pianeta»" in response.content.decode()


# Exports ------------------------------------------------------------------------------------


def test_the_indicators_in_csv_read_back_as_on_the_page(client_for, carla, world):
    client = client_for(carla)
    shown = figures(client.get(project_url(), HALF_2025).content.decode())
    url = project_url("project_dashboard_export", table="indicatori", fmt="csv")
    response = client.get(url, HALF_2025)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="cruscotto-casa-alfa-2025-01-01-2025-06-30-indicatori.csv"'
        in (response["Content-Disposition"])
    )
    # The Italian dialect: semicolons and the decimal comma.
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Indicatore", "Valore", "Unità", "Base di calcolo", "Definizione"]
    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["Nuclei seguiti"][1] == "6"
    assert by_label["Segnalazioni accolte"][1:4] == ["66,7", "%", "2 su 3"]
    assert len(rows) - 1 == len(shown)


def test_the_indicators_in_the_international_csv(client_for, carla, world):
    url = project_url("project_dashboard_export", table="indicatori", fmt="csv-intl")
    response = client_for(carla).get(url, HALF_2025)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-indicatori.csv"')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["Segnalazioni accolte"][1:4] == ["66.7", "%", "2 su 3"]


def test_the_indicators_in_xlsx_read_back_as_on_the_page(client_for, carla, world):
    from openpyxl import load_workbook

    client = client_for(carla)
    shown = figures(client.get(project_url(), HALF_2025).content.decode())
    url = project_url("project_dashboard_export", table="indicatori", fmt="xlsx")
    response = client.get(url, HALF_2025)
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    labels_in_order = [row[0] for row in rows[1:]]
    assert labels_in_order[0] == "Nuclei seguiti"
    assert len(labels_in_order) == len(shown)
    for (key, texts), row in zip(shown.items(), rows[1:], strict=True):
        assert page_number(texts[0]) == row[1], key
    info = dict(workbook["Informazioni"].iter_rows(min_row=3, values_only=True))
    assert info["Periodo"] == "dal 01/01/2025 al 30/06/2025"


def page_number(text: str):
    """A figure as the page writes it ("1.234", "66,7 %", "+0,25", "—"), as a number."""
    if text == "—":
        return None
    number = text.replace("%", "").replace("+", "").replace(".", "").replace(",", ".").strip()
    return float(number) if "." in number else int(number)


def test_the_monthly_trend_and_the_exits_export(client_for, carla, world):
    from openpyxl import load_workbook

    client = client_for(carla)
    trend = client.get(
        project_url("project_dashboard_export", table="andamento", fmt="xlsx"), HALF_2025
    )
    rows = list(load_workbook(io.BytesIO(trend.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("gennaio 2025", 1, 1, 1)
    exits = client.get(
        project_url("project_dashboard_export", table="uscite", fmt="csv"), HALF_2025
    )
    lines = list(csv.reader(io.StringIO(exits.content.decode("utf-8-sig")), delimiter=";"))
    # Placement exits then case exits: H2 to an own rented home for both (1 of 3 each).
    assert lines[1] == ["Soluzione stabile", "1", "33,3", "1", "33,3"]


def test_the_network_export_has_a_column_per_project_and_a_total(client_for, carla, world):
    url = reverse("dashboard:dashboard_export", kwargs={"table": "indicatori", "fmt": "csv"})
    response = client_for(carla).get(url, HALF_2025)
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header == ["Indicatore", "Unità", "Casa Alfa", "Totale", "Definizione"]


# Queries --------------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page",
    [
        lambda data: (
            project_url(slug=data.project.slug),
            {"dal": "2020-01-01", "al": "2030-12-31"},
        ),
        lambda data: (reverse("dashboard:dashboard"), {"dal": "2020-01-01", "al": "2030-12-31"}),
        lambda data: (reverse("dashboard:dashboard"), {"per": "ambito"}),
        lambda data: (reverse("dashboard:caseloads"), {}),
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_data(client, page):
    counts = []
    for households in (20, 200):
        data = create_project(households=households, seed=households)
        client.force_login(data.coordinator)
        url, params = page(data)
        counts.append(count_queries(client, url, params))
    assert counts[0] == counts[1]
    assert counts[0] <= MAX_NETWORK_QUERIES


def test_the_dashboard_of_5000_households_stays_within_its_query_budget(
    client, django_assert_max_num_queries
):
    from beneficiaries.models import Case

    data = create_project(households=5000)
    client.force_login(data.coordinator)
    today = datetime.date.today()
    # The generator spreads three years of pathways before today.
    years = {"dal": today.replace(year=today.year - 4).isoformat(), "al": today.isoformat()}
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(project_url(slug=data.project.slug), years)
    assert response.status_code == 200
    cases = Case.objects.filter(project=data.project).count()
    assert cases > 3000
    assert figures(response.content.decode())["households"] == [f"{cases:,}".replace(",", ".")]
    with django_assert_max_num_queries(MAX_NETWORK_QUERIES):
        assert client.get(reverse("dashboard:dashboard"), years).status_code == 200
    with django_assert_max_num_queries(MAX_NETWORK_QUERIES):
        assert client.get(reverse("dashboard:caseloads")).status_code == 200


def test_a_coordinator_without_projects_is_told_so(client_for, world):
    from tests.factories import OrganisationFactory

    gamma = OrganisationFactory(name="Cooperativa Gamma", slug="gamma")
    gina = UserFactory(username="gina")
    StaffMembershipFactory(user=gina, organisation=gamma, role=StaffMembership.Role.COORDINATOR)
    response = client_for(gina).get(reverse("dashboard:dashboard"))
    assert response.status_code == 200
    assert 'data-testid="no-projects"' in response.content.decode()
    assert client_for(gina).get(project_url()).status_code == 404
