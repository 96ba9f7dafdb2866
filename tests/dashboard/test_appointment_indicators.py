"""The interpreter indicator of the dashboard against a small world counted by hand:

Casa Alfa, the first quarter of 2026 (Q1), today 15 April 2026.
- A, 2 Feb: needed an interpreter, held with the interpreter       -> needed
- B, 9 Feb: needed one, held without                               -> needed, without
- C, 2 Mar: needed one, not held because the interpreter was missing -> needed, without
- D, 9 Mar: needed one, not held: the household did not come       -> needed
- E, 16 Mar: no interpreter needed, held                          -> not counted
- F, 23 Mar: needed one, outcome not recorded                      -> not counted
- G, 6 Apr: needed one, held without (after the period)            -> not counted
Casa Beta: one held without the interpreter in February (not in Alfa's figures).

Alfa in Q1: 4 needed one, 2 had none.
"""

import datetime

import pytest
from django.utils import timezone, translation

from beneficiaries.models import Appointment
from beneficiaries.services import appointments as services
from dashboard import indicators
from dashboard.indicators import Dimension, Period

pytestmark = pytest.mark.django_db
D = datetime.date
Q1 = Period(D(2026, 1, 1), D(2026, 3, 31))
TODAY = D(2026, 4, 15)
Reason = Appointment.NotHeldReason


def _appointment(user, case, day, *, needed=True, outcome=None, used=None, reason=""):
    appointment = services.appointment_schedule(
        user=user,
        case=case,
        kind=Appointment.Kind.INTERVIEW,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
        duration_minutes=60,
        place=Appointment.Place.OFFICE,
        staff=[user],
        interpreter_needed=needed,
        interpreter_language="arabo" if needed else "",
    )
    if outcome is not None:
        services.appointment_record_outcome(
            user=user,
            appointment=appointment,
            held=outcome,
            duration_minutes=30,
            interpreter_used=used,
            not_held_reason=reason,
            text="resoconto",
        )
    return appointment


@pytest.fixture
def world(alice, bruno, case_alfa, household_beta, project_alfa, project_beta):
    _appointment(alice, case_alfa, D(2026, 2, 2), outcome=True, used=True)
    _appointment(alice, case_alfa, D(2026, 2, 9), outcome=True, used=False)
    _appointment(alice, case_alfa, D(2026, 3, 2), outcome=False, reason=Reason.INTERPRETER_MISSING)
    _appointment(alice, case_alfa, D(2026, 3, 9), outcome=False, reason=Reason.NO_SHOW)
    _appointment(alice, case_alfa, D(2026, 3, 16), needed=False, outcome=True)
    _appointment(alice, case_alfa, D(2026, 3, 23))
    _appointment(alice, case_alfa, D(2026, 4, 6), outcome=True, used=False)
    beta_case = household_beta.cases.get()
    _appointment(bruno, beta_case, D(2026, 2, 10), outcome=True, used=False)
    return {"alfa": project_alfa, "beta": project_beta}


def test_appointments_that_needed_an_interpreter_and_had_none(world):
    result = indicators.compute(project_ids=[world["alfa"].pk], period=Q1, today=TODAY)
    assert result["interpreters"][indicators.TOTAL] == {"needed": 4, "without": 2}
    report = indicators.report(projects=[world["alfa"]], period=Q1, today=TODAY)
    figure = report.figure("appointments_without_interpreter")
    assert figure.value == 2
    with translation.override("it"):
        assert str(figure.detail) == "su 4 appuntamenti che lo richiedevano"


def test_by_project(world):
    result = indicators.compute(
        project_ids=[world["alfa"].pk, world["beta"].pk],
        period=Q1,
        by=Dimension.PROJECT,
        today=TODAY,
    )["interpreters"]
    assert result[world["beta"].pk] == {"needed": 1, "without": 1}
    assert result[world["alfa"].pk] == {"needed": 4, "without": 2}


def test_the_period_up_to_today_counts_only_what_began(world):
    february = Period(D(2026, 2, 1), D(2026, 2, 28))
    result = indicators.compute(project_ids=[world["alfa"].pk], period=february, today=TODAY)
    assert result["interpreters"][indicators.TOTAL] == {"needed": 2, "without": 1}
    later = Period(D(2026, 5, 1), D(2026, 5, 31))
    assert (
        indicators.compute(project_ids=[world["alfa"].pk], period=later, today=TODAY)[
            "interpreters"
        ]
        == {}
    )
