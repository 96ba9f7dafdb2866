"""The reporting pages (issue 19) on the world of tests/dashboard/reporting_world.py: what
each shows, the files they give, who may open them (the scoping matrix), their query
budgets, the SIUSS export's columns and codes, and the renewals of temporary housing."""

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from dashboard.models import FigureSnapshot, SiussCode
from dashboard.selectors import siuss
from housing import services as housing_services
from housing.models import Placement, PlacementRenewal
from partners.models import StaffMembership
from projects.models import Project
from tests.a11y import accessibility_problems
from tests.dashboard import reporting_world
from tests.dashboard.reporting_world import D
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = StaffMembership.Role
PERIOD = {"dal": "2024-01-01", "al": "2025-12-31"}


@pytest.fixture
def world(project_alfa, project_beta, coop_alfa, coop_beta, comune_uno, siuss_codes):
    return reporting_world.build(
        project_alfa=project_alfa,
        project_beta=project_beta,
        coop_alfa=coop_alfa,
        coop_beta=coop_beta,
        comune_uno=comune_uno,
    )


@pytest.fixture
def beata(coop_beta, project_beta):
    """The coordinator of Cooperativa Beta, lead of Casa Beta only."""
    user = UserFactory(username="beata")
    StaffMembershipFactory(user=user, organisation=coop_beta, role=Role.COORDINATOR)
    return user


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))


# The reporting page -----------------------------------------------------------------


