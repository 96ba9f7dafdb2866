"""The reporting follows a stay from unit to unit through `moved_from`: the join must use
an index of the moves even when SQLite's statistics say almost every row is NULL there
(the reporting page at 20,000 households on SQLite scanned the placements once per
stay and did not finish in 10 minutes)."""

import pytest
from django.db import connection

from dashboard.indicators import housing_first
from housing.models import Placement
from tests.factories import CaseFactory, HousingUnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="a plan of SQLite's (PostgreSQL hash-joins)"
)
def test_the_stays_walk_the_index_of_the_moves_whatever_the_statistics(project_alfa):
    unit = HousingUnitFactory(project=project_alfa, capacity=4)
    for _ in range(30):
        case = CaseFactory(project=project_alfa)
        Placement.objects.create(
            household=case.household, case=case, unit=unit, start_date="2026-01-01"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # every moved_from NULL: its unique index rated useless
    sql, params = (
        housing_first.first_entries([project_alfa.pk])
        .filter(stay_end__gte="2026-01-01")
        .values("pk")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]
    joins = [step for step in plan if "LEFT-JOIN" in step]
    assert joins, plan
    assert all("USING INDEX placement_moved_from" in step for step in joins), plan
