"""Assegno di inclusione on the household (issue 19, item 5): the flag, the pact's dates,
and the 90-day check-in as a reminder in "La mia giornata"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Household
from notifications.kinds import Kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _receives(household, *, signed_days_ago, last_check_in_days_ago=None):
    today = timezone.localdate()
    household.inclusion_benefit = True
    household.inclusion_pact_signed_on = today - datetime.timedelta(days=signed_days_ago)
    household.inclusion_last_check_in_on = (
        today - datetime.timedelta(days=last_check_in_days_ago)
        if last_check_in_days_ago is not None
        else None
    )
    household.save()
    return household


def test_the_next_check_in_is_90_days_after_the_last_one_or_the_pact(household_alfa):
    today = timezone.localdate()
    _receives(household_alfa, signed_days_ago=200, last_check_in_days_ago=30)
    assert household_alfa.next_inclusion_check_in() == today + datetime.timedelta(days=60)
    household_alfa.inclusion_last_check_in_on = None
    assert household_alfa.next_inclusion_check_in() == today - datetime.timedelta(days=110)
    household_alfa.inclusion_benefit = False
    assert household_alfa.next_inclusion_check_in() is None


def test_a_check_in_due_within_two_weeks_is_in_la_mia_giornata(client_for, alice, household_alfa):
    _receives(household_alfa, signed_days_ago=80)  # due in 10 days
    html = client_for(alice).get(reverse("home")).content.decode()
    box = html.split('data-testid="my-day-inclusion"')[1].split("</ul>")[0]
    assert "aggiornamento ai servizi entro il" in box
    assert "Fatima" in box


def test_a_check_in_far_away_or_without_the_benefit_is_not(client_for, alice, household_alfa):
    _receives(household_alfa, signed_days_ago=200, last_check_in_days_ago=10)  # in 80 days
    html = client_for(alice).get(reverse("home")).content.decode()
    box = html.split('data-testid="my-day-inclusion"')[1].split("</ul>")[0]
    assert "Nessun aggiornamento in scadenza." in box
    Household.objects.filter(pk=household_alfa.pk).update(
        inclusion_benefit=False, inclusion_last_check_in_on=None, inclusion_pact_signed_on=None
    )
    html = client_for(alice).get(reverse("home")).content.decode()
    assert "Fatima" not in html.split('data-testid="my-day-inclusion"')[1].split("</ul>")[0]


def test_the_pact_dates_need_the_benefit_and_an_order(household_alfa):
    household_alfa.inclusion_pact_signed_on = datetime.date(2026, 3, 1)
    household_alfa.inclusion_benefit_ends_on = datetime.date(2026, 1, 1)
    with pytest.raises(ValidationError) as error:
        household_alfa.full_clean()
    assert set(error.value.message_dict) >= {"inclusion_benefit", "inclusion_benefit_ends_on"}


def test_the_daily_scan_reminds_who_sees_the_household(household_alfa, alice, carla, marco):
    _receives(household_alfa, signed_days_ago=95)  # five days late
    call_command("scan_reminders", stdout=None)
    reminded = sorted(
        Notification.objects.filter(kind=Kind.INCLUSION_CHECK_IN).values_list(
            "recipient__username", "count"
        )
    )
    assert reminded == [("alice", 1), ("carla", 1)]
    Notification.objects.all().delete()
    Household.objects.filter(pk=household_alfa.pk).update(
        inclusion_last_check_in_on=timezone.localdate()
    )
    call_command("scan_reminders", stdout=None)
    assert not Notification.objects.filter(kind=Kind.INCLUSION_CHECK_IN).exists()
