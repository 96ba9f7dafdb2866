"""Delete security-log entries older than the retention period (run daily, e.g. cron)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import SecurityEvent


class Command(BaseCommand):
    help = (
        "Cancella gli eventi del registro di sicurezza più vecchi del periodo di "
        "conservazione (SECURITY_LOG_RETENTION_DAYS, predefinito 365 giorni)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Giorni di conservazione (predefinito: SECURITY_LOG_RETENTION_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.SECURITY_LOG_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("Il periodo di conservazione deve essere di almeno un giorno.")
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(
            f"Eventi di sicurezza cancellati: {deleted} (più vecchi di {days} giorni)."
        )
