"""Charge the month's contribution (quota di compartecipazione) of every placement in a
unit during it. Run daily by `run_scheduled` (notifications/scheduling.py): the first run
of a month charges it, the others find it charged (one charge per placement and month,
a constraint of the database), so running it twice charges nothing twice.

    manage.py generate_contribution_charges               # this month
    manage.py generate_contribution_charges --month 2026-11
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from housing import services


class Command(BaseCommand):
    help = "Addebita la quota di compartecipazione del mese a ogni inserimento in corso."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="Il mese, AAAA-MM (predefinito: questo mese).")

    def handle(self, *args, month=None, **options):
        today = timezone.localdate()
        if month:
            try:
                first = datetime.datetime.strptime(month, "%Y-%m").date()
            except ValueError as error:
                raise CommandError("Il mese si scrive AAAA-MM, per esempio 2026-11.") from error
        else:
            first = today.replace(day=1)
        if first > today:
            raise CommandError("Non si addebita un mese che non è ancora iniziato.")
        done = services.charges_generate_all(month=first)
        self.stdout.write(f"{done} addebiti creati per {first:%m/%Y}.")
