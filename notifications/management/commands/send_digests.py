"""Send the daily digests (run it each day from NOTIFICATION_DIGEST_TIME on; a second
run the same day sends nothing again)."""

from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = "Invia il riepilogo giornaliero delle notifiche (una volta al giorno per utente)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Invia anche prima dell'ora del riepilogo (NOTIFICATION_DIGEST_TIME).",
        )

    def handle(self, *args, force=False, **options):
        made = services.digests_send(force=force)
        self.stdout.write(f"Riepiloghi messi in coda: {made}.")
