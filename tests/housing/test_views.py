"""The housing pages as a coordinator and a social worker use them."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from beneficiaries.models import Case, Referral, WaitingListEntry
from housing import selectors, services
from housing.models import HousingUnit, Placement, PlaceOccupancy
from projects.models import Participation
from tests.a11y import accessibility_problems
from tests.factories import HousingUnitFactory, OrganisationFactory

from .conftest import members

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def place(user, unit, household, start, **kwargs):
    # Tests place in whatever order they need; the reason is kept only when it is needed.
    kwargs.setdefault("out_of_order_reason", "Ordine scelto dal test.")
    return services.placement_start(
        user=user,
        unit=unit,
        household=household,
        members=kwargs.pop("people", None) or members(household),
        start_date=start,
        **kwargs,
    )


def board_url(project):
    return reverse("housing:project_board", kwargs={"slug": project.slug})


def text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def unit_row(response, unit):
    html = response.content.decode()
    match = re.search(rf'<tr data-testid="unit-row-{unit.pk}".*?</tr>', html, re.S)
    assert match, f"no row for {unit}"
    return match.group(0)


def cell(row_html, testid):
    return re.search(rf'data-testid="{testid}">(\d+)<', row_html).group(1)


# The board ---------------------------------------------------------------------------


def test_board_shows_free_places_today_and_for_90_days(
    client_for, carla, unit_alfa, unit_alfa_small, make_household, today
):
    place(carla, unit_alfa, make_household(size=3), today - 10 * DAY)
    place(carla, unit_alfa_small, make_household(size=1), today + 20 * DAY)

    response = client_for(carla).get(board_url(unit_alfa.project))

    assert response.status_code == 200
    big, small = unit_row(response, unit_alfa), unit_row(response, unit_alfa_small)
    assert (cell(big, "free-today"), cell(big, "free-horizon")) == ("1", "1")
    # The room is empty today, but someone arrives in 20 days: one place for 90 days.
    assert (cell(small, "free-today"), cell(small, "free-horizon")) == ("2", "1")
    assert "3/4" in big and "0/2" in small and "1/2" in small
    assert accessibility_problems(response.content.decode()) == []


def test_board_highlights_overstays_and_lists_exits_of_the_next_30_days(
    client_for, carla, unit_alfa, unit_alfa_small, make_household, today
):
    overstaying = make_household(last_name="Oltretermine")
    place(
        carla,
        unit_alfa,
        overstaying,
        today - 200 * DAY,
        planned_end_date=today - 5 * DAY,
        planned_end_reason="Proroga scaduta",
    )
    leaving = make_household(last_name="Inuscita")
    place(
        carla,
        unit_alfa_small,
        leaving,
        today - 20 * DAY,
        planned_end_date=today + 12 * DAY,
        planned_end_reason="Casa popolare assegnata",
    )
    place(carla, unit_alfa_small, make_household(last_name="Restano"), today)

    response = client_for(carla).get(board_url(unit_alfa.project))

    page = response.content.decode()
    overstays = re.search(r'data-testid="overstays".*?</ul>', page, re.S).group(0)
    ending = re.search(r'data-testid="ending-soon".*?</ul>', page, re.S).group(0)
    assert "Oltretermine" in overstays and "Inuscita" not in overstays
    assert "Inuscita" in ending and "Restano" not in ending
    assert 'data-testid="overstay-badge"' in unit_row(response, unit_alfa)
    assert "overstay-badge" not in unit_row(response, unit_alfa_small)
    assert "cell-ending" in unit_row(response, unit_alfa_small)


def test_board_queries_do_not_grow_with_units_and_placements(
    client_for, carla, project_alfa, unit_alfa, make_household, today, django_assert_num_queries
):
    client = client_for(carla)
    place(carla, unit_alfa, make_household(size=2), today - 300 * DAY)
    client.get(board_url(project_alfa))  # warm up the session
    # Among them two of units: the totals' values of every unit, the page's units.
    with django_assert_num_queries(10) as few:
        client.get(board_url(project_alfa))

    for i in range(6):
        unit = HousingUnitFactory(project=project_alfa, property=unit_alfa.property, capacity=3)
        place(carla, unit, make_household(size=2), today - (i * 40) * DAY)
        place(carla, unit, make_household(size=1), today + i * DAY)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(board_url(project_alfa))
    assert response.content.decode().count('data-testid="unit-row-') == 7


def test_social_worker_sees_counts_of_all_and_names_only_of_her_households(
    client_for, alice, carla, project_alfa, unit_alfa, make_household, today
):
    partner = OrganisationFactory(name="Cooperativa Partner")
    Participation.objects.create(project=project_alfa, organisation=partner, role="partner")
    theirs = make_household(last_name="Altrui")
    Case.objects.filter(household=theirs).update(holding_organisation=partner)
    ours = make_household(last_name="Nostri")
    for household in (theirs, ours):
        place(
            carla,
            unit_alfa,
            household,
            today - 20 * DAY,
            planned_end_date=today + 10 * DAY,
            planned_end_reason="Uscita concordata",
        )

    response = client_for(alice).get(board_url(project_alfa))

    assert response.status_code == 200
    assert cell(unit_row(response, unit_alfa), "free-today") == "2"
    assert "Nostri" in text(response)
    assert "Altrui" not in text(response)
    assert "Trova un nucleo" not in text(response), "placing is for coordinators"


def test_board_index_and_property_board(client_for, carla, unit_alfa, unit_alfa_small):
    client = client_for(carla)
    index = client.get(reverse("housing:board_index"))
    assert index.status_code == 200
    assert board_url(unit_alfa.project) in index.content.decode()
    prop_url = reverse("housing:property_board", kwargs={"pk": unit_alfa.property.pk})
    assert prop_url in index.content.decode()
    response = client.get(prop_url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="unit-row-') == 2
    assert accessibility_problems(index.content.decode()) == []
    assert accessibility_problems(response.content.decode()) == []


def test_nav_offers_the_boards_to_casework_roles_only(client_for, alice, marco):
    link = f'href="{reverse("housing:board_index")}"'
    assert link in client_for(alice).get(reverse("home")).content.decode()
    assert link not in client_for(marco).get(reverse("home")).content.decode()


# A unit ------------------------------------------------------------------------------


def test_unit_page_shows_who_is_there(client_for, carla, unit_alfa, make_household, today):
    household = make_household(size=2, last_name="Presenti")
    place(carla, unit_alfa, household, today - 3 * DAY)
    response = client_for(carla).get(unit_alfa.get_absolute_url())
    assert response.status_code == 200
    assert "Presenti" in text(response)
    assert 'data-testid="free-today">2<' in response.content.decode()
    assert accessibility_problems(response.content.decode()) == []


def test_coordinator_lowers_capacity_only_down_to_the_people_there(
    client_for, carla, unit_alfa, make_household, today
):
    place(carla, unit_alfa, make_household(size=3), today)
    url = reverse("housing:unit_update", kwargs={"pk": unit_alfa.pk})
    client = client_for(carla)
    assert client.get(url).status_code == 200

    data = {"capacity": 2, "state": "available", "step_free": "on", "notes": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "i posti non possono scendere a 2" in text(response)
    unit_alfa.refresh_from_db()
    assert unit_alfa.capacity == 4

    response = client.post(url, {**data, "capacity": 3})
    assert response.status_code == 302
    unit_alfa.refresh_from_db()
    assert unit_alfa.capacity == 3


# Matching and placing ----------------------------------------------------------------


def test_matching_lists_fitting_households_in_priority_order_and_says_why_not(
    client_for, carla, unit_alfa, unit_alfa_small, make_household, today
):
    place(carla, unit_alfa_small, make_household(size=1), today)  # one place left there
    first = make_household(
        size=1, case=False, waiting=True, last_name="Primi", urgency=Referral.Urgency.EMERGENCY
    )
    second = make_household(size=1, case=False, waiting=True, last_name="Secondi")
    make_household(size=3, case=False, waiting=True, last_name="Numerosi")
    make_household(size=1, case=False, waiting=True, last_name="Conscale", disability=True)
    housed = make_household(size=1, case=True, waiting=True, last_name="Giainseriti")
    place(carla, unit_alfa, housed, today - 5 * DAY)

    response = client_for(carla).get(
        reverse("housing:unit_match", kwargs={"pk": unit_alfa_small.pk})
    )

    assert response.status_code == 200
    page = response.content.decode()
    fitting = re.search(r'data-testid="match-fitting".*?</table>', page, re.S).group(0)
    assert fitting.index("Primi") < fitting.index("Secondi"), "emergency first"
    for name in ("Numerosi", "Conscale", "Giainseriti"):
        assert name not in fitting
    not_fitting = re.sub(
        r"\s+", " ", re.search(r'data-testid="match-not-fitting".*?</ul>', page, re.S).group(0)
    )
    assert "Il nucleo è di 3 persone, i posti liberi sono 1." in not_fitting
    assert "Serve un alloggio accessibile senza gradini." in not_fitting
    # Placed, it left the waiting list: it is in neither list.
    assert "Giainseriti" not in not_fitting
    assert (
        reverse(
            "housing:placement_create",
            kwargs={
                "pk": unit_alfa_small.pk,
                "entry_pk": WaitingListEntry.objects.get(household=first).pk,
            },
        )
        in fitting
    )
    assert second  # listed above
    assert accessibility_problems(page) == []


def test_a_household_needing_step_free_access_fits_a_step_free_unit(
    client_for, carla, unit_alfa, make_household
):
    make_household(size=1, case=False, waiting=True, last_name="Conscale", disability=True)
    response = client_for(carla).get(reverse("housing:unit_match", kwargs={"pk": unit_alfa.pk}))
    fitting = re.search(
        r'data-testid="match-fitting".*?</table>', response.content.decode(), re.S
    ).group(0)
    assert "Conscale" in fitting


def _once(names):
    """Each name once, in the order it first appears (a row names its household twice)."""
    return list(dict.fromkeys(names))


def test_matching_shows_pages_of_both_lists_in_priority_order(
    client_for, carla, unit_alfa_small, make_household, today, monkeypatch,
    django_assert_num_queries,
):  # fmt: skip
    monkeypatch.setattr(selectors, "MATCH_PAGE_SIZE", 2)
    # The longer on the list, the higher: Fit4 first, Fit0 last; Big4 first of the others.
    for n in range(5):
        make_household(size=1, case=False, waiting=True, last_name=f"Fit{n}",
                       added_on=today - (n + 1) * 30 * DAY)  # fmt: skip
        make_household(size=3, case=False, waiting=True, last_name=f"Big{n}",
                       added_on=today - (n + 1) * 30 * DAY)  # fmt: skip
    client = client_for(carla)
    url = reverse("housing:unit_match", kwargs={"pk": unit_alfa_small.pk})
    client.get(url)

    def lists(query=""):
        page = client.get(url + query).content.decode()
        fitting = re.search(r'data-testid="match-fitting".*?</table>', page, re.S).group(0)
        others = re.search(r'data-testid="match-not-fitting".*?</ul>', page, re.S).group(0)
        return page, _once(re.findall(r"Fit\d", fitting)), _once(re.findall(r"Big\d", others))

    # The queries of a page, not of the list: the whole list's order and fit in one
    # query, then each side's page read with its households' members and
    # vulnerabilities; the cases needing a place are counted (none here).
    with django_assert_num_queries(16) as first:
        page, fitting, others = lists()
    assert fitting == ["Fit4", "Fit3"] and others == ["Big4", "Big3"]
    assert "5 nuclei compatibili." in page
    assert 'data-testid="match-not-fitting-count">5<' in page
    assert accessibility_problems(page) == []
    with django_assert_num_queries(len(first.captured_queries)):
        page, fitting, others = lists("?page=3&altri=2")
    assert fitting == ["Fit0"] and others == ["Big2", "Big1"]
    # The placement form's "first in line" is the first compatible household.
    entry = selectors.first_in_line(user=carla, unit=unit_alfa_small)
    assert entry.household.members.get().last_name == "Fit4"


def test_placing_from_the_matching_list(
    client_for, carla, alice, coop_alfa, unit_alfa, make_household, today
):
    household = make_household(size=2, case=False, waiting=True, last_name="Nuovi")
    entry = WaitingListEntry.objects.get(household=household)
    url = reverse("housing:placement_create", kwargs={"pk": unit_alfa.pk, "entry_pk": entry.pk})
    client = client_for(carla)
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert accessibility_problems(form_page.content.decode()) == []
    assert "Select an option" not in text(form_page), "every word of the form in Italian"
    assert "Alice Rossi · Cooperativa Alfa" in text(form_page), "workers say where they work"

    response = client.post(
        url,
        {
            "members": [p.pk for p in members(household)],
            "start_date": today.isoformat(),
            "monthly_contribution": "30",
            "holding_organisation": coop_alfa.pk,
            "workers": [alice.pk],
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == board_url(unit_alfa.project)
    assert "è inserito in «Casa Aurora · Appartamento 1»" in text(response)
    assert cell(unit_row(response, unit_alfa), "free-today") == "2"
    entry.refresh_from_db()
    assert entry.removal_reason == WaitingListEntry.RemovalReason.PLACED
    assert Case.objects.get(household=household).holding_organisation == coop_alfa


def test_a_placement_that_does_not_fit_shows_why_and_saves_nothing(
    client_for, carla, coop_alfa, unit_alfa_small, make_household, today
):
    household = make_household(size=3, case=False, waiting=True)
    entry = WaitingListEntry.objects.get(household=household)
    url = reverse(
        "housing:placement_create", kwargs={"pk": unit_alfa_small.pk, "entry_pk": entry.pk}
    )
    response = client_for(carla).post(
        url,
        {
            "members": [p.pk for p in members(household)],
            "start_date": today.isoformat(),
            "monthly_contribution": "0",
            "holding_organisation": coop_alfa.pk,
        },
    )
    assert response.status_code == 200
    assert "non ha abbastanza posti" in text(response)
    assert not Placement.objects.exists()
    assert not Case.objects.filter(household=household).exists()


def test_a_negative_contribution_is_a_form_error(
    client_for, carla, coop_alfa, unit_alfa, make_household, today
):
    household = make_household(case=False, waiting=True)
    entry = WaitingListEntry.objects.get(household=household)
    url = reverse("housing:placement_create", kwargs={"pk": unit_alfa.pk, "entry_pk": entry.pk})
    response = client_for(carla).post(
        url,
        {
            "members": [p.pk for p in members(household)],
            "start_date": today.isoformat(),
            "monthly_contribution": "-1",
            "holding_organisation": coop_alfa.pk,
        },
    )
    assert "La quota di compartecipazione non può essere negativa." in text(response)
    assert not Placement.objects.exists()


# A placement -------------------------------------------------------------------------


def test_placement_page_and_exit(client_for, carla, unit_alfa, make_household, today):
    placement = place(carla, unit_alfa, make_household(size=2), today - 30 * DAY)
    client = client_for(carla)
    page = client.get(placement.get_absolute_url())
    assert page.status_code == 200
    assert accessibility_problems(page.content.decode()) == []

    url = reverse("housing:placement_end", kwargs={"public_id": placement.public_id})
    response = client.post(
        url,
        {
            "end_date": (today - 40 * DAY).isoformat(),
            "exit_reason": "autonomy",
            "destination": "own_rented_home",
        },
    )
    assert "L'uscita non può precedere l'ingresso" in text(response)

    response = client.post(
        url,
        {
            "end_date": today.isoformat(),
            "exit_reason": "autonomy",
            "destination": "own_rented_home",
        },
        follow=True,
    )
    assert "Uscita registrata." in text(response)
    assert "Casa in affitto a proprio nome (Soluzione stabile)" in text(response)
    assert PlaceOccupancy.objects.filter(end_date=today).count() == 2


def test_moving_through_the_page(
    client_for, carla, unit_alfa, unit_alfa_small, make_household, today
):
    placement = place(carla, unit_alfa, make_household(size=2), today - 30 * DAY)
    url = reverse("housing:placement_move", kwargs={"public_id": placement.public_id})
    client = client_for(carla)
    form = client.get(url)
    assert form.status_code == 200
    assert str(unit_alfa) not in re.search(
        r'<select name="to_unit".*?</select>', form.content.decode(), re.S
    ).group(0)

    response = client.post(
        url, {"to_unit": unit_alfa_small.pk, "move_date": today.isoformat()}, follow=True
    )

    assert "Trasferimento registrato" in text(response)
    placement.refresh_from_db()
    assert placement.end_date == today - DAY
    assert Placement.objects.get(moved_from=placement).unit == unit_alfa_small


def test_moving_into_a_unit_under_maintenance_is_not_offered(
    client_for, carla, unit_alfa, unit_alfa_small, make_household, today
):
    HousingUnit.objects.filter(pk=unit_alfa_small.pk).update(state="maintenance")
    placement = place(carla, unit_alfa, make_household(), today - 30 * DAY)
    url = reverse("housing:placement_move", kwargs={"public_id": placement.public_id})
    response = client_for(carla).post(
        url, {"to_unit": unit_alfa_small.pk, "move_date": today.isoformat()}
    )
    assert response.status_code == 200
    assert "La scelta effettuata non compare tra quelle disponibili" in text(response)
    placement.refresh_from_db()
    assert placement.end_date is None


def test_matching_and_unit_pages_queries_do_not_grow(
    client_for, carla, unit_alfa, make_household, today, django_assert_num_queries
):
    client = client_for(carla)
    match_url = reverse("housing:unit_match", kwargs={"pk": unit_alfa.pk})
    unit_url = unit_alfa.get_absolute_url()
    make_household(size=2, case=False, waiting=True)
    make_household(size=5, case=False, waiting=True)  # too many for the free places
    make_household(size=1, disability=True)  # an open case that never waited
    place(carla, unit_alfa, make_household(size=1), today)
    client.get(match_url)  # warm up the session
    # 15 until each list became a page read by the database (issue 14): now each of the
    # two lists is counted and only its page is read (both lists have rows here).
    with django_assert_num_queries(19) as matching_few:
        client.get(match_url)
    # 12 until the board read every unit's values for its totals apart from the page's
    # units as objects (issue 14): one query more, the same for one unit or thousands.
    with django_assert_num_queries(13) as unit_few:
        client.get(unit_url)

    for i in range(5):
        make_household(size=1 + i % 3, case=False, waiting=True, disability=i % 2 == 0)
    for i in range(2):
        place(carla, unit_alfa, make_household(size=1), today + i * DAY)
        make_household(size=2 + i)  # more open cases needing a place
    with django_assert_num_queries(len(matching_few.captured_queries)):
        response = client.get(match_url)
    assert response.content.decode().count("Inserisci Nucleo") >= 1
    with django_assert_num_queries(len(unit_few.captured_queries)):
        client.get(unit_url)


# Every error in one answer -------------------------------------------------------------


def test_placement_form_says_the_room_the_contribution_and_the_pact_at_once(
    client_for, carla, coop_alfa, unit_alfa_small, make_household, today
):
    household = make_household(size=3, case=False, waiting=True)
    entry = WaitingListEntry.objects.get(household=household)
    url = reverse(
        "housing:placement_create", kwargs={"pk": unit_alfa_small.pk, "entry_pk": entry.pk}
    )
    response = client_for(carla).post(
        url,
        {
            "members": [p.pk for p in members(household)],
            "start_date": today.isoformat(),
            "monthly_contribution": "-1",
            "agreement_signed_on": (today + DAY).isoformat(),
            "holding_organisation": coop_alfa.pk,
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "La quota di compartecipazione non può essere negativa." in page
    assert "non ha abbastanza posti" in page
    assert "La firma del patto non può essere nel futuro." in page
    assert not Placement.objects.exists()
    assert not Case.objects.filter(household=household).exists()


def test_placement_form_says_the_missing_organisation_and_people_at_once(
    client_for, carla, unit_alfa, make_household, today
):
    household = make_household(size=2, case=False, waiting=True)
    entry = WaitingListEntry.objects.get(household=household)
    url = reverse("housing:placement_create", kwargs={"pk": unit_alfa.pk, "entry_pk": entry.pk})
    response = client_for(carla).post(
        url,
        {
            "start_date": today.isoformat(),
            "monthly_contribution": "0",
            "planned_end_date": (today + 10 * DAY).isoformat(),
        },
    )
    page = text(response)
    assert "Scegli almeno una persona da inserire." in page
    assert "Questo campo è obbligatorio" in page  # the holding organisation
    assert "indica il motivo" in page
    assert not Placement.objects.exists() and not Case.objects.filter(household=household).exists()


def test_exit_from_a_unit_says_the_date_and_the_destination_at_once(
    client_for, carla, unit_alfa, make_household, today
):
    placement = place(carla, unit_alfa, make_household(size=2), today - 30 * DAY)
    url = reverse("housing:placement_end", kwargs={"public_id": placement.public_id})
    response = client_for(carla).post(
        url, {"end_date": (today - 40 * DAY).isoformat(), "exit_reason": "autonomy"}
    )
    page = text(response)
    assert "L'uscita non può precedere l'ingresso" in page
    assert "Questo campo è obbligatorio" in page
    placement.refresh_from_db()
    assert placement.end_date is None


def test_move_says_the_date_and_the_unit_at_once(
    client_for, carla, unit_alfa, make_household, today
):
    placement = place(carla, unit_alfa, make_household(size=2), today - 30 * DAY)
    url = reverse("housing:placement_move", kwargs={"public_id": placement.public_id})
    response = client_for(carla).post(url, {"move_date": (today - 40 * DAY).isoformat()})
    page = text(response)
    assert "Il trasferimento deve avvenire dopo l'ingresso" in page
    assert "Questo campo è obbligatorio" in page
    assert not Placement.objects.filter(moved_from=placement).exists()


def test_board_shows_a_page_of_units_with_totals_of_all_and_the_same_queries(
    client_for, carla, project_alfa, unit_alfa, django_assert_num_queries, monkeypatch
):
    from housing import selectors as housing_selectors

    monkeypatch.setattr(housing_selectors, "BOARD_PAGE_UNITS", 3)
    for _ in range(6):  # seven units of 4 + 6 × 3 = 22 places, on three pages
        HousingUnitFactory(project=project_alfa, property=unit_alfa.property, capacity=3)
    client = client_for(carla)
    client.get(board_url(project_alfa))  # warm up the session
    with django_assert_num_queries(10) as first:
        response = client.get(board_url(project_alfa))
    page = response.content.decode()
    assert page.count('data-testid="unit-row-') == 3
    assert 'data-testid="total-capacity">22<' in page
    assert "pagina 1 di 3" in page and 'rel="next"' in page
    with django_assert_num_queries(len(first.captured_queries)):
        last = client.get(board_url(project_alfa) + "?page=3").content.decode()
    assert last.count('data-testid="unit-row-') == 1
    assert 'rel="next"' not in last and 'data-testid="total-capacity">22<' in last
    # A wrong page number shows the first page.
    wrong = client.get(board_url(project_alfa) + "?page=x").content.decode()
    assert wrong.count('data-testid="unit-row-') == 3


def test_board_totals_count_the_people_of_units_on_other_pages(
    client_for, carla, project_alfa, unit_alfa, make_household, today, monkeypatch
):
    """The totals are counted from every unit's stays, the rows from the page's: the two
    must agree, whichever page is shown and whoever is placed on a unit of another page."""
    from housing import selectors as housing_selectors
    from housing.models import HousingUnit

    monkeypatch.setattr(housing_selectors, "BOARD_PAGE_UNITS", 1)
    second = HousingUnitFactory(project=project_alfa, property=unit_alfa.property, capacity=3)
    closed = HousingUnitFactory(project=project_alfa, property=unit_alfa.property, capacity=2)
    place(carla, unit_alfa, make_household(size=2), today - 30 * DAY)  # 2 of 4, from today
    place(carla, second, make_household(size=1), today - 5 * DAY)
    place(carla, second, make_household(size=2), today + 40 * DAY)  # full from day 40 on
    HousingUnit.objects.filter(pk=closed.pk).update(state=HousingUnit.State.CLOSED)
    client = client_for(carla)
    rows = {}
    for number in (1, 2, 3):
        response = client.get(board_url(project_alfa) + f"?page={number}")
        page = response.content.decode()
        assert 'data-testid="total-capacity">9<' in page
        assert 'data-testid="total-free-today">4<' in page  # 2 in Alfa, 2 in the second
        assert 'data-testid="total-free-horizon">2<' in page  # 2 in Alfa, none in the second
        for unit in (unit_alfa, second, closed):
            if f'data-testid="unit-row-{unit.pk}"' in page:
                row = unit_row(response, unit)
                rows[unit.pk] = (int(cell(row, "free-today")), int(cell(row, "free-horizon")))
    assert rows == {unit_alfa.pk: (2, 2), second.pk: (2, 0), closed.pk: (0, 0)}
