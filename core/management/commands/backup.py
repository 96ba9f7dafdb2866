"""Back up the database while the application runs (see core/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, backup_database, default_suffix


class Command(BaseCommand):
    help = (
        "Fa una copia coerente del database mentre l'applicazione è in uso "
        "(SQLite: backup online; PostgreSQL: pg_dump in formato custom)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="File in cui scrivere la copia (predefinito: un file con data e ora in BACKUP_DIR).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, database="default", **options):
        if output is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BACKUP_DIR) / f"abitare-{stamp}{default_suffix(database)}"
        try:
            path = backup_database(output, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Copia scritta in {path}")