def test_the_reporting_page_shows_each_figure_with_its_definition(client_for, carla, world):
    response = client_for(carla).get(reverse("dashboard:reporting"), {**PERIOD, "per": "progetto"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-indicator="hf_retention_6"' in html
    assert "66,7 %" in html  # Casa Alfa's retention at 6 months: 2 of 3
    assert "Mantenimento dell&#x27;alloggio a 6 mesi" in html
    assert "182 giorni" in html  # the definition beside it
    assert 'data-testid="ethos-exit"' in html and 'data-testid="ethos-follow_up"' in html
    assert accessibility_problems(html) == []


def test_the_reporting_page_per_ambito_names_the_projects_ambito(client_for, carla, world):
    html = client_for(carla).get(reverse("dashboard:reporting"), {**PERIOD, "per": "ambito"})
    assert "Ambito Uno" in html.content.decode()


def test_the_figures_export_has_the_values_and_definitions(client_for, carla, world):
    url = reverse("dashboard:reporting_export", args=["cifre", "csv"])
    response = client_for(carla).get(url, PERIOD)
    assert response.status_code == 200
    rows = {row["Indicatore"]: row for row in rows_of(response)}
    retention = rows["Mantenimento dell'alloggio a 6 mesi"]
    assert retention["Totale"] == "66,7"
    assert "182 giorni" in retention["Definizione"]


def test_the_ethos_export_is_the_cross_table(client_for, carla, world):
    url = reverse("dashboard:reporting_export", args=["ethos-uscita", "xlsx"])
    response = client_for(carla).get(url, {**PERIOD, "per": "comune"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    street = next(row for row in values if str(row[0]).startswith("1."))
    # A2 went from the street (1) to not homeless (the seventh column after the label).
    assert street[7] == 1 and street[-1] == 1
    assert values[-1][-1] == 3  # every exit of the period: A2, A3, A5


def test_bad_input_is_a_clear_400(client_for, carla, world):
    client = client_for(carla)
    assert client.get(reverse("dashboard:reporting"), {**PERIOD, "per": "x"}).status_code == 400
    bad = client.get(reverse("dashboard:reporting"), {"dal": "2025-02-01", "al": "2025-01-01"})
    assert bad.status_code == 400
    assert "non può precedere" in bad.content.decode()
    assert (
        client.get(reverse("dashboard:reporting_export", args=["cifre", "pdf"]), PERIOD).status_code
        == 400
    )


def test_the_ethos_movement_is_on_the_project_dashboard(client_for, carla, world):
    url = reverse("dashboard:project_dashboard", kwargs={"slug": "casa-alfa"})
    html = client_for(carla).get(url, PERIOD).content.decode()
    assert 'data-testid="ethos-movement"' in html
    assert "ETHOS Light dall&#x27;ingresso all&#x27;uscita: 3 nuclei" in html


# Temporary housing --------------------------------------------------------------------


@pytest.fixture
def temporary(world):
    Project.objects.filter(pk=world.alfa.pk).update(
        kind=Project.Kind.TEMPORARY_HOUSING, max_stay_months=18
    )
    a1 = world.placements["A1"]
    a1.planned_end_date = D(2025, 7, 11)
    a1.save()
    PlacementRenewal.objects.create(
        placement=a1, months=6, decision="granted", decided_on=D(2025, 6, 1), reason="Lavoro."
    )
    PlacementRenewal.objects.create(
        placement=a1, months=6, decision="refused", decided_on=D(2026, 1, 10), reason="No."
    )
    return world


def test_the_monitoring_table_counts_households_people_and_renewals(client_for, carla, temporary):
    response = client_for(carla).get(reverse("dashboard:temporary_monitoring"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    cells = [
        cell.strip()
        for cell in html.split('data-testid="monitoring-cell">')[1:]
        for cell in [cell.split("<")[0]]
    ]
    # Households A1-A5; people 2+1+1+3+1; minors: A1's child (2015) and A4's (2020);
    # entries A1-A4; exits A2, A3, A5; average stay (184 + 61 + 244) / 3 = 163;
    # ongoing at the end: A1, A4; one renewal granted in the period (the refusal is after).
    assert cells == ["5", "8", "2", "4", "3", "163,0", "2", "1", "0"]
    assert accessibility_problems(html) == []


def test_the_monitoring_table_filters_on_the_ambito(client_for, carla, temporary):
    client = client_for(carla)
    url = reverse("dashboard:temporary_monitoring")
    assert (
        "Casa Alfa" in client.get(url, {**PERIOD, "ambito": temporary.ambito.pk}).content.decode()
    )
    assert client.get(url, {**PERIOD, "ambito": "999999"}).status_code == 400
    export = client.get(
        reverse("dashboard:temporary_monitoring_export", args=["csv"]),
        {**PERIOD, "ambito": temporary.ambito.pk},
    )
    (row,) = rows_of(export)
    assert row["Progetto"] == "Casa Alfa" and row["Ambito"] == "Ambito Uno"
    assert row["Proroghe concesse"] == "1"


# Renewals -----------------------------------------------------------------------------


def test_a_granted_renewal_moves_the_planned_end(carla, temporary):
    placement = Placement.objects.get(pk=temporary.placements["A4"].pk)
    placement.planned_end_date = D(2026, 4, 1)
    placement.save()
    renewal = housing_services.placement_renew(
        user=carla,
        placement=placement,
        months=6,
        decision="granted",
        decided_on=D(2026, 3, 1),
        reason="Contratto di lavoro in arrivo.",
    )
    placement.refresh_from_db()
    assert placement.planned_end_date == D(2026, 10, 1)
    assert (renewal.previous_end_date, renewal.new_end_date) == (D(2026, 4, 1), D(2026, 10, 1))
    assert AuditEvent.objects.filter(model_label="housing.PlacementRenewal").count() == 1


def test_a_refused_renewal_keeps_the_end_and_a_reason_is_required(carla, temporary):
    placement = temporary.placements["A4"]
    placement.planned_end_date = D(2026, 4, 1)
    placement.save()
    housing_services.placement_renew(
        user=carla, placement=placement, months=3, decision="refused",
        decided_on=D(2026, 3, 1), reason="Obiettivi non avviati.",
    )  # fmt: skip
    placement.refresh_from_db()
    assert placement.planned_end_date == D(2026, 4, 1)
    with pytest.raises(ValidationError) as error:
        housing_services.placement_renew(
            user=carla, placement=placement, months=0, decision="granted",
            decided_on=datetime.date(2099, 1, 1), reason="  ",
        )  # fmt: skip
    assert set(error.value.message_dict) == {"months", "decided_on", "reason"}
    assert PlacementRenewal.objects.filter(placement=placement).count() == 1


def test_only_the_coordinators_renew(alice, temporary):
    with pytest.raises(PermissionDenied):
        housing_services.placement_renew(
            user=alice, placement=temporary.placements["A4"], months=3, decision="refused",
            decided_on=D(2026, 3, 1), reason="x",
        )  # fmt: skip


def test_the_renewal_page_records_and_shows_the_time_left(client_for, carla, temporary):
    placement = temporary.placements["A4"]
    placement.planned_end_date = datetime.date.today() + datetime.timedelta(days=10)
    placement.save()
    url = reverse("housing:placement_renew", kwargs={"public_id": placement.public_id})
    client = client_for(carla)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"months": "2", "decision": "granted", "decided_on": datetime.date.today().isoformat(),
         "reason": "Ricerca casa in corso."},
    )  # fmt: skip
    assert response.status_code == 302
    html = client.get(placement.get_absolute_url()).content.decode()
    assert 'data-testid="time-left"' in html
    assert "Proroga di 2 mesi: Concessa" in html
    bad = client.post(url, {"months": "1", "decision": "granted", "decided_on": "", "reason": ""})
    assert bad.status_code == 200 and PlacementRenewal.objects.count() == 3


# The SIUSS export ---------------------------------------------------------------------


def test_the_siuss_export_has_one_row_per_person_and_intervention(client_for, marco, world):
    url = reverse("dashboard:siuss_export", args=["csv"])
    response = client_for(marco).get(url, PERIOD)
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows[0]) == list(siuss.COLUMNS)
    # Comune Uno sent A1-A5 (A5's case is open in 2024 too): per person, the case and
    # each placement in the period. A1: 2 people x (case + 1 placement) = 4; A2: 1 x (case
    # + 2 placements) = 3; A3: 2; A4: 3 x 2 = 6; A5: 2. Beta's B1 is not Comune Uno's.
    assert len(rows) == 4 + 3 + 2 + 6 + 2
    a2 = [r for r in rows if r["id_nucleo"] == str(world.households["A2"].public_id)]
    project_code = SiussCode.objects.get(kind="intervention", key=world.alfa.kind).code
    assert sorted(r["codice_intervento"] for r in a2) == sorted(
        ["ABI-ALLOGGIO", "ABI-ALLOGGIO", project_code]
    )
    # The condition at exit when recorded (A2 left not homeless), else at entry.
    assert {r["codice_condizione_abitativa"] for r in a2} == {"ABI-ETHOS-0"}
    a1 = [r for r in rows if r["id_nucleo"] == str(world.households["A1"].public_id)]
    assert {r["codice_condizione_abitativa"] for r in a1} == {"ABI-ETHOS-2"}
    child = [r for r in a1 if r["data_nascita"] == "01/01/2015"]
    assert all("ABI-MINORE" in r["codici_caratteristiche"] for r in child)
    assert {r["codici_verificati"] for r in rows} == {"no"}
    assert AuditEvent.objects.filter(object_repr__contains="siuss-export").count() == 1


def test_the_siuss_codes_follow_the_admins_mapping(client_for, marco, world):
    SiussCode.objects.filter(kind="intervention", key=world.alfa.kind).update(
        code="A-OFFICIAL", verified=True
    )
    SiussCode.objects.filter(kind="housing_condition").update(verified=True)
    url = reverse("dashboard:siuss_export", args=["xlsx"])
    response = client_for(marco).get(url, PERIOD)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]
    case_rows = [r for r in rows if r["codice_intervento"] == "A-OFFICIAL"]
    assert len(case_rows) == 2 + 1 + 1 + 3 + 1  # one per person
    # A case row of a household with no characteristics is all verified now.
    a3 = [r for r in case_rows if r["id_nucleo"] == str(world.households["A3"].public_id)]
    assert a3[0]["codici_verificati"] == "sì"


def test_the_siuss_page_offers_the_downloads(client_for, marco, world):
    response = client_for(marco).get(reverse("dashboard:siuss"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="siuss-csv"' in html
    assert accessibility_problems(html) == []


def test_another_organisation_cannot_export_comune_unos_households(
    client_for, bruno, world, comune_uno
):
    url = reverse("dashboard:siuss_export", args=["csv"])
    response = client_for(bruno).get(url, {**PERIOD, "ente": comune_uno.pk})
    assert response.status_code == 400  # not among the organisations bruno works for
    # Bruno's own organisation sent B1: his export has it and nothing of Comune Uno.
    rows = rows_of(client_for(bruno).get(url, PERIOD))
    assert {r["id_nucleo"] for r in rows} == {str(world.households["B1"].public_id)}


# The funder's report ------------------------------------------------------------------


def test_the_funder_report_prints_figures_definitions_and_households(client_for, carla, world):
    url = reverse("dashboard:funder_report", kwargs={"slug": "casa-alfa"})
    response = client_for(carla).get(url, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-indicator="hf_people_six_months"' in html
    assert 'data-indicator="households"' in html  # the dashboard's indicators too
    assert html.count('data-testid="households-behind"') == 1
    assert str(world.households["A2"]) in html
    assert str(world.households["B1"]) not in html
    assert accessibility_problems(html) == []


def test_the_funder_workbook_has_a_sheet_per_table(client_for, carla, world):
    url = reverse("dashboard:funder_report_xlsx", kwargs={"slug": "casa-alfa"})
    response = client_for(carla).get(url, PERIOD)
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "Informazioni"
    assert "Nuclei dietro le cifre" in workbook.sheetnames
    hf = workbook["Housing First ed ETHOS"]
    labels = {row[0].value: row[1].value for row in hf.iter_rows(2)}
    assert labels["Persone alloggiate da almeno 6 mesi"] == 4
    households = workbook["Nuclei dietro le cifre"]
    assert households.max_row == 1 + 5  # A1-A5


# Who may open what (the scoping matrix) ------------------------------------------------

REPORTING_URLS = [
    ("reporting", lambda w: reverse("dashboard:reporting")),
    ("reporting_export", lambda w: reverse("dashboard:reporting_export", args=["cifre", "csv"])),
    ("temporary", lambda w: reverse("dashboard:temporary_monitoring")),
    (
        "temporary_export",
        lambda w: reverse("dashboard:temporary_monitoring_export", args=["csv"]),
    ),
    ("funder", lambda w: reverse("dashboard:funder_report", kwargs={"slug": "casa-alfa"})),
    (
        "funder_xlsx",
        lambda w: reverse("dashboard:funder_report_xlsx", kwargs={"slug": "casa-alfa"}),
    ),
    (
        "renew",
        lambda w: reverse(
            "housing:placement_renew", kwargs={"public_id": w.placements["A4"].public_id}
        ),
    ),
]

# (page, persona) → status: the coordinator of another organisation is a 404 on Casa
# Alfa's pages; a worker or a referrer may not report (403).
EXPECTED = {
    "carla": dict.fromkeys((name for name, _u in REPORTING_URLS), 200),
    "beata": {
        "reporting": 200,
        "reporting_export": 200,
        "temporary": 200,
        "temporary_export": 200,
        "funder": 404,
        "funder_xlsx": 404,
        "renew": 404,
    },
    "alice": {**dict.fromkeys((n for n, _u in REPORTING_URLS), 403), "renew": 403},
    "marco": {**dict.fromkeys((n for n, _u in REPORTING_URLS), 403), "renew": 404},
}


@pytest.mark.parametrize("persona", list(EXPECTED))
@pytest.mark.parametrize("page", [name for name, _url in REPORTING_URLS])
def test_scoping_matrix(request, client_for, world, persona, page):
    user = request.getfixturevalue(persona)
    url = dict(REPORTING_URLS)[page](world)
    if page == "renew":
        placement = world.placements["A4"]
        placement.planned_end_date = D(2026, 4, 1)
        placement.save()
    response = client_for(user).get(url, PERIOD)
    assert response.status_code == EXPECTED[persona][page]


def test_a_referrer_exports_only_what_it_sent(client_for, marco, world):
    rows = rows_of(client_for(marco).get(reverse("dashboard:siuss_export", args=["csv"]), PERIOD))
    assert str(world.households["B1"].public_id) not in {r["id_nucleo"] for r in rows}


def test_someone_with_no_frontline_role_may_not_export(client_for, coop_alfa, world):
    admin_of_alfa = UserFactory(username="amministra")
    StaffMembershipFactory(user=admin_of_alfa, organisation=coop_alfa, role=Role.ORGANISATION_ADMIN)
    url = reverse("dashboard:siuss_export", args=["csv"])
    assert client_for(admin_of_alfa).get(url, PERIOD).status_code == 403


# Query budgets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "reading", "computing"),
    [
        # Reading the figures' snapshot (dashboard/figures.py), or computing them: the
        # 17 queries of before, +1 to look the snapshot up and +1 to store it.
        (lambda: reverse("dashboard:reporting"), {**PERIOD, "per": "ambito"}, 9, 19),
        (lambda: reverse("dashboard:temporary_monitoring"), PERIOD, 11, 11),
        # The funder's report includes the dashboard's indicators (the interpreters' too):
        # two snapshots, the reporting's and the project dashboard's own (shared with that
        # page, so computed with its months and ETHOS tables): 37 of before, +2 for each
        # snapshot, +3 months and +2 ETHOS tables of the dashboard's.
        (
            lambda: reverse("dashboard:funder_report", kwargs={"slug": "casa-alfa"}),
            PERIOD,
            13,
            46,
        ),
    ],
)
def test_the_coordinators_pages_have_a_fixed_query_budget(
    client_for, carla, world, django_assert_num_queries, url, params, reading, computing
):
    client = client_for(carla)
    client.get(url(), params)  # the session's first queries out of the way
    with django_assert_num_queries(reading):
        assert client.get(url(), params).status_code == 200
    FigureSnapshot.objects.all().delete()
    with django_assert_num_queries(computing):
        assert client.get(url(), params).status_code == 200


def test_the_siuss_export_has_a_fixed_query_budget(
    client_for, marco, world, django_assert_num_queries
):
    client = client_for(marco)
    url = reverse("dashboard:siuss_export", args=["csv"])
    client.get(url, PERIOD)
    with django_assert_num_queries(11):
        assert client.get(url, PERIOD).status_code == 200


def test_the_siuss_page_without_a_period_takes_the_year_so_far(client_for, marco, world):
    response = client_for(marco).get(reverse("dashboard:siuss"))
    assert response.status_code == 200
    assert 'data-testid="siuss-csv"' in response.content.decode()


def test_the_renewal_and_siuss_pages_have_a_fixed_query_budget(
    client_for, carla, marco, temporary, django_assert_num_queries
):
    placement = temporary.placements["A1"]
    url = reverse("housing:placement_renew", kwargs={"public_id": placement.public_id})
    client = client_for(carla)
    client.get(url)
    with django_assert_num_queries(RENEWAL_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    client = client_for(marco)
    client.get(reverse("dashboard:siuss"))
    with django_assert_num_queries(SIUSS_PAGE_QUERIES):
        assert client.get(reverse("dashboard:siuss")).status_code == 200


RENEWAL_PAGE_QUERIES = 8
SIUSS_PAGE_QUERIES = 7


def test_the_reporting_figures_are_kept_and_computed_again_on_request(
    client_for, carla, alice, world
):
    url = f"{reverse('dashboard:reporting')}?{urlencode(PERIOD)}"
    html = client_for(carla).get(url).content.decode()
    assert "Cifre calcolate il" in html
    assert "Ricalcola ora" in html
    first = FigureSnapshot.objects.get(kind="reporting").computed_at
    response = client_for(carla).post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert FigureSnapshot.objects.get(kind="reporting").computed_at > first
    # The funder's report reads the same figures and says when they were computed.
    funder = reverse("dashboard:funder_report", kwargs={"slug": "casa-alfa"})
    assert "Cifre calcolate il" in client_for(carla).get(funder, PERIOD).content.decode()
    # A social worker may not have them computed.
    assert client_for(alice).post(url).status_code == 403
