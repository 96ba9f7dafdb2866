"""The national generator (generate_national) and the page benchmark (benchmark), on a
tiny world."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from beneficiaries.models import Case, CaseNote, Household, Person, Referral
from demo.national import generate_national
from housing import ledger
from housing import selectors as housing_selectors
from housing.models import ContributionCharge, Payment, Placement, PlaceOccupancy
from partners.models import Organisation

pytestmark = pytest.mark.django_db


class Undo(Exception):
    pass


def _snapshot():
    return {
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "placements": Placement.objects.count(),
        "notes": CaseNote.objects.count(),
        "first_names": list(Person.objects.order_by("pk").values_list("first_name", flat=True)),
        "statuses": sorted(Referral.objects.values_list("status", flat=True)),
        "public_ids": list(Household.objects.order_by("pk").values_list("public_id", flat=True)),
    }


def _generate_and_undo(seed):
    try:
        with transaction.atomic():
            counts = generate_national(households=60, seed=seed)
            snapshot = _snapshot()
            raise Undo
    except Undo:
        pass
    return counts, snapshot


def test_the_same_seed_gives_the_same_world_and_another_seed_another():
    counts, first = _generate_and_undo(7)
    assert counts["nuclei"] == first["households"] == 60
    assert first["people"] >= 60 and first["cases"] > 0 and first["notes"] > 0
    _, again = _generate_and_undo(7)
    assert again == first
    _, other = _generate_and_undo(8)
    assert other["first_names"] != first["first_names"]


def test_the_world_keeps_the_rules_of_the_domain():
    generate_national(households=80, seed=3)
    # On the real network, with every state of a referral's pathway.
    assert Organisation.objects.filter(slug="pop").exists()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {"accepted", "declined"} <= statuses
    # One open case per household and project; a unit never holds two households at once.
    open_cases = Case.objects.filter(closed_on__isnull=True)
    assert open_cases.count() == open_cases.values("household", "project").distinct().count()
    for unit_id in PlaceOccupancy.objects.values_list("unit", flat=True).distinct()[:30]:
        stays = list(
            Placement.objects.filter(unit_id=unit_id).order_by("start_date")
            .values_list("start_date", "end_date")
        )  # fmt: skip
        for (_, end), (next_start, _) in zip(stays, stays[1:], strict=False):
            assert end is not None and end < next_start
    # The contribution ledgers: each charge is the one charges_generate would write, and
    # some households are late, some paid every month due.
    today = timezone.localdate()
    paying = Placement.objects.filter(monthly_contribution__gt=0)
    assert paying.exists() and Placement.objects.filter(monthly_contribution=0).exists()
    for charge in ContributionCharge.objects.select_related("placement")[:50]:
        placement = charge.placement
        expected = ledger.month_charge(
            month=charge.month,
            stay_start=placement.start_date,
            stay_end=placement.end_date,
            rates=[(placement.start_date, placement.monthly_contribution)],
        )
        assert (charge.amount, charge.days_charged, charge.due_on) == (
            expected.amount, expected.days_charged, expected.due_on
        )  # fmt: skip
    assert not ContributionCharge.objects.filter(placement__monthly_contribution=0).exists()
    assert Payment.objects.filter(paid_on__lte=today).count() == Payment.objects.count() > 0
    balances = housing_selectors.with_balances(paying, today=today)
    assert balances.filter(overdue__gt=0).exists() and balances.filter(overdue=0).exists()
    # The sequences moved past the ids written by hand: the ORM can insert again.
    Household.objects.create(registered_by=Organisation.objects.first())


def test_generate_national_refuses_production_and_a_second_run(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_national", households=20, stdout=io.StringIO())
    settings.DEBUG = True
    out = io.StringIO()
    call_command("generate_national", households=20, seed=2, stdout=out)
    assert "20 nuclei" in out.getvalue()
    with pytest.raises(CommandError, match="c'è già"):
        call_command("generate_national", households=20, stdout=io.StringIO())


def test_the_benchmark_prints_every_page_against_the_trivial_view(settings):
    settings.DEBUG = True
    generate_national(households=80, seed=5)
    out = io.StringIO()
    call_command("benchmark", requests=2, stdout=out)
    text = out.getvalue()
    assert "| Vista banale /healthz/live |" in text
    rows = re.findall(
        r"^\| ([^|]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \| (\d+) \|", text, re.M
    )
    labels = [r[0] for r in rows]
    assert len(rows) == 22, text
    assert "Diario (caso lungo)" in labels and "Cruscotto, XLSX" in labels
    assert "Storico del nucleo" in labels and "Agenda del progetto" in labels
    # Every page but the trivial view runs queries.
    assert all(int(r[4]) > 0 for r in rows if r[0] != "Vista banale /healthz/live")
