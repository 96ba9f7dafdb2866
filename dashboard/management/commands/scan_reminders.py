"""The daily reminders scan: each user who does casework is told, one notification per
kind per day, how many things of "La mia giornata" need them (core.signals.reminders_due,
heard by notifications). Idempotent per day: running it twice tells nobody twice."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from beneficiaries.selectors import appointments as appointment_selectors
from core.access import CASEWORK_ROLES
from core.signals import appointments_tomorrow, reminders_due
from dashboard.selectors.my_day import reminder_counts


class Command(BaseCommand):
    help = "Notify each social worker and coordinator of what is due (once a day)."

    def handle(self, *args, **options):
        day = timezone.localdate()
        users = (
            get_user_model()
            .objects.filter(
                is_active=True,
                staff_memberships__is_active=True,
                staff_memberships__role__in=CASEWORK_ROLES,
            )
            .distinct()
            .order_by("pk")
        )
        told = 0
        for user in users:
            counts = reminder_counts(user=user, today=day)
            if counts:
                reminders_due.send(sender=None, user=user, counts=counts, day=day)
                told += 1
        # The day before: each member of the staff of tomorrow's appointments.
        tomorrow = day + datetime.timedelta(days=1)
        counts = appointment_selectors.staff_reminders_on(tomorrow)
        for user in appointment_selectors.reminder_recipients(counts):
            appointments_tomorrow.send(sender=None, user=user, count=counts[user.pk], day=tomorrow)
        self.stdout.write(f"{told} users reminded")
