"""Measure every main page on this database: `manage.py benchmark --requests 30`.

Meant for the national data set (`generate_national`), it works on any database with
cases, placements and diaries. It picks its subjects itself: the project with the most
cases and a coordinator of it, the social worker with the most open cases, the case with
the longest diary in that project (and its household), a unit of the project. Then it
requests each page as that user through Django's test client, in this process: a first
request counts the queries and the bytes of HTML, then `--requests` more are timed
(server time: from the request to the whole response, middleware included). The trivial
view (`/healthz/live`) is measured in the same run, and each page's median is given as
a multiple of its median.

With `--throughput` it also starts gunicorn (2 workers) on this database and runs wrk
(Debian's `wrk` package: `apt-get install wrk`) against the main pages with 8 and 32
connections, with the session cookies of the same users.

Development only: it writes sessions, a TOTP device for the coordinator and the audit
rows of the household file's openings (sessions and device are removed at the end).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Case, CaseAssignment, CaseNote
from dashboard.models import FigureSnapshot
from housing.models import HousingUnit
from partners.models import StaffMembership
from projects.models import Participation, Project
from users.models import User

Role = StaffMembership.Role

# Targets of issue 14 (server time p95, in ms) by kind of page; HTML at most 200 KB.
TARGETS = {"base": None, "list": 60, "file": 60, "case": 60, "dashboard": 150, "export": 150}
MAX_HTML = 200 * 1024


@dataclass
class Page:
    key: str
    label: str
    url: str
    client: str  # which logged-in client: anonymous, worker, search, coordinator
    kind: str


@dataclass
class Subjects:
    project: Project
    coordinator: User
    worker: User
    case: Case
    unit: HousingUnit
    search: str


def pick_subjects() -> Subjects:
    biggest = (
        Case.objects.values("project").annotate(n=Count("id")).order_by("-n", "project").first()
    )
    if biggest is None:
        raise CommandError("Nessuna presa in carico nel database: esegui generate_national.")
    project = Project.objects.get(pk=biggest["project"])
    leads = Participation.objects.filter(
        project=project, role__in=Participation.COORDINATING_ROLES
    ).values("organisation")
    coordinator = (
        User.objects.filter(
            is_active=True,
            staff_memberships__organisation__in=leads,
            staff_memberships__role=Role.COORDINATOR,
            staff_memberships__is_active=True,
        )
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        raise CommandError(f"Nessun coordinatore per {project}.")
    busiest = (
        CaseAssignment.objects.filter(
            case__closed_on__isnull=True,
            worker__staff_memberships__role=Role.SOCIAL_WORKER,
            worker__staff_memberships__is_active=True,
        )
        .values("worker")
        .annotate(n=Count("id"))
        .order_by("-n", "worker")
        .first()
    )
    if busiest is None:
        raise CommandError("Nessun operatore con casi aperti.")
    worker = User.objects.get(pk=busiest["worker"])
    longest = (
        CaseNote.objects.filter(case__project=project)
        .values("case")
        .annotate(n=Count("id"))
        .order_by("-n", "case")
        .first()
    )
    case = Case.objects.select_related("household").get(
        pk=longest["case"] if longest else Case.objects.filter(project=project).first().pk
    )
    unit = HousingUnit.objects.filter(project=project).order_by("pk").first()
    reference = case.household.members.order_by("pk").first()
    return Subjects(
        project=project,
        coordinator=coordinator,
        worker=worker,
        case=case,
        unit=unit,
        search=reference.last_name if reference else "Rossi",
    )


def main_pages(s: Subjects) -> list[Page]:
    today = timezone.localdate()
    period = f"?dal={today.replace(year=today.year - 1).isoformat()}&al={today.isoformat()}"
    slug = s.project.slug

    def export(fmt):
        return reverse(
            "dashboard:project_dashboard_export",
            kwargs={"slug": slug, "table": "indicatori", "fmt": fmt},
        )

    return [
        Page("base", "Vista banale /healthz/live", reverse("healthz_live"), "anonymous", "base"),
        Page("caseload", "Casi (operatore)", reverse("beneficiaries:caseload"), "worker", "list"),
        Page(
            "search", "Casi, ricerca per nome", reverse("beneficiaries:caseload"), "search", "list"
        ),
        Page(
            "household",
            "Scheda del nucleo",
            reverse(
                "beneficiaries:household_detail", kwargs={"public_id": s.case.household.public_id}
            ),
            "coordinator",
            "file",
        ),
        Page(
            "referrals",
            "Segnalazioni",
            reverse("beneficiaries:referral_list"),
            "coordinator",
            "list",
        ),
        Page(
            "waiting",
            "Lista d'attesa",
            reverse("beneficiaries:waiting_list", kwargs={"slug": slug}),
            "coordinator",
            "list",
        ),
        Page(
            "board",
            "Tabellone occupazione",
            reverse("housing:project_board", kwargs={"slug": slug}),
            "coordinator",
            "list",
        ),
        Page(
            "matching",
            "Abbinamento alloggio",
            reverse("housing:unit_match", kwargs={"pk": s.unit.pk}),
            "coordinator",
            "list",
        ),
        Page(
            "dashboard",
            "Cruscotto del progetto",
            reverse("dashboard:project_dashboard", kwargs={"slug": slug}) + period,
            "coordinator",
            "dashboard",
        ),
        Page("csv", "Cruscotto, CSV", export("csv") + period, "coordinator", "export"),
        Page("xlsx", "Cruscotto, XLSX", export("xlsx") + period, "coordinator", "export"),
        Page(
            "network",
            "Cruscotto di rete",
            reverse("dashboard:dashboard") + period,
            "coordinator",
            "dashboard",
        ),
        Page(
            "caseloads", "Carichi di lavoro", reverse("dashboard:caseloads"), "coordinator", "list"
        ),
        Page(
            "diary",
            "Diario (caso lungo)",
            reverse("beneficiaries:diary_list", kwargs={"public_id": s.case.public_id}),
            "coordinator",
            "case",
        ),
        Page(
            "case",
            "Presa in carico (caso lungo)",
            reverse("beneficiaries:case_detail", kwargs={"public_id": s.case.public_id}),
            "coordinator",
            "case",
        ),
        Page(
            "history",
            "Storico del nucleo",
            reverse(
                "beneficiaries:household_history",
                kwargs={"public_id": s.case.household.public_id},
            ),
            "coordinator",
            "file",
        ),
        Page(
            "reporting",
            "Rendicontazione",
            reverse("dashboard:reporting") + period,
            "coordinator",
            "dashboard",
        ),
        Page(
            "contributions",
            "Quote e morosità",
            reverse("dashboard:contributions"),
            "coordinator",
            "dashboard",
        ),
        Page(
            "my_week", "Agenda della settimana", reverse("beneficiaries:my_week"), "worker", "list"
        ),
        Page(
            "project_week",
            "Agenda del progetto",
            reverse("beneficiaries:project_week", kwargs={"slug": slug}),
            "coordinator",
            "list",
        ),
        Page("my_day_worker", "La mia giornata, operatore", reverse("home"), "worker", "list"),
        Page(
            "my_day_coord", "La mia giornata, coordinatrice", reverse("home"), "coordinator", "list"
        ),
    ]


# Pages of the throughput run (wrk).
THROUGHPUT_PAGES = ("base", "household", "caseload", "diary", "dashboard")


def _pass_second_factor(client: Client, user) -> object | None:
    """Coordinators must give a second factor (core.two_factor): a confirmed TOTP app
    and a session marked verified with it, as after a right code."""
    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return None
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop("_two_factor_pending", None)  # core.two_factor.PENDING_KEY
    session.save()
    return device


def _drain(port: int) -> None:
    """Wait until the server has answered what wrk left in its queue: when wrk stops, the
    connections it opened to a slow page are still queued, and the next run would share
    the two workers with them (the household file measured 11 req/s after the caseload
    so, 58 alone). Sync workers take connections in order: once a request to the trivial
    view has been answered by each worker, the queue ahead of it is done."""
    for _ in range(2):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=120).read()  # noqa: S310


def _percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


class Command(BaseCommand):
    help = (
        "Misura le pagine principali (p50, p95, query, byte) contro la vista banale; "
        "con --throughput anche le richieste al secondo con wrk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument(
            "--pages", default="", help="Chiavi separate da virgole (tutte se vuoto)."
        )
        parser.add_argument("--throughput", action="store_true")
        parser.add_argument("--duration", type=int, default=10, help="Secondi per ogni run di wrk.")
        parser.add_argument("--connections", default="8,32")

    def handle(self, *args, requests, pages, throughput, duration, connections, **options):
        if not settings.DEBUG:
            raise CommandError("benchmark si esegue solo in sviluppo (DJANGO_DEBUG=true).")
        if requests < 1:
            raise CommandError("--requests deve essere almeno 1.")
        subjects = pick_subjects()
        wanted = {p for p in pages.split(",") if p}
        page_list = [
            p for p in main_pages(subjects) if not wanted or p.key in wanted or p.key == "base"
        ]
        self.stdout.write(
            f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); progetto "
            f"{subjects.project.slug} ({subjects.project.cases.count()} prese in carico), "
            f"coordinatrice {subjects.coordinator.username}, operatore "
            f"{subjects.worker.username} ({subjects.worker.case_assignments.filter(case__closed_on__isnull=True).count()} casi aperti), "
            f"diario di {subjects.case.notes.count()} note."
        )
        cleanup = []
        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False
        ):
            clients = self._clients(subjects, cleanup)
            # The dashboards read figures computed once (dashboard/figures.py): start
            # from none, so that each is computed by this code, and say how long that took.
            FigureSnapshot.objects.all().delete()
            try:
                rows = [self._measure(clients[p.client], p, requests) for p in page_list]
                self._table(rows, requests)
                self._figures()
                if throughput:
                    self._throughput(
                        page_list, clients, duration, [int(c) for c in connections.split(",")]
                    )
            finally:
                for thing in cleanup:
                    thing.delete()

    def _clients(self, s: Subjects, cleanup: list) -> dict[str, Client]:
        clients = {"anonymous": Client()}
        for name, user in (
            ("worker", s.worker),
            ("search", s.worker),
            ("coordinator", s.coordinator),
        ):
            client = Client()
            client.force_login(user)
            if name == "coordinator":
                device = _pass_second_factor(client, user)
                if device is not None:
                    cleanup.append(device)
            if name == "search":
                response = client.post(reverse("beneficiaries:caseload"), {"q": s.search})
                if response.status_code != 302:
                    raise CommandError(f"La ricerca nei casi ha risposto {response.status_code}.")
            cleanup.append(client.session)
            clients[name] = client
        return clients

    def _measure(self, client: Client, page: Page, requests: int) -> dict:
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        client.get(page.url)  # warm-up: a dashboard computes its figures here (see below)
        with connection.execute_wrapper(count):
            response = client.get(page.url)
        if response.status_code != 200:
            raise CommandError(f"{page.label}: risposta {response.status_code} da {page.url}")
        size = len(response.content)
        timings = []
        with override_settings(DEBUG=False):  # no query log while timing
            for _ in range(requests):
                started = time.perf_counter()
                client.get(page.url)
                timings.append((time.perf_counter() - started) * 1000)
        return {
            "page": page,
            "p50": statistics.median(timings),
            "p95": _percentile(timings, 95),
            "queries": len(queries),
            "bytes": size,
        }

    def _table(self, rows: list[dict], requests: int) -> None:
        base = next(r for r in rows if r["page"].key == "base")["p50"]
        self.stdout.write(
            f"\n{requests} richieste per pagina; rapporto = mediana / mediana della vista banale.\n"
        )
        self.stdout.write("| pagina | p50 ms | p95 ms | × banale | query | KB | obiettivo |")
        self.stdout.write("|---|---:|---:|---:|---:|---:|---|")
        for r in rows:
            page = r["page"]
            target = TARGETS[page.kind]
            verdict = "base"
            if target is not None:
                fast = r["p95"] <= target
                small = page.kind == "export" or r["bytes"] <= MAX_HTML
                verdict = f"p95 ≤ {target} ms: {'sì' if fast else 'no'}"
                if page.kind != "export":
                    verdict += f"; ≤ 200 KB: {'sì' if small else 'no'}"
            self.stdout.write(
                f"| {page.label} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p50'] / base:.1f} | "
                f"{r['queries']} | {r['bytes'] / 1024:.0f} | {verdict} |"
            )

    def _figures(self) -> None:
        snapshots = FigureSnapshot.objects.order_by("pk")
        if not snapshots:
            return
        self.stdout.write(
            "\nLe pagine dei cruscotti e le somme della coordinatrice in «La mia giornata» "
            "leggono cifre precalcolate; calcolarle (alla prima "
            "richiesta, o nel lavoro notturno refresh_figures) ha richiesto:"
        )
        for snapshot in snapshots:
            params = snapshot.params
            if snapshot.kind == "my_day_sums":  # a coordinator's sums of "La mia giornata"
                what = f"utente {params['user']}, {params['today']}"
            else:
                what = (
                    f"{len(params['projects'])} progetti, {params['start']} – {params['end']}, "
                    f"suddivisione {params['by'] or '—'}"
                )
            self.stdout.write(f"- {snapshot.kind}, {what}: {snapshot.took_ms} ms")

    def _throughput(self, page_list, clients, duration, connection_counts) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("wrk non trovato: apt-get install wrk.")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "config.wsgi",
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            env=os.environ.copy(),
            start_new_session=True,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.2)
            self.stdout.write(
                "\n| pagina (wrk, gunicorn 2 worker) | connessioni | req/s | latenza media |"
            )
            self.stdout.write("|---|---:|---:|---:|")
            for page in page_list:
                if page.key not in THROUGHPUT_PAGES:
                    continue
                client = clients[page.client]
                cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
                for n in connection_counts:
                    out = subprocess.run(  # noqa: S603
                        [wrk, f"-t{min(n, 2)}", f"-c{n}", f"-d{duration}s", "--timeout=30s",
                         "-H", f"Cookie: {cookie}", "-H", "Host: 127.0.0.1",
                         f"http://127.0.0.1:{port}{page.url}"],
                        capture_output=True, text=True, check=True,
                    ).stdout  # fmt: skip
                    _drain(port)
                    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
                    latency = re.search(r"Latency\s+(\S+)", out)
                    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
                    self.stdout.write(
                        f"| {page.label} | {n} | {rate.group(1) if rate else '?'} | "
                        f"{latency.group(1) if latency else '?'}"
                        + (f" ({errors.group(1)} errori)" if errors else "")
                        + " |"
                    )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
