"""Anonymise the households whose records are past their retention period (GDPR art.
5(1)(e)): every case closed more than RETENTION_YEARS ago and nothing still running.
Run daily (cron or a systemd timer):

    manage.py apply_retention            # anonymise
    manage.py apply_retention --dry-run  # only count
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from privacy import services as privacy_services


class Command(BaseCommand):
    help = "Anonimizza i nuclei le cui prese in carico sono chiuse da più di RETENTION_YEARS anni."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Conta i nuclei senza anonimizzarli."
        )

    def handle(self, *args, dry_run=False, **options):
        due = list(privacy_services.due_for_retention())
        if dry_run:
            self.stdout.write(f"{len(due)} nuclei da anonimizzare (prova: nessuna modifica).")
            return
        done = 0
        for household in due:
            try:
                privacy_services.household_anonymise(user=None, household=household)
            except ValidationError as error:  # something started again since the query
                self.stderr.write(f"{household.public_id}: {' '.join(error.messages)}")
            else:
                done += 1
        self.stdout.write(
            f"{done} nuclei anonimizzati (conservazione: {privacy_services.retention_years()} anni)."
        )
