"""Put a backup made by `manage.py backup` back in place of the database's content."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Ripristina il database da una copia fatta con `backup`: il contenuto attuale "
        "viene sostituito."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_file")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Non chiedere conferma.",
        )

    def handle(self, *args, backup_file, database="default", interactive=True, **options):
        if interactive:
            answer = input(
                f"Il contenuto del database '{database}' sarà sostituito da {backup_file}. "
                "Scrivi 'si' per continuare: "
            )
            if answer.strip().lower() not in {"si", "sì"}:
                raise CommandError("Ripristino annullato.")
        try:
            restore_database(backup_file, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Database ripristinato da {backup_file}")
