"""Run the day's scheduled jobs that are due and not yet run today (notifications/
scheduling.py), then retry the e-mails due another attempt. Safe to start as often as
you like: cron every 15 minutes in production (docs/scheduling.md); `make run` keeps it
looping in development with --loop."""

import time

from django.core.management.base import BaseCommand

from notifications import scheduling


class Command(BaseCommand):
    help = "Esegue i lavori programmati del giorno non ancora eseguiti (idempotente per giorno)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Ripete ogni SECONDS secondi finché non viene fermato (sviluppo).",
        )
        parser.add_argument("--only", action="append", default=[], help="Solo questo lavoro.")
        parser.add_argument("--skip", action="append", default=[], help="Salta questo lavoro.")
        parser.add_argument(
            "--list", action="store_true", dest="list_jobs", help="Elenca i lavori e le ore."
        )

    def handle(self, *args, loop=0, only=(), skip=(), list_jobs=False, **options):
        if list_jobs:
            for job in scheduling.daily_jobs():
                self.stdout.write(f"{job.at:%H:%M}  {job.name}  (manage.py {job.command})")
            return
        while True:
            outcome = scheduling.run_due(only=set(only), skip=set(skip), stdout=self.stdout)
            ran = [name for name, what in outcome.items() if what in ("ran", "failed")]
            if ran or not loop:
                self.stdout.write(", ".join(f"{name}: {what}" for name, what in outcome.items()))
            if not loop:
                return
            try:
                time.sleep(loop)
            except KeyboardInterrupt:
                return
