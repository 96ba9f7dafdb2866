"""Put a backup made by `manage.py backup` back: the database and the documents."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_all


class Command(BaseCommand):
    help = (
        "Ripristina database e documenti da un backup fatto con `backup`: il contenuto "
        "attuale viene sostituito (prima si decifra e si verifica tutto il backup)."
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
                f"Il database '{database}' e i documenti saranno sostituiti da {backup_file}. "
                "Scrivi 'si' per continuare: "
            )
            if answer.strip().lower() not in {"si", "sì"}:
                raise CommandError("Ripristino annullato.")
        try:
            manifest = restore_all(backup_file, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Ripristinati da {backup_file}: database e {len(manifest['documents'])} documenti."
        )
