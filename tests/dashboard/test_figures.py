"""The dashboards' figures are computed once and kept (dashboard/figures.py): a page that
finds its snapshot reads one row instead of every aggregate, shows when the figures were
computed, has them computed again in the background once they are older than the
freshness window, and on "Ricalcola ora"; the night job computes the year of every
coordinated project and network."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard import figures
from dashboard.forms import default_period
from dashboard.indicators import Dimension, Period, pages
from dashboard.indicators.housing_first import Split
from dashboard.models import FigureSnapshot
from dashboard.selectors import my_day as my_day_selectors
from tests.dashboard.test_dashboard_views import (  # noqa: F401 - berta is a fixture
    HALF_2025,
    berta,
    project_url,
)
from tests.dashboard.test_dashboard_views import figures as shown_figures
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

# A page that finds its figures: the session and the user, the memberships and the
# coordinated projects, the project, the snapshot. Not one aggregate.
MAX_QUERIES_READING_A_SNAPSHOT = 6


def one_more_household_served(world, coop_alfa):
    """A case of Casa Alfa open in the period: the households served go from 6 to 7."""
    CaseFactory(
        project=world.project,
        holding_organisation=coop_alfa,
        opened_on=datetime.date(2025, 3, 1),
    )


def age(minutes: int) -> None:
    """Make every snapshot `minutes` older."""
    for snapshot in FigureSnapshot.objects.all():
        snapshot.computed_at -= datetime.timedelta(minutes=minutes)
        snapshot.save(update_fields=["computed_at"])


def households(client) -> list[str]:
    return shown_figures(client.get(project_url(), HALF_2025).content.decode())["households"]


def test_the_codec_gives_back_what_it_was_given():
    value = {
        "total": {None: 3, 7: 1.5, "total": Decimal("2.50")},
        (1, "a"): [datetime.date(2025, 2, 28), datetime.datetime(2025, 1, 1, 9, 30)],
        "nested": ({"x": [True, None]},),
    }
    assert figures.decode(figures.encode(value)) == value
    # A list and a tuple stay what they were.
    assert figures.decode(figures.encode([(1, 2)])) == [(1, 2)]
    with pytest.raises(TypeError):
        figures.encode({"a": object()})


def test_a_second_view_reads_the_snapshot_not_the_aggregates(client_for, carla, world):
    client = client_for(carla)
    first = client.get(project_url(), HALF_2025).content.decode()
    assert FigureSnapshot.objects.count() == 1
    with CaptureQueriesContext(connection) as queries:
        second = client.get(project_url(), HALF_2025).content.decode()
    assert len(queries) <= MAX_QUERIES_READING_A_SNAPSHOT
    # The same figures either way: what was stored is what was computed.
    assert shown_figures(second) == shown_figures(first)
    assert shown_figures(second)["households"] == ["6"]
    assert "Cifre calcolate il" in second
    assert "Ricalcola ora" in second


def test_within_the_freshness_window_the_page_shows_the_figures_it_computed(
    client_for, carla, world, coop_alfa, django_capture_on_commit_callbacks
):
    client = client_for(carla)
    assert households(client) == ["6"]
    one_more_household_served(world, coop_alfa)
    with django_capture_on_commit_callbacks() as callbacks:
        assert households(client) == ["6"]  # still fresh: no refresh asked for
    assert callbacks == []


def test_stale_figures_are_shown_and_computed_again_in_the_background(
    client_for, carla, world, coop_alfa, django_capture_on_commit_callbacks
):
    client = client_for(carla)
    assert households(client) == ["6"]
    one_more_household_served(world, coop_alfa)
    age(16)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        html = client.get(project_url(), HALF_2025).content.decode()
    # The old figures, said to be on their way...
    assert shown_figures(html)["households"] == ["6"]
    assert "Si stanno ricalcolando" in html
    # ...and the task (immediate in tests) computed them again after the commit.
    assert len(callbacks) == 1
    assert households(client) == ["7"]
    assert FigureSnapshot.objects.get().refresh_requested_at is None


def test_only_one_refresh_is_asked_for_at_a_time(
    client_for, carla, world, django_capture_on_commit_callbacks
):
    client = client_for(carla)
    client.get(project_url(), HALF_2025)
    age(16)
    with django_capture_on_commit_callbacks() as callbacks:  # not run: the task is pending
        client.get(project_url(), HALF_2025)
        client.get(project_url(), HALF_2025)
    assert len(callbacks) == 1
    assert FigureSnapshot.objects.get().refresh_requested_at is not None


def test_ricalcola_ora_computes_the_figures_at_once(client_for, carla, world, coop_alfa):
    client = client_for(carla)
    assert households(client) == ["6"]
    one_more_household_served(world, coop_alfa)
    url = f"{project_url()}?dal={HALF_2025['dal']}&al={HALF_2025['al']}"
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    html = client.get(response["Location"]).content.decode()
    assert shown_figures(html)["households"] == ["7"]
    assert "Cifre ricalcolate ora." in html


def test_the_network_dashboard_recomputes_its_own_split(client_for, carla, world, coop_alfa):
    client = client_for(carla)
    url = reverse("dashboard:dashboard")
    assert shown_figures(client.get(url, HALF_2025).content.decode())["households"] == ["6", "6"]
    one_more_household_served(world, coop_alfa)
    query = f"?dal={HALF_2025['dal']}&al={HALF_2025['al']}&per=progetto"
    assert client.post(url + query).status_code == 302
    assert shown_figures(client.get(url + query).content.decode())["households"] == ["7", "7"]


@pytest.mark.parametrize("persona, status", [("alice", 403), ("berta", 404)])
def test_only_the_projects_coordinator_may_recompute(client_for, request, world, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(project_url() + "?dal=2025-01-01&al=2025-06-30")
    assert response.status_code == status
    assert not FigureSnapshot.objects.filter(params__projects=[world.project.pk]).exists()


def test_a_bad_period_on_recompute_is_a_clear_error_and_stores_nothing(client_for, carla, world):
    response = client_for(carla).post(project_url() + "?dal=2025-07-01&al=2025-01-01")
    assert response.status_code == 400
    assert FigureSnapshot.objects.count() == 0


def test_the_export_reads_the_same_snapshot_and_says_when_it_was_computed(
    client_for, carla, world, coop_alfa
):
    client = client_for(carla)
    client.get(project_url(), HALF_2025)
    one_more_household_served(world, coop_alfa)
    url = project_url("project_dashboard_export", table="indicatori", fmt="csv")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HALF_2025)
    assert len(queries) <= MAX_QUERIES_READING_A_SNAPSHOT
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    served = next(row for row in rows if row and row[0] == "Nuclei seguiti")
    assert served[1] == "6"  # the figures of the page, not a different count
    # The spreadsheet says when its figures were computed.
    from openpyxl import load_workbook

    xlsx = project_url("project_dashboard_export", table="indicatori", fmt="xlsx")
    workbook = load_workbook(io.BytesIO(client.get(xlsx, HALF_2025).content))
    notes = {row[0]: row[1] for row in workbook["Informazioni"].iter_rows(values_only=True)}
    computed = timezone.localtime(FigureSnapshot.objects.get().computed_at)
    assert notes["Dati calcolati il"] == computed.strftime("%d/%m/%Y %H:%M")


def test_the_night_job_computes_each_coordinated_project_and_network(carla, world):
    stale = FigureSnapshot.objects.create(
        key="x" * 64,
        kind="dashboard",
        params={},
        value=figures.encode({}),
        computed_at=timezone.now(),
        read_at=timezone.now() - datetime.timedelta(days=8),
    )
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert not FigureSnapshot.objects.filter(pk=stale.pk).exists()
    period = default_period()
    alfa = world.project.pk
    keys = set(FigureSnapshot.objects.values_list("key", flat=True))
    assert figures.key_of("dashboard", pages.figure_params([alfa], period, None)) in keys
    assert (
        figures.key_of("dashboard", pages.figure_params([alfa], period, Dimension.PROJECT)) in keys
    )
    # The project Carla does not coordinate is not computed for her network.
    beta = world.other_project.pk
    computed = [
        params["projects"]
        for params in FigureSnapshot.objects.exclude(kind="my_day_sums").values_list(
            "params", flat=True
        )
    ]
    assert all(beta not in projects for projects in computed)
    reporting = pages.figure_params([alfa], period, Split.TOTAL)
    assert FigureSnapshot.objects.filter(key=figures.key_of("reporting", reporting)).exists()
    # And the sums of Carla's "La mia giornata" for today: the coordinators' only.
    sums = my_day_selectors.sum_params(user=carla, today=timezone.localdate())
    assert list(
        FigureSnapshot.objects.filter(kind="my_day_sums").values_list("key", flat=True)
    ) == [figures.key_of("my_day_sums", sums)]
    assert "Cifre ricalcolate: 4 pagine" in out.getvalue()


def test_the_key_changes_with_every_parameter():
    period = Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    other = Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 29))
    today = datetime.date(2025, 7, 1)
    base = figures.key_of("dashboard", pages.figure_params([1, 2], period, None, today))
    assert base == figures.key_of("dashboard", pages.figure_params([2, 1], period, None, today))
    for params in (
        pages.figure_params([1], period, None, today),
        pages.figure_params([1, 2], other, None, today),
        pages.figure_params([1, 2], period, Dimension.PROJECT, today),
        pages.figure_params([1, 2], period, None, datetime.date(2025, 7, 2)),
    ):
        assert figures.key_of("dashboard", params) != base
