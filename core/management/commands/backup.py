"""Back up the database and the documents while the application runs (core/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BACKUP_SUFFIX, BackupError, backup_all, generate_key, rotate


class Command(BaseCommand):
    help = (
        "Fa un backup cifrato del database (copia coerente mentre l'applicazione è in uso) "
        "e di tutti i documenti, con la chiave BACKUP_ENCRYPTION_KEY; senza un nome di "
        "file lo scrive in BACKUP_DIR e tiene solo gli ultimi BACKUP_KEEP."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="File in cui scrivere il backup (predefinito: un file con data e ora in BACKUP_DIR).",
        )
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Quanti backup tenere in BACKUP_DIR (predefinito: BACKUP_KEEP).",
        )
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="Stampa una nuova chiave per BACKUP_ENCRYPTION_KEY e termina.",
        )

    def handle(self, *args, output=None, database="default", keep=None, **options):
        if options["generate_key"]:
            self.stdout.write(generate_key())
            return
        keep = settings.BACKUP_KEEP if keep is None else keep
        rotating = output is None
        if rotating:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BACKUP_DIR) / f"abitare-{stamp}{BACKUP_SUFFIX}"
        try:
            manifest = backup_all(output, using=database)
            removed = rotate(Path(output).parent, keep=keep) if rotating else []
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup scritto in {output}: database e {len(manifest['documents'])} documenti."
        )
        for old in removed:
            self.stdout.write(f"Backup vecchio cancellato: {old}")
