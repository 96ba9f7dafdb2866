"""The waiting list's order can be overridden with a reason (issue 12, item 6); the list
and the cases agree, and the matching page offers households with a case that never
waited (item 12); where the household lives, on its file and its case page (item 4)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beneficiaries.models import Case, Referral, WaitingListEntry
from core.models import AuditEvent
from housing import selectors, services
from housing.models import Placement
from tests.a11y import accessibility_problems

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)


def members(household):
    return list(household.members.all())


def from_list(user, unit, household, start, **kwargs):
    entry = WaitingListEntry.objects.get(household=household, removed_on__isnull=True)
    return services.placement_from_waiting_list(
        user=user, unit=unit, entry=entry, members=members(household), start_date=start, **kwargs
    )


@pytest.fixture
def line(make_household):
    """Two households of one person waiting for Casa Alfa: first (an emergency), second."""
    first = make_household(
        case=False, waiting=True, last_name="Primi", urgency=Referral.Urgency.EMERGENCY
    )
    second = make_household(case=False, waiting=True, last_name="Secondi")
    return first, second


# Out of order -------------------------------------------------------------------------


def test_placing_the_first_compatible_household_needs_no_reason(carla, unit_alfa, line, today):
    first, _second = line
    placement = from_list(
        carla, unit_alfa, first, today, holding_organisation=unit_alfa.property.managing_organisation,
        out_of_order_reason="Non serve.",
    )  # fmt: skip
    assert (placement.out_of_order, placement.out_of_order_reason) == (False, "")


def test_skipping_the_first_needs_a_reason_and_saves_nothing_without(carla, unit_alfa, line, today):
    first, second = line
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        from_list(carla, unit_alfa, second, today, holding_organisation=unit_alfa.property.managing_organisation)  # fmt: skip
    message = caught.value.message_dict["out_of_order_reason"][0]
    assert "«Nucleo" in message and "Primi" in message and "scrivi il motivo" in message
    assert not Placement.objects.exists()
    assert not Case.objects.filter(household=second).exists()  # no case opened half-way
    assert WaitingListEntry.objects.filter(removed_on__isnull=True).count() == 2
    assert AuditEvent.objects.count() == events


def test_the_reason_is_recorded_and_audited(carla, unit_alfa, line, today):
    _first, second = line
    placement = from_list(
        carla, unit_alfa, second, today,
        holding_organisation=unit_alfa.property.managing_organisation,
        out_of_order_reason="  Sfratto esecutivo domani.  ",
    )  # fmt: skip
    assert (placement.out_of_order, placement.out_of_order_reason) == (
        True,
        "Sfratto esecutivo domani.",
    )
    created = AuditEvent.objects.get(model_label="housing.Placement", action="create")
    assert created.changes["out_of_order_reason"] == [None, "Sfratto esecutivo domani."]
    assert created.household_id == second.pk


def test_the_placement_form_asks_for_the_reason_and_the_page_shows_it(
    client_for, carla, unit_alfa, line, today
):
    first, second = line
    entry = WaitingListEntry.objects.get(household=second)
    url = reverse("housing:placement_create", args=[unit_alfa.pk, entry.pk])
    client = client_for(carla)
    page = client.get(url).content.decode()
    assert 'data-testid="out-of-order"' in page and "Primi" in page
    assert 'name="out_of_order_reason"' in page
    assert accessibility_problems(page) == []
    data = {
        "members": [p.pk for p in members(second)],
        "start_date": today.isoformat(),
        "monthly_contribution": "0",
        "holding_organisation": unit_alfa.property.managing_organisation.pk,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "scrivi il motivo" in refused.content.decode()
    assert not Placement.objects.exists()
    assert client.post(url, data | {"out_of_order_reason": "Urgenza sanitaria."}).status_code == 302
    placement = Placement.objects.get()
    detail = client.get(placement.get_absolute_url()).content.decode()
    assert "Urgenza sanitaria." in detail and 'data-testid="out-of-order"' in detail
    # The first in line is not asked.
    first_url = reverse(
        "housing:placement_create", args=[unit_alfa.pk, WaitingListEntry.objects.get(household=first).pk]
    )  # fmt: skip
    assert 'name="out_of_order_reason"' not in client.get(first_url).content.decode()


# The list and the cases agree ---------------------------------------------------------


def test_placing_a_household_with_a_case_takes_it_off_the_list(
    carla, unit_alfa, make_household, today
):
    household = make_household(case=True, waiting=True)
    services.placement_start(
        user=carla, unit=unit_alfa, household=household, members=members(household), start_date=today
    )  # fmt: skip
    entry = WaitingListEntry.objects.get(household=household)
    assert (entry.removed_on, entry.removal_reason) == (today, "placed")


def test_the_waiting_list_shows_who_is_taken_in_charge_and_awaits_a_place(
    client_for, carla, project_alfa, make_household
):
    make_household(case=True, waiting=True, last_name="Presi")
    make_household(case=False, waiting=True, last_name="Attesi")
    page = (
        client_for(carla)
        .get(reverse("beneficiaries:waiting_list", args=[project_alfa.slug]))
        .content.decode()
    )
    rows = page.split('data-testid="waiting-row"')[1:]
    taken = next(row for row in rows if "Presi" in row)
    waiting = next(row for row in rows if "Attesi" in row)
    assert "Preso in carico, in attesa di un posto" in taken
    assert "Apri la presa in carico" not in taken
    assert "Accolto, da prendere in carico" in waiting


def test_matching_offers_cases_that_never_waited_and_places_them(
    client_for, carla, unit_alfa, make_household, today
):
    never_waited = make_household(size=2, case=True, waiting=False, last_name="Senzalista")
    too_big = make_household(size=5, case=True, waiting=False, last_name="Troppi")
    housed = make_household(size=1, case=True, waiting=False, last_name="Giadentro")
    services.placement_start(
        user=carla, unit=unit_alfa, household=housed, members=members(housed), start_date=today
    )  # fmt: skip
    client = client_for(carla)
    page = client.get(reverse("housing:unit_match", args=[unit_alfa.pk])).content.decode()
    cases = page.split('data-testid="match-cases"')[1].split("</ul>")[0]
    assert "Senzalista" in cases and "Troppi" in cases and "Giadentro" not in cases
    case = never_waited.cases.get()
    url = reverse("housing:placement_create_for_case", args=[unit_alfa.pk, case.public_id])
    assert url in cases
    assert too_big.cases.get().public_id.hex not in cases.replace("-", "")
    response = client.post(
        url,
        {
            "members": [p.pk for p in members(never_waited)],
            "start_date": today.isoformat(),
            "monthly_contribution": "0",
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get(household=never_waited)
    assert (placement.case, placement.out_of_order) == (case, False)  # nobody was waiting


def test_the_cases_needing_a_place_are_a_page_at_a_time(
    client_for, carla, unit_alfa, make_household, today, monkeypatch,
    django_assert_num_queries,
):  # fmt: skip
    monkeypatch.setattr(selectors, "MATCH_PAGE_SIZE", 2)
    for n in range(5):
        household = make_household(size=1, case=True, waiting=False, last_name=f"Caso{n}")
        household.cases.update(opened_on=today - (10 - n) * DAY)  # Caso0 the oldest
    client = client_for(carla)
    url = reverse("housing:unit_match", args=[unit_alfa.pk])
    client.get(url)

    def cases(query=""):
        page = client.get(url + query).content.decode()
        listed = page.split('data-testid="match-cases"')[1].split("</section>")[0]
        return page, list(dict.fromkeys(re.findall(r"Caso\d", listed)))

    # Nobody waits here: the list's order is read, then the cases counted and their
    # page read with the households' members and vulnerabilities.
    with django_assert_num_queries(13) as first:
        page, first_page = cases()
    assert first_page == ["Caso0", "Caso1"]
    assert 'data-testid="match-cases-count">5<' in page
    assert accessibility_problems(page) == []
    # The other lists' pages stay in the links of this one, and the other way round.
    with django_assert_num_queries(len(first.captured_queries)):
        page, last_page = cases("?casi=3&altri=1")
    assert last_page == ["Caso4"]
    assert 'href="?casi=2&amp;altri=1" rel="prev"' in page
    assert cases("?casi=2")[1] == ["Caso2", "Caso3"]
    assert cases("?casi=nove")[1] == ["Caso0", "Caso1"]  # a bad page number: the first


def test_a_case_that_never_waited_skips_a_waiting_household_only_with_a_reason(
    carla, unit_alfa, line, make_household, today
):
    never_waited = make_household(case=True, waiting=False)
    with pytest.raises(ValidationError, match="scrivi il motivo"):
        services.placement_start(
            user=carla, unit=unit_alfa, household=never_waited,
            members=members(never_waited), start_date=today,
        )  # fmt: skip
    assert not Placement.objects.exists()


def test_placing_a_case_that_never_waited_scoping(
    request, client_for, unit_alfa, make_household, project_beta
):
    case = make_household(case=True).cases.get()
    url = reverse("housing:placement_create_for_case", args=[unit_alfa.pk, case.public_id])
    assert client_for(request.getfixturevalue("bruno")).get(url).status_code == 404
    assert client_for(request.getfixturevalue("alice")).get(url).status_code == 403
    assert client_for(request.getfixturevalue("carla")).get(url).status_code == 200
    # A case of another project is not placed in this unit.
    other = make_household(case=True, project=project_beta).cases.get()
    other_url = reverse("housing:placement_create_for_case", args=[unit_alfa.pk, other.public_id])
    assert client_for(request.getfixturevalue("carla")).get(other_url).status_code == 404


# Where the household lives ------------------------------------------------------------


@pytest.fixture
def moved(carla, case_alfa, unit_alfa, unit_alfa_small, today):
    """household_alfa in the small room since 1 March, moved to the apartment on 1 June,
    planned end 30 days ago (an overstay)."""
    household = case_alfa.household
    first = services.placement_start(
        user=carla, unit=unit_alfa_small, household=household, members=members(household),
        start_date=D(2026, 3, 1),
    )  # fmt: skip
    return services.placement_move(
        user=carla, placement=first, to_unit=unit_alfa, move_date=D(2026, 6, 1),
        planned_end_date=today - datetime.timedelta(days=30), planned_end_reason="Prova.",
    )  # fmt: skip


def test_household_file_and_case_page_show_where_the_household_lives(
    client_for, alice, case_alfa, moved
):
    client = client_for(alice)
    for url in (case_alfa.household.get_absolute_url(), case_alfa.get_absolute_url()):
        page = client.get(url).content.decode()
        current = page.split('data-testid="current-placement"')[1].split("</dl>")[0]
        assert "Appartamento 1" in current and "01/06/2026" in current
        assert "superata da 30 giorni" in current
        past = page.split('data-testid="past-placements"')[1].split("</ul>")[0]
        assert "Stanza 2" in past
        assert (
            "da «Casa Aurora · Stanza 2» a «Casa Aurora · Appartamento 1»"
            in page.split('data-testid="moves"')[1]
        )
        assert accessibility_problems(page) == []


def test_days_left_before_the_planned_end(client_for, alice, carla, case_alfa, unit_alfa, today):
    household = case_alfa.household
    services.placement_start(
        user=carla, unit=unit_alfa, household=household, members=members(household),
        start_date=today, planned_end_date=today + datetime.timedelta(days=45),
        planned_end_reason="Prova.",
    )  # fmt: skip
    page = client_for(alice).get(household.get_absolute_url()).content.decode()
    assert "ancora 45 giorni" in page


def test_the_referrer_and_the_outsider_never_see_where_the_household_lives(
    client_for, marco, bruno, case_alfa, moved
):
    page = client_for(marco).get(case_alfa.household.get_absolute_url()).content.decode()
    assert 'data-testid="dwelling"' not in page and "Appartamento 1" not in page
    assert client_for(bruno).get(case_alfa.household.get_absolute_url()).status_code == 404


def test_pages_with_the_dwelling_keep_their_query_budget(
    client_for, alice, carla, case_alfa, moved, make_household, unit_alfa_small,
    django_assert_num_queries,
):  # fmt: skip
    client = client_for(alice)
    household_url, case_url = case_alfa.household.get_absolute_url(), case_alfa.get_absolute_url()
    client.get(household_url)
    # 14 once the consent gate (issue 12, item 2) joined the dwelling panel: counted, and
    # constant as the moves grow (below).
    with django_assert_num_queries(14) as household_few:
        client.get(household_url)
    # The case page writes its read-log row (one INSERT: issue 11, item 9) and asks for
    # lapsed consents (issue 12, item 2) and whether the user may read the contribution
    # ledger (issue 18), who has access to the household's own view (issue 17) and how
    # many appointments the household missed (issue 18, part A).
    with django_assert_num_queries(15) as case_few:
        client.get(case_url)
    # One more move: more placements, not more queries.
    services.placement_move(
        user=carla, placement=moved, to_unit=unit_alfa_small, move_date=D(2026, 9, 1)
    )
    with django_assert_num_queries(len(household_few.captured_queries)):
        client.get(household_url)
    with django_assert_num_queries(len(case_few.captured_queries)):
        client.get(case_url)
