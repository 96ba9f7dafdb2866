"""The household history shows the contribution ledger (charges, payments, suspensions,
arrears, repayment plans) only to whom may read the contributions of the case it belongs
to (core.access.Access.may_read_contributions): financial data is narrower than the
case. Found in review (issue 11): whoever could see the case read the ledger in the
history, e.g. a coordinator of another organisation assigned to the case."""

import pytest
from django.urls import reverse

from beneficiaries.selectors.households import history_of
from core.access import access_for
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

LEDGER_LABELS = {
    "housing.ContributionCharge",
    "housing.ContributionChange",
    "housing.ContributionSuspension",
    "housing.Payment",
    "housing.ArrearsFlag",
    "housing.RepaymentPlan",
}
LEDGER_MARKERS = {
    "MK-LEDGER-PAYMENT",
    "MK-LEDGER-RECEIPT",
    "MK-LEDGER-SUSPENSION",
    "MK-LEDGER-ARREARS",
}


def test_the_ledger_events_are_written_as_financial(placed_world):
    events = AuditEvent.objects.filter(household=placed_world["placement"].household)
    labels = set(events.filter(financial=True).values_list("model_label", flat=True))
    assert labels == {
        "housing.ContributionCharge",
        "housing.ContributionSuspension",
        "housing.Payment",
        "housing.ArrearsFlag",
    }
    assert not events.filter(financial=True).exclude(model_label__in=LEDGER_LABELS).exists()
    # The placement itself is no ledger row: its page shows it to whoever sees the case.
    assert not events.filter(model_label="housing.Placement", financial=True).exists()


def test_the_history_hides_the_ledger_from_who_may_not_read_the_contributions(
    client_for, placed_world, household_alfa, vera, carla
):
    placement = placed_world["placement"]
    # Vera sees the case (she is assigned to it) and its placement, not its money.
    assert access_for(vera).may_view_history(household_alfa)
    assert not access_for(vera).may_read_contributions(placement)
    labels = set(
        history_of(user=vera, household=household_alfa).values_list("model_label", flat=True)
    )
    assert "housing.Placement" in labels
    assert not labels & LEDGER_LABELS

    page = client_for(vera).get(
        reverse("beneficiaries:household_history", args=[household_alfa.public_id])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "MK-PLACEMENT-END" in text  # the placement's own event
    assert not {marker for marker in LEDGER_MARKERS if marker in text}

    # The project's coordinator reads the ledger: its events are all there.
    assert access_for(carla).may_read_contributions(placement)
    labels = set(
        history_of(user=carla, household=household_alfa).values_list("model_label", flat=True)
    )
    assert labels >= {"housing.Placement", "housing.Payment", "housing.ArrearsFlag"}
    text = (
        client_for(carla)
        .get(reverse("beneficiaries:household_history", args=[household_alfa.public_id]))
        .content.decode()
    )
    assert {marker for marker in LEDGER_MARKERS if marker in text} == LEDGER_MARKERS


def test_a_ledger_event_without_its_case_is_shown_to_nobody(placed_world, household_alfa, carla):
    """Fail closed: a financial event that lost its case (the case's row deleted sets it
    to NULL) is not known to belong to a ledger the reader may read."""
    AuditEvent.objects.filter(household=household_alfa, model_label="housing.Payment").update(
        case=None
    )
    labels = set(
        history_of(user=carla, household=household_alfa).values_list("model_label", flat=True)
    )
    assert "housing.Payment" not in labels
    assert "housing.ArrearsFlag" in labels
