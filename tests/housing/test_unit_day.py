"""A unit's page for another day (?giorno=YYYY-MM-DD): who closes a case today sees the
places free tomorrow (issue 12, "Done when")."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from housing import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving_today(carla, unit_alfa, make_household, today):
    """Three people in the unit for four, their exit recorded for today."""
    household = make_household(size=3)
    placement = services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=household,
        members=list(household.members.all()),
        start_date=today - datetime.timedelta(days=30),
    )
    services.placement_end(
        user=carla,
        placement=placement,
        end_date=today,
        exit_reason="autonomy",
        destination="own_rented_home",
    )
    return household


def _facts(client, unit, **params):
    response = client.get(reverse("housing:unit_detail", args=[unit.pk]), params)
    assert response.status_code == 200
    return response.context["row"], response.content.decode()


def test_today_the_household_is_there_tomorrow_the_places_are_free(
    client_for, carla, unit_alfa, leaving_today, today
):
    client = client_for(carla)
    row, html = _facts(client, unit_alfa)
    assert (row.people_today, row.free_today) == (3, 1)
    assert "Liberi oggi" in html and str(leaving_today) in html
    tomorrow = today + datetime.timedelta(days=1)
    row, html = _facts(client, unit_alfa, giorno=tomorrow.isoformat())
    assert (row.people_today, row.free_today) == (0, 4)
    assert f"Liberi il {tomorrow:%d/%m/%Y}" in html
    assert str(leaving_today) not in html  # not among the unit's placements that day
    assert reverse("housing:unit_match", args=[unit_alfa.pk]) not in html  # matching is today's


def test_an_unreadable_day_is_today(client_for, carla, unit_alfa, leaving_today):
    row, html = _facts(client_for(carla), unit_alfa, giorno="domani")
    assert (row.people_today, row.free_today) == (3, 1)
    assert "Liberi oggi" in html


def test_another_day_costs_no_more_queries(client_for, carla, unit_alfa, leaving_today, today):
    client = client_for(carla)
    url = reverse("housing:unit_detail", args=[unit_alfa.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as todays:
        client.get(url)
    # Yesterday the household was there too: the same page, for another day.
    with CaptureQueriesContext(connection) as yesterdays:
        client.get(url, {"giorno": (today - datetime.timedelta(days=1)).isoformat()})
    assert len(yesterdays.captured_queries) == len(todays.captured_queries)
