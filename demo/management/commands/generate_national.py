"""Build the national data set: `manage.py generate_national --households 100000 --seed 1`.

Development only (DEBUG on): it writes hundreds of thousands of fictional rows with ids
of its own (see demo.national), so it needs a database that nobody else writes to, and
it refuses to run twice on the same database.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from demo.national import generate_national, national_exists


class Command(BaseCommand):
    help = (
        "Crea la rete nazionale di prova (100.000 nuclei a grandezza piena) sulla rete "
        "reale. Solo in sviluppo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, households, seed, **options):
        if not settings.DEBUG:
            raise CommandError(
                "generate_national si esegue solo in sviluppo, con DEBUG attivo "
                "(DJANGO_DEBUG=true)."
            )
        if households < 10:
            raise CommandError("--households deve essere almeno 10.")
        if national_exists():
            raise CommandError(
                "La rete nazionale di prova c'è già in questo database: usane uno nuovo."
            )
        started = time.perf_counter()

        def log(message):
            self.stdout.write(f"[{time.perf_counter() - started:6.1f} s] {message}")

        with transaction.atomic():
            counts = generate_national(households=households, seed=seed, log=log)
        if connection.vendor == "postgresql" or connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        log(", ".join(f"{value} {name}" for name, value in counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Fatto in {time.perf_counter() - started:.0f} s."))
