"""Many coordinators click "place" at the same moment on the last free place: exactly one
placement is made, the others are told the unit is full.

Each attempt runs in its own thread with its own database connection. On PostgreSQL
the service locks the unit's row (SELECT ... FOR UPDATE); on SQLite the IMMEDIATE
transaction mode (config/settings.py) lets one writer in at a time. A second test, on
PostgreSQL only, skips the service and writes occupancy rows straight into the
database: its exclusion constraint lets exactly one in.

SQLite and threads: pytest-django's SQLite test database lives in memory with a shared
cache, where concurrent writers fail at once with "database table is locked" instead of
waiting their turn — that would prove nothing. So on SQLite these tests move, for their
own duration, to a file database (migrated afresh in a temporary folder), the way the
real site runs; the rest of the suite keeps the in-memory database.
"""

import datetime
import shutil
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction

from beneficiaries.models import Household
from housing import services
from housing.models import HousingUnit, Placement, PlaceOccupancy
from users.models import User

from .conftest import members

ATTEMPTS = 10  # concurrent attempts at the last free place, in every race below

requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a guarantee of the PostgreSQL database itself (exclusion constraint); on SQLite "
    "the services keep it: see test_only_one_of_many_concurrent_placements_takes_the_last_place",
)


def _use_database(settings_dict):
    """Point the connection of this thread, and those threads will open, at a database."""
    connections.settings["default"] = settings_dict
    connections["default"] = connections["default"].__class__(settings_dict, "default")


@pytest.fixture(scope="module")
def migrated_sqlite_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """A migrated SQLite file, built once for this module and copied by each test."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    in_memory, in_memory_settings = connections["default"], connections.settings["default"]
    path = tmp_path_factory.mktemp("threads") / "migrated.sqlite3"
    with django_db_blocker.unblock():
        _use_database({**in_memory_settings, "NAME": str(path)})
        try:
            call_command("migrate", verbosity=0, interactive=False)
        finally:
            connections["default"].close()
            connections.settings["default"] = in_memory_settings
            connections["default"] = in_memory
    return path


@pytest.fixture
def threads_db(transactional_db, migrated_sqlite_file, tmp_path):
    """A database that several threads can write to at once (see the module's note)."""
    if migrated_sqlite_file is None:  # PostgreSQL, or SQLite already on a file
        yield
        return
    in_memory, in_memory_settings = connections["default"], connections.settings["default"]
    path = tmp_path / "threads.sqlite3"
    shutil.copyfile(migrated_sqlite_file, path)
    _use_database({**in_memory_settings, "NAME": str(path)})
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = in_memory_settings
        connections["default"] = in_memory


def race(attempt, n=ATTEMPTS):
    """Run attempt(i) for i in 0..n-1 in n threads released together; return what each
    returned or raised."""
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = attempt(i)
        except Exception as error:  # noqa: BLE001 - the outcome is what we check
            outcomes[i] = error
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an attempt never finished"
    return outcomes


def _one_free_place(carla, unit_alfa, make_household, today):
    """Three of the four places taken; ATTEMPTS single people waiting for the fourth."""
    services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=(family := make_household(size=3)),
        members=members(family),
        start_date=today,
    )
    return [make_household(size=1).pk for _ in range(ATTEMPTS)]


def _place_in_thread(user_pk, unit_pk, household_pk, day):
    user = User.objects.get(pk=user_pk)
    household = Household.objects.get(pk=household_pk)
    return services.placement_start(
        user=user,
        unit=HousingUnit.objects.get(pk=unit_pk),
        household=household,
        members=list(household.members.all()),
        start_date=day,
    )


def _assert_exactly_one_placed(outcomes, unit, today):
    placed = [o for o in outcomes if isinstance(o, Placement)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    others = [o for o in outcomes if not isinstance(o, Placement | ValidationError)]
    assert others == [], f"attempts failed for another reason: {others!r}"
    assert len(placed) == 1, f"{len(placed)} of {ATTEMPTS} concurrent placements succeeded"
    assert len(refused) == ATTEMPTS - 1
    assert all("non ha abbastanza posti" in str(error) for error in refused)
    assert PlaceOccupancy.objects.filter(unit=unit).exclude(end_date__lt=today).count() == 4
    assert Placement.objects.filter(unit=unit).count() == 2


@pytest.mark.django_db(transaction=True)
def test_only_one_of_many_concurrent_placements_takes_the_last_place(
    threads_db, carla, unit_alfa, make_household, today
):
    """On the database the suite runs on: SQLite (IMMEDIATE) or PostgreSQL (row lock)."""
    waiting = _one_free_place(carla, unit_alfa, make_household, today)

    outcomes = race(lambda i: _place_in_thread(carla.pk, unit_alfa.pk, waiting[i], today))

    _assert_exactly_one_placed(outcomes, unit_alfa, today)


@pytest.mark.django_db(transaction=True)
def test_concurrent_placements_on_different_days_still_never_overfill(
    threads_db, carla, unit_alfa, make_household, today
):
    """Attempts starting on different days overlap too (an open stay runs on): still one."""
    waiting = _one_free_place(carla, unit_alfa, make_household, today)

    outcomes = race(
        lambda i: _place_in_thread(
            carla.pk, unit_alfa.pk, waiting[i], today + datetime.timedelta(days=3 * i)
        )
    )

    _assert_exactly_one_placed(outcomes, unit_alfa, today)


@pytest.mark.postgres
@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_itself_lets_only_one_of_many_concurrent_writes_take_a_place(
    carla, unit_alfa, make_household, today
):
    """Bypassing the service: ATTEMPTS transactions each write a person straight onto
    the same free place. The exclusion constraint admits one, refuses the rest."""
    waiting = _one_free_place(carla, unit_alfa, make_household, today)
    free_slot = ({1, 2, 3, 4} - set(PlaceOccupancy.objects.values_list("slot", flat=True))).pop()
    # Placements written by hand, as a careless script might, with no occupancy yet.
    placements = [
        Placement.objects.create(
            household_id=pk,
            case=Household.objects.get(pk=pk).cases.get(),
            unit=unit_alfa,
            start_date=today,
        )
        for pk in waiting
    ]

    def write(i):
        placement = placements[i]
        with transaction.atomic():
            return PlaceOccupancy.objects.create(
                unit_id=unit_alfa.pk,
                slot=free_slot,
                placement_id=placement.pk,
                person=Household.objects.get(pk=placement.household_id).members.get(),
                start_date=today + datetime.timedelta(days=i),
            )

    outcomes = race(write)

    written = [o for o in outcomes if isinstance(o, PlaceOccupancy)]
    refused = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert len(written) == 1, outcomes
    assert len(refused) == ATTEMPTS - 1, outcomes
    assert all("housing_occupancy_no_double_booked_place" in str(e) for e in refused)
