"""The housing stock in the Django admin: properties and units, never placements."""

import pytest
from django.contrib import admin
from django.urls import reverse

from housing import services
from housing.models import HousingUnit, Placement, PlaceOccupancy

from .conftest import members

pytestmark = pytest.mark.django_db


def test_placements_and_occupancy_stay_out_of_the_admin():
    assert not admin.site.is_registered(Placement)
    assert not admin.site.is_registered(PlaceOccupancy)
    assert admin.site.is_registered(HousingUnit)


def _unit_form(unit, **changes):
    data = {
        "property": unit.property_id,
        "project": unit.project_id,
        "name": unit.name,
        "kind": unit.kind,
        "capacity": unit.capacity,
        "state": unit.state,
        "notes": "",
    }
    if unit.step_free:
        data["step_free"] = "on"
    data.update(changes)
    return data


def test_admin_cannot_lower_capacity_below_the_people_there(
    client_for, admin_user, carla, unit_alfa, make_household, today
):
    household = make_household(size=3)
    services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=household,
        members=members(household),
        start_date=today,
    )
    url = reverse("admin:housing_housingunit_change", args=[unit_alfa.pk])
    client = client_for(admin_user)
    assert client.get(url).status_code == 200

    response = client.post(url, _unit_form(unit_alfa, capacity=2))
    assert response.status_code == 200
    assert "i posti non possono scendere a 2" in response.content.decode()
    unit_alfa.refresh_from_db()
    assert unit_alfa.capacity == 4

    response = client.post(url, _unit_form(unit_alfa, capacity=3))
    assert response.status_code == 302
    unit_alfa.refresh_from_db()
    assert unit_alfa.capacity == 3


def test_admin_lists_and_adds_properties(client_for, admin_user, unit_alfa):
    client = client_for(admin_user)
    listing = client.get(reverse("admin:housing_property_changelist"))
    assert "Casa Aurora" in listing.content.decode()
    assert client.get(reverse("admin:housing_housingunit_changelist")).status_code == 200
    assert client.get(reverse("admin:housing_property_add")).status_code == 200
