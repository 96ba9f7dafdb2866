"""Measure the dashboard on this database: `manage.py benchmark_dashboard`.

Creates a throwaway project with 5,000 households (demo.benchmark), opens its
dashboard, the network view and the caseloads page as its coordinator several times
through Django's test client, prints the server time of each page (median, minimum,
maximum) and the number of queries, then rolls everything back: nothing stays in the
database. It still writes a lot while it runs, so it refuses to run on a site in
production (DEBUG off) unless given --force.
"""

from __future__ import annotations

import statistics
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from demo.benchmark import create_project


def _pass_second_factor(client, user) -> None:
    """Coordinators must give a second factor (core.two_factor). The throwaway
    coordinator gets a confirmed TOTP app and a session marked verified with it, as
    after a right code; both are rolled back with the rest."""
    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop("_two_factor_pending", None)  # core.two_factor.PENDING_KEY
    session.save()


class Rollback(Exception):
    """Raised at the end to undo everything the benchmark wrote."""


class Command(BaseCommand):
    help = (
        "Crea un progetto di prova con molti nuclei (poi annullato), misura il tempo del "
        "server per il cruscotto e stampa mediana, minimo, massimo e numero di query."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Esegui anche con DEBUG spento (i dati di prova sono comunque annullati).",
        )

    def handle(self, *args, households, runs, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG è spento: questo sembra un sito in produzione. Il benchmark scrive "
                "molti dati (poi annullati) e rallenta il database mentre gira: usa --force "
                "se vuoi davvero eseguirlo qui."
            )
        if households < 1 or runs < 1:
            raise CommandError("--households e --runs devono essere almeno 1.")
        try:
            with transaction.atomic():
                self._run(households=households, runs=runs, seed=seed)
                raise Rollback
        except Rollback:
            self.stdout.write("Dati di prova annullati: il database è com'era.")

    def _run(self, *, households, runs, seed):
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({connection.settings_dict['NAME']})")
        started = time.perf_counter()
        data = create_project(households=households, seed=seed)
        self.stdout.write(
            f"Creati {data.households} nuclei in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{value} {name}" for name, value in data.counts.items())
        )
        today = timezone.localdate()
        period = f"dal={today.replace(year=today.year - 3).isoformat()}&al={today.isoformat()}"
        pages = [
            (
                "Cruscotto del progetto",
                reverse("dashboard:project_dashboard", kwargs={"slug": data.project.slug})
                + "?"
                + period,
            ),
            ("Vista di rete", reverse("dashboard:dashboard") + "?" + period),
            ("Carichi di lavoro", reverse("dashboard:caseloads")),
        ]
        # The test client talks to the site in this process, inside this transaction; it
        # needs its host name allowed and no redirect to HTTPS.
        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False
        ):
            client = Client()
            client.force_login(data.coordinator)
            _pass_second_factor(client, data.coordinator)
            for name, url in pages:
                self._measure(client, name, url, runs)

    def _measure(self, client, name, url, runs):
        # With DEBUG on, the queries of the data creation fill the connection's log.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)  # the first run also warms the caches
        if response.status_code != 200:
            raise CommandError(f"{name}: risposta {response.status_code} da {url}")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - started)
        self.stdout.write(
            f"{name}: mediana {statistics.median(timings) * 1000:.0f} ms, "
            f"min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
            f"su {runs} esecuzioni; {len(queries)} query"
        )
