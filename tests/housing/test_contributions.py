"""The contribution ledger (quota di compartecipazione): the arithmetic against examples
computed by hand, the services' rules, and the one-charge-per-month constraint on both
databases (run this file with DATABASE_URL=postgres://... for PostgreSQL)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from core.models import AuditEvent
from housing import ledger, selectors, services
from housing.models import ContributionCharge, Payment, Placement

from .conftest import members

D = datetime.date
E = Decimal


# The arithmetic, apart from the database --------------------------------------------


def charge(month, start, end=None, rates=None, suspensions=()):
    return ledger.month_charge(
        month=month,
        stay_start=start,
        stay_end=end,
        rates=rates or [(start, E("310.00"))],
        suspensions=suspensions,
    )


def test_a_full_month_costs_the_monthly_amount_exactly():
    # February 2026 has 28 days, March 31: the same 310,00 either way.
    assert charge(D(2026, 2, 1), D(2026, 1, 20)).amount == E("310.00")
    assert charge(D(2026, 3, 1), D(2026, 1, 20)).amount == E("310.00")


def test_the_first_month_is_pro_rata_from_the_day_of_entry():
    # In from 20 January: 12 of 31 days; 310 × 12 / 31 = 120,00.
    first = charge(D(2026, 1, 1), D(2026, 1, 20))
    assert (first.amount, first.days_charged, first.days_in_month) == (E("120.00"), 12, 31)
    # Entry after the 10th: due on the day of entry, not before it.
    assert first.due_on == D(2026, 1, 20)


def test_the_last_month_counts_the_last_night():
    # Last night on 10 March: 10 of 31 days; 310 × 10 / 31 = 100,00.
    last = charge(D(2026, 3, 1), D(2026, 1, 20), end=D(2026, 3, 10))
    assert (last.amount, last.days_charged) == (E("100.00"), 10)
    assert last.due_on == D(2026, 3, 10)
    assert charge(D(2026, 4, 1), D(2026, 1, 20), end=D(2026, 3, 10)) is None


def test_a_change_of_amount_counts_from_its_day():
    # April has 30 days: 15 at 300 (150,00) and 15 at 360 (180,00).
    rates = [(D(2026, 1, 1), E("300.00")), (D(2026, 4, 16), E("360.00"))]
    assert charge(D(2026, 4, 1), D(2026, 1, 1), rates=rates).amount == E("330.00")
    assert charge(D(2026, 5, 1), D(2026, 1, 1), rates=rates).amount == E("360.00")


def test_suspended_days_are_not_charged():
    # 1–10 June suspended: 20 of 30 days at 300 = 200,00; a whole month suspended: nothing.
    rates = [(D(2026, 1, 1), E("300.00"))]
    june = charge(
        D(2026, 6, 1), D(2026, 1, 1), rates=rates, suspensions=[(D(2026, 6, 1), D(2026, 6, 10))]
    )
    assert (june.amount, june.days_charged) == (E("200.00"), 20)
    assert (
        charge(D(2026, 7, 1), D(2026, 1, 1), rates=rates, suspensions=[(D(2026, 7, 1), None)])
        is None
    )


def test_the_total_is_rounded_to_the_cent_half_up():
    # One day of 31 at 100: 3,2258... → 3,23; at 15,50 a day of 31: 0,5 → 0,50.
    assert charge(D(2026, 1, 1), D(2026, 1, 31), rates=[(D(2026, 1, 31), E("100"))]).amount == E(
        "3.23"
    )


def test_payments_cover_the_oldest_charges_first():
    assert ledger.allocate([E("120"), E("310"), E("310")], E("200")) == [E("120"), E("80"), E("0")]
    assert ledger.allocate([E("120"), E("310")], E("0")) == [E("0"), E("0")]
    assert ledger.allocate([E("120"), E("310")], E("500")) == [E("120"), E("310")]


def test_ageing_buckets_by_days_late():
    today = D(2026, 5, 20)
    lines = [
        (D(2026, 1, 20), E("10")),  # 120 days late
        (D(2026, 2, 10), E("20")),  # 99
        (D(2026, 3, 10), E("30")),  # 71
        (D(2026, 4, 10), E("40")),  # 40
        (D(2026, 5, 10), E("50")),  # 10
        (D(2026, 5, 20), E("60")),  # due today: not late
    ]
    assert ledger.ageing(lines, today) == [E("50"), E("40"), E("30"), E("30")]
    assert [ledger.bucket_of(d) for d in (0, 1, 30, 31, 60, 61, 90, 91)] == [
        None,
        0,
        0,
        1,
        1,
        2,
        2,
        3,
    ]


def test_instalments_add_up_to_the_total():
    assert ledger.split_instalments(E("100.00"), 3) == [E("33.33"), E("33.33"), E("33.34")]


# The services -----------------------------------------------------------------------


@pytest.fixture
def placement(carla, unit_alfa, make_household):
    household = make_household(size=2)
    return services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=household,
        members=members(household),
        start_date=D(2026, 1, 20),
        monthly_contribution=E("310.00"),
    )


TODAY = D(2026, 5, 20)


def generate(user, placement, *months):
    return [
        services.charges_generate(user=user, placement=placement, month=m, today=TODAY)
        for m in months
    ]


@pytest.mark.django_db
def test_charging_a_month_twice_charges_it_once(carla, placement):
    first, second = generate(carla, placement, D(2026, 1, 1), D(2026, 1, 15))
    assert first.amount == E("120.00")
    assert second is None
    assert ContributionCharge.objects.filter(placement=placement).count() == 1
    assert AuditEvent.objects.filter(model_label="housing.ContributionCharge").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_charge_for_the_month(placement):
    row = {
        "placement": placement,
        "month": D(2026, 2, 1),
        "amount": E("310"),
        "days_charged": 28,
        "days_in_month": 28,
        "due_on": D(2026, 2, 10),
    }
    ContributionCharge.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionCharge.objects.create(**{**row, "amount": E("1")})
    assert ContributionCharge.objects.filter(placement=placement).count() == 1


def test_the_constraint_is_tested_on_this_database():
    # Run this file on both: SQLite by default, PostgreSQL with DATABASE_URL.
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_no_month_before_the_entry_nor_in_the_future(carla, placement):
    with pytest.raises(ValidationError):
        generate(carla, placement, D(2025, 12, 1))
    with pytest.raises(ValidationError):
        generate(carla, placement, D(2026, 6, 1))
    assert not ContributionCharge.objects.exists()


@pytest.mark.django_db
def test_a_change_of_amount_and_a_suspension_shape_the_months_not_yet_charged(carla, placement):
    generate(carla, placement, D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1))
    with pytest.raises(ValidationError):  # March is charged: history is not rewritten
        services.contribution_change_record(
            user=carla,
            placement=placement,
            effective_from=D(2026, 3, 16),
            monthly_amount=E("360"),
            reason="ISEE nuovo",
        )
    services.contribution_change_record(
        user=carla,
        placement=placement,
        effective_from=D(2026, 4, 16),
        monthly_amount=E("370.00"),
        reason="ISEE nuovo",
    )
    services.contribution_suspend(
        user=carla,
        placement=placement,
        start_date=D(2026, 5, 1),
        end_date=D(2026, 5, 31),
        reason="Ricovero",
        document_reference="Verbale d'équipe 4/2026",
    )
    april, may = generate(carla, placement, D(2026, 4, 1), D(2026, 5, 1))
    # April: 15 days at 310 (155,00) + 15 at 370 (185,00); May suspended throughout.
    assert april.amount == E("340.00")
    assert may is None


@pytest.mark.django_db
def test_a_suspension_needs_its_document(carla, placement):
    with pytest.raises(ValidationError):
        services.contribution_suspend(
            user=carla,
            placement=placement,
            start_date=D(2026, 5, 1),
            end_date=None,
            reason="Ricovero",
            document_reference=" ",
        )


@pytest.mark.django_db
def test_partial_payment_reversal_and_ageing(carla, placement):
    generate(carla, placement, *(D(2026, m, 1) for m in range(1, 6)))
    # Charged: 120 + 4 × 310 = 1.360,00.
    services.payment_record(
        user=carla,
        placement=placement,
        paid_on=D(2026, 2, 5),
        amount=E("200"),
        method=Payment.Method.CASH,
        receipt_number="R-1",
        today=TODAY,
    )
    wrong = services.payment_record(
        user=carla,
        placement=placement,
        paid_on=D(2026, 3, 5),
        amount=E("310"),
        method=Payment.Method.TRANSFER,
        receipt_number="R-2",
        today=TODAY,
    )
    reversal = services.payment_reverse(
        user=carla, payment=wrong, reason="Bonifico respinto", today=TODAY
    )
    assert reversal.amount == E("-310.00") and reversal.reverses == wrong
    assert Payment.objects.get(pk=wrong.pk).amount == E("310.00")  # the original stays
    with pytest.raises(ValidationError):
        services.payment_reverse(user=carla, payment=wrong, reason="ancora", today=TODAY)

    statement = selectors.statement(placement=placement, today=TODAY)
    assert statement.charged == E("1360.00")
    assert statement.paid == E("200.00")
    assert statement.balance == E("1160.00")
    # 200 covers January (120) and 80 of February: owed Feb 230, Mar–May 310 each.
    assert [line.owed for line in statement.lines] == [
        E("0"),
        E("230"),
        E("310"),
        E("310"),
        E("310"),
    ]
    # On 20 May: Feb (due 10/2, 99 days) > 90; Mar (71) 61–90; Apr (40) 31–60; May (10) 0–30.
    assert [b.amount for b in statement.buckets] == [E("310"), E("310"), E("310"), E("230")]

    # The database says the same, for the lists.
    row = selectors.with_balances(Placement.objects.filter(pk=placement.pk), today=TODAY).get()
    assert (row.charged, row.paid, row.balance) == (E("1360.00"), E("200.00"), E("1160.00"))
    assert (row.overdue, row.over_30, row.over_60, row.over_90) == (
        E("1160.00"),
        E("850.00"),
        E("540.00"),
        E("230.00"),
    )
    assert list(selectors.arrears_over(Placement.objects.all(), days=60, today=TODAY)) == [row]


@pytest.mark.django_db
def test_a_bad_payment_writes_nothing(carla, placement):
    for amount, day, receipt in [
        (E("-5"), D(2026, 2, 1), "R"),
        (E("5"), D(2026, 6, 1), "R"),
        (E("5"), D(2026, 2, 1), " "),
    ]:
        with pytest.raises(ValidationError):
            services.payment_record(
                user=carla,
                placement=placement,
                paid_on=day,
                amount=amount,
                method=Payment.Method.CASH,
                receipt_number=receipt,
                today=TODAY,
            )
    assert not Payment.objects.exists()
    assert not AuditEvent.objects.filter(model_label="housing.Payment").exists()


@pytest.mark.django_db
def test_arrears_not_the_households_fault_are_shown_apart(carla, placement):
    generate(carla, placement, D(2026, 1, 1), D(2026, 2, 1))
    services.arrears_flag(
        user=carla,
        placement=placement,
        first_month=D(2026, 2, 1),
        last_month=None,
        reason="Il contributo comunale arriva in ritardo",
    )
    statement = selectors.statement(placement=placement, today=TODAY)
    assert [line.not_at_fault for line in statement.lines] == [False, True]
    assert statement.not_at_fault == E("310.00")
    assert statement.overdue == E("430.00")


@pytest.mark.django_db
def test_a_repayment_plan_and_its_instalments(carla, placement):
    plan = services.repayment_plan_create(
        user=carla,
        placement=placement,
        agreed_on=D(2026, 4, 1),
        total=E("600"),
        instalments=3,
        first_due_on=D(2026, 4, 15),
    )
    first, second, third = plan.instalments.all()
    assert [i.amount for i in (first, second, third)] == [E("200.00")] * 3
    assert [i.due_on for i in (first, second, third)] == [
        D(2026, 4, 15),
        D(2026, 5, 15),
        D(2026, 6, 15),
    ]
    services.payment_record(
        user=carla,
        placement=placement,
        paid_on=D(2026, 4, 15),
        amount=E("200"),
        method=Payment.Method.CASH,
        receipt_number="R-9",
        instalment=first,
        today=TODAY,
    )
    ((_plan, rows),) = selectors.statement(placement=placement, today=TODAY).plans
    # Paid; 15 May passed unpaid; 15 June is more than a week away.
    assert [r.status for r in rows] == ["paid", "late", "planned"]
    due = selectors.instalments_due(placements=Placement.objects.all(), today=TODAY)
    assert list(due) == [second]


@pytest.mark.django_db
def test_the_referrer_and_other_workers_record_nothing(marco, bruno, placement):
    for user in (marco, bruno):
        with pytest.raises(PermissionDenied):
            generate(user, placement, D(2026, 1, 1))
    assert not ContributionCharge.objects.exists()


@pytest.mark.django_db
def test_the_scheduled_job_charges_every_open_placement_once(placement):
    out = io.StringIO()
    call_command("generate_contribution_charges", "--month", "2026-03", stdout=out)
    call_command("generate_contribution_charges", "--month", "2026-03", stdout=out)
    assert list(ContributionCharge.objects.values_list("month", "amount")) == [
        (D(2026, 3, 1), E("310.00"))
    ]
    assert out.getvalue().splitlines()[-1].startswith("0 ")
