"""Every surface that gathers several records shows each persona exactly what its own
record pages show it, and none other (issue 11, "How").

The marked world (tests/privacy/conftest.py) plants a unique marker in confidential diary
notes (the household's own cooperative's and an anti-violence centre's), in the
household's special-category record and the documents of each member, in the case,
plan and referral of another project, in the household's placement and its contribution
ledger (a payment, a suspension, arrears not the household's fault), and in group
activities written in another household's diary that name it. Its rows get the audit
trail that the services write, and the events of the network send their notifications.
For each persona, the record pages (household file, person forms, every page of every
case, referrals, the placement and its ledger) are opened one by one: the markers found
there are what that persona may read. Then every surface that gathers records — the
household history, each person's export (page and JSON), the caseload and its search,
the referral list, "La mia giornata", the notifications and the bell, the referrer's
timeline, the plan's printout, the patto di accoglienza (page and PDF), the ledger's
forms, the occupancy boards, the unit and its matching page, the contribution pages
and the office's export, the dashboards, their printouts and exports — is rendered as
the same persona, and must show no marker outside that set. The history, which is
about every record of the household, must show exactly that set (less what the diary
shows of other households' records by design: the group activities).

The tests after the first pin what the record pages and the gathering surfaces do show,
so that none of them can pass by showing nothing."""

import html
import io

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from beneficiaries.models import (
    Action,
    Case,
    CaseNote,
    Document,
    Goal,
    Referral,
    Vulnerability,
)
from core import audit
from housing.models import Placement
from notifications import kinds as notification_kinds
from notifications.models import Notification, OutgoingEmail
from tests.factories import (
    HousingUnitFactory,
    WaitingListEntryFactory,
)
from tests.privacy.conftest import ALL_MARKERS, OTHER_HOUSEHOLDS_MARKERS

pytestmark = pytest.mark.django_db

CASE_PAGES = (
    "case_detail",
    "plan_detail",
    "assessment_list",
    "diary_list",
    "document_list",
    "case_exit",
)
PERSONAS = (
    "carla",
    "alice",
    "dave",
    "olga",
    "marco",
    "bruno",
    "beta_coordinator",
    "stranger",
    "vera",
)
# The pages of the ledger that hold a form (GET shows it with the placement).
LEDGER_FORMS = (
    "payment_create",
    "contribution_change_create",
    "contribution_suspension_create",
    "arrears_flag_create",
    "repayment_plan_create",
)


@pytest.fixture
def audited_world(notified_world, group_world, household_alfa, project_beta):
    """The world's rows with the audit trail the services write as they create them
    (the placement, its ledger and the group activities were written with theirs). The
    household also waits for a place in Casa Beta, which has a unit free."""
    WaitingListEntryFactory(referral=Referral.objects.get(project=project_beta))
    HousingUnitFactory(project=project_beta, name="Bilocale Casa Beta", capacity=4)
    for note in CaseNote.objects.filter(case__household=household_alfa).select_related("case"):
        audit.record_create(actor=None, instance=note, household=household_alfa, case=note.case)
    for document in Document.objects.filter(case__household=household_alfa).select_related("case"):
        audit.record_create(
            actor=None, instance=document, household=household_alfa, case=document.case
        )
    for goal in Goal.objects.filter(plan__case__household=household_alfa).select_related(
        "plan__case"
    ):
        audit.record_create(
            actor=None, instance=goal, household=household_alfa, case=goal.plan.case
        )
    for action in Action.objects.filter(goal__plan__case__household=household_alfa).select_related(
        "goal__plan__case"
    ):
        audit.record_create(
            actor=None, instance=action, household=household_alfa, case=action.goal.plan.case
        )
    for vulnerability in Vulnerability.objects.filter(household=household_alfa):
        audit.record_create(actor=None, instance=vulnerability, household=household_alfa)
    for referral in Referral.objects.filter(household=household_alfa):
        audit.record_create(actor=None, instance=referral, household=household_alfa)
    return {**notified_world, **group_world}


def text_of(response) -> str:
    """What a page, a download (CSV, XLSX) or a PDF printout says; "" unless it is 200."""
    if response.status_code != 200:
        return ""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return content.decode("utf-8", errors="replace")


def found(response, typed: str = "") -> set[str]:
    """The markers in a page; `typed`, what the user searched for, is left out (the page
    may repeat the user's own words)."""
    text = text_of(response)
    if typed:
        text = text.replace(typed, "")
    return {marker for marker in ALL_MARKERS if marker in text}


def record_pages(household) -> list[str]:
    urls = [reverse("beneficiaries:household_detail", args=[household.public_id])]
    urls += [
        reverse("beneficiaries:person_update", args=[p.public_id]) for p in household.members.all()
    ]
    for case in Case.objects.filter(household=household):
        urls += [reverse(f"beneficiaries:{name}", args=[case.public_id]) for name in CASE_PAGES]
    urls += [
        reverse("beneficiaries:referral_detail", args=[r.public_id])
        for r in Referral.objects.filter(household=household)
    ]
    for placement in Placement.objects.filter(household=household):
        urls += [
            reverse("housing:placement_detail", args=[placement.public_id]),
            reverse("housing:contribution_detail", args=[placement.public_id]),
        ]
    return urls


def gathering_surfaces(household, projects) -> dict[str, str]:
    surfaces = {
        "history": reverse("beneficiaries:household_history", args=[household.public_id]),
        "caseload": reverse("beneficiaries:caseload"),
        "referral list": reverse("beneficiaries:referral_list"),
        "home (La mia giornata)": reverse("home"),
        "notifications": reverse("notifications:list"),
        "notification bell": reverse("notifications:bell"),
        "network dashboard": reverse("dashboard:dashboard"),
        "caseloads": reverse("dashboard:caseloads"),
        "network dashboard printout": reverse("dashboard:dashboard_print"),
    }
    for table in ("operatori", "progetti", "prese-in-carico"):
        surfaces[f"caseloads export {table}"] = reverse(
            "dashboard:caseloads_export", args=[table, "csv"]
        )
    surfaces["contributions (office)"] = reverse("dashboard:contributions")
    for fmt in ("csv", "xlsx"):
        surfaces[f"contributions export {fmt}"] = reverse(
            "dashboard:contributions_export", args=[fmt]
        )
    surfaces["boards"] = reverse("housing:board_index")
    # Italian reporting (issue 19): figures, the Ambito's tables and the SIUSS file (names
    # and tax codes of the households the organisation sent).
    surfaces["reporting"] = reverse("dashboard:reporting")
    for table in ("cifre", "ethos-uscita", "ethos-follow-up"):
        surfaces[f"reporting export {table}"] = reverse(
            "dashboard:reporting_export", args=[table, "csv"]
        )
    surfaces["temporary housing monitoring"] = reverse("dashboard:temporary_monitoring")
    surfaces["temporary housing export"] = reverse(
        "dashboard:temporary_monitoring_export", args=["csv"]
    )
    surfaces["siuss"] = reverse("dashboard:siuss")
    for fmt in ("csv", "xlsx"):
        surfaces[f"siuss export {fmt}"] = reverse("dashboard:siuss_export", args=[fmt])
    for placement in Placement.objects.filter(household=household).select_related("unit__property"):
        unit = placement.unit
        surfaces[f"unit {unit.name}"] = reverse("housing:unit_detail", args=[unit.pk])
        surfaces[f"property board {unit.property.name}"] = reverse(
            "housing:property_board", args=[unit.property_id]
        )
        surfaces[f"patto {unit.name}"] = reverse(
            "housing:placement_agreement", args=[placement.public_id]
        )
        surfaces[f"patto pdf {unit.name}"] = reverse(
            "housing:placement_agreement_pdf", args=[placement.public_id]
        )
        for name in LEDGER_FORMS:
            surfaces[f"{name} {unit.name}"] = reverse(f"housing:{name}", args=[placement.public_id])
    for referral in Referral.objects.filter(household=household).select_related("project"):
        surfaces[f"referrer's timeline {referral.project.slug}"] = reverse(
            "dashboard:referral_timeline", args=[referral.public_id]
        )
    for case in Case.objects.filter(household=household).select_related("project"):
        surfaces[f"plan printout {case.project.slug}"] = reverse(
            "beneficiaries:plan_print", args=[case.public_id]
        )
        surfaces[f"contributions of case {case.project.slug}"] = reverse(
            "housing:case_contributions", args=[case.public_id]
        )
    for person in household.members.all():
        surfaces[f"export page {person}"] = reverse("privacy:person_data", args=[person.public_id])
        surfaces[f"export json {person}"] = reverse(
            "privacy:person_data_json", args=[person.public_id]
        )
    for project in projects:
        surfaces[f"waiting list {project.slug}"] = reverse(
            "beneficiaries:waiting_list", args=[project.slug]
        )
        surfaces[f"occupancy board {project.slug}"] = reverse(
            "housing:project_board", args=[project.slug]
        )
        for unit in project.housing_units.all():
            surfaces[f"matching {unit.name}"] = reverse("housing:unit_match", args=[unit.pk])
        surfaces[f"dashboard {project.slug}"] = reverse(
            "dashboard:project_dashboard", args=[project.slug]
        )
        surfaces[f"dashboard printout {project.slug}"] = reverse(
            "dashboard:project_dashboard_print", args=[project.slug]
        )
        surfaces[f"funder report {project.slug}"] = reverse(
            "dashboard:funder_report", args=[project.slug]
        )
        surfaces[f"funder report xlsx {project.slug}"] = reverse(
            "dashboard:funder_report_xlsx", args=[project.slug]
        )
        for table in ("indicatori", "andamento", "uscite"):
            surfaces[f"dashboard export {project.slug} {table}"] = reverse(
                "dashboard:project_dashboard_export", args=[project.slug, table, "csv"]
            )
    return surfaces


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_surface_shows_only_what_the_record_pages_show(
    request, client_for, audited_world, household_alfa, project_alfa, project_beta, persona
):
    client = client_for(request.getfixturevalue(persona))
    may_read = set()
    for url in record_pages(household_alfa):
        may_read |= found(client.get(url))

    leaks = {}
    for name, url in gathering_surfaces(household_alfa, [project_alfa, project_beta]).items():
        extra = found(client.get(url)) - may_read
        if extra:
            leaks[name] = extra
    # The caseload's search by name, and by a marker (search must not be an oracle).
    for term in ("El Amrani", *sorted(ALL_MARKERS)):
        response = client.post(reverse("beneficiaries:caseload"), {"q": term}, follow=True)
        extra = found(response, typed=term) - may_read
        if extra:
            leaks[f"caseload search {term}"] = extra
    assert leaks == {}

    history = client.get(
        reverse("beneficiaries:household_history", args=[household_alfa.public_id])
    )
    if history.status_code == 200:
        assert found(history) == may_read - OTHER_HOUSEHOLDS_MARKERS


# The test above could pass by showing nothing: these pin what the pages do show.
ALFA_FILE = {"MK-OPEN-NOTE", "MK-SPECIAL-MOTHER", "MK-MOTHER-DOC", "MK-CHILD-DOC"}
# The placement's page (anyone who sees the case) and what its plan and diary show.
ALFA_CASE = ALFA_FILE | {"MK-PLACEMENT-END", "MK-GROUP-NOTE", "MK-ACTION-DUE"}
LEDGER = {"MK-LEDGER-PAYMENT", "MK-LEDGER-RECEIPT", "MK-LEDGER-SUSPENSION", "MK-LEDGER-ARREARS"}
BETA_CASE = {
    "MK-BETA-NOTE",
    "MK-BETA-GOAL",
    "MK-SPECIAL-MOTHER",
    # Casa Beta's diary shows the group activities written by Beta, and in whose diary.
    "MK-GROUP-NOTE",
    "MK-GROUP-CONF",
    "MK-GROUP-HOST",
}
EXPECTED_READS = {
    # Alfa's coordinator: Casa Alfa's file, its own confidential note, the special
    # categories, the placement and its ledger, the group activity the household took
    # part in (not Beta's confidential one, nor in whose diary it is written); never the
    # anti-violence centre's note nor Casa Beta's case.
    "carla": ALFA_CASE | LEDGER | {"MK-CONF-OWN"},
    # Alfa's workers, assigned to the case or not: the same (Alfa holds the case).
    "alice": ALFA_CASE | LEDGER | {"MK-CONF-OWN"},
    "dave": ALFA_CASE | LEDGER | {"MK-CONF-OWN"},
    # Alfa's organisation admin does no casework.
    "olga": set(),
    # The referrer: the referral it sent to Casa Beta; no casework, no special categories.
    "marco": {"MK-BETA-REFERRAL"},
    # Beta's worker: Casa Beta's case (Beta holds it).
    "bruno": BETA_CASE,
    # Beta's coordinator: Casa Beta's case and the referral it received.
    "beta_coordinator": BETA_CASE | {"MK-BETA-REFERRAL"},
    "stranger": set(),
    # The anti-violence centre's coordinator, assigned to Casa Alfa's case: her centre's
    # confidential note, not Alfa's; the placement, not its ledger.
    "vera": ALFA_CASE | {"MK-CONF-OTHER"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_READS))
def test_the_record_pages_show_each_persona_its_own_markers(
    request, client_for, audited_world, household_alfa, persona
):
    client = client_for(request.getfixturevalue(persona))
    may_read = set()
    for url in record_pages(household_alfa):
        may_read |= found(client.get(url))
    assert may_read == EXPECTED_READS[persona]


# What the gathering surfaces show that is no marker: the household's names, the unit
# it lives in, its contribution. (surface, persona): (words it must show, words it must
# not show). A surface is named as in `gathering_surfaces`, without the row's number.
NAMES = {"Fatima El Amrani", "Amir El Amrani"}
UNIT = "Trilocale Via dei Tigli"
SURFACE_PINS = {
    # The patto: the people placed, the unit and its address, the monthly contribution;
    # for whoever sees the placement, the centre's coordinator too.
    (f"patto {UNIT}", "carla"): (NAMES | {UNIT, "120,00"}, LEDGER),
    (f"patto {UNIT}", "vera"): (NAMES | {UNIT, "120,00"}, set()),
    (f"patto pdf {UNIT}", "carla"): (NAMES | {UNIT}, set()),
    (f"patto pdf {UNIT}", "vera"): (NAMES | {UNIT}, set()),
    # The unit and the boards of the project's housing.
    (f"unit {UNIT}", "carla"): ({"El Amrani", UNIT}, set()),
    (f"unit {UNIT}", "alice"): ({"El Amrani", UNIT}, set()),
    ("occupancy board casa-alfa", "carla"): ({UNIT}, set()),
    ("property board Casa Via dei Tigli", "carla"): ({UNIT}, set()),
    (f"matching {UNIT}", "carla"): ({UNIT}, set()),
    # The household waits in Casa Beta: Beta's coordinator matches it with a free unit.
    ("matching Bilocale Casa Beta", "beta_coordinator"): ({"Fatima El Amrani"}, {UNIT}),
    ("waiting list casa-beta", "beta_coordinator"): ({"El Amrani"}, {UNIT}),
    # The ledger's forms name the placement for whom may write it.
    (f"payment_create {UNIT}", "carla"): ({"El Amrani", UNIT}, set()),
    (f"arrears_flag_create {UNIT}", "alice"): ({"El Amrani", UNIT}, set()),
    # The office's contribution pages and exports: the placement's row for whom may read
    # its ledger; none for the centre's coordinator, who sees the placement.
    ("contributions (office)", "carla"): ({"El Amrani", UNIT}, set()),
    ("contributions (office)", "dave"): ({"El Amrani", UNIT}, set()),
    ("contributions (office)", "vera"): (set(), {"El Amrani", UNIT}),
    ("contributions (office)", "beta_coordinator"): (set(), {"El Amrani", UNIT}),
    ("contributions export csv", "carla"): ({"El Amrani", UNIT}, set()),
    ("contributions export xlsx", "alice"): ({"El Amrani", UNIT}, set()),
    ("contributions export csv", "vera"): (set(), {"El Amrani", UNIT}),
    ("contributions export xlsx", "vera"): (set(), {"El Amrani", UNIT}),
    ("contributions of case casa-alfa", "carla"): ({"El Amrani", UNIT}, set()),
    # The referrer's timeline of Casa Alfa's referral: placed, in which town, not where.
    ("referrer's timeline casa-alfa", "marco"): ({"El Amrani", "Pozzuolo Martesana"}, {UNIT}),
    # The history names the placement for whoever sees the case.
    ("history", "vera"): ({UNIT}, LEDGER),
    # The SIUSS file: the households the referrer's organisation sent, nobody else's.
    ("siuss export csv", "marco"): ({"El Amrani"}, set()),
    ("siuss export xlsx", "marco"): ({"El Amrani"}, set()),
    ("siuss export csv", "bruno"): (set(), {"El Amrani"}),
    # The funder's report names the households behind the figures for who sees the cases.
    ("funder report casa-alfa", "carla"): ({"El Amrani"}, set()),
}


def _surface(surfaces: dict, name: str) -> str:
    assert name in surfaces, (name, list(surfaces))
    return surfaces[name]


@pytest.mark.parametrize("surface, persona", sorted(SURFACE_PINS))
def test_the_gathering_surfaces_show_what_they_gather(
    request, client_for, audited_world, household_alfa, project_alfa, project_beta, surface, persona
):
    client = client_for(request.getfixturevalue(persona))
    surfaces = gathering_surfaces(household_alfa, [project_alfa, project_beta])
    response = client.get(_surface(surfaces, surface))
    assert response.status_code == 200
    text = text_of(response)
    shows, hides = SURFACE_PINS[(surface, persona)]
    assert {word for word in shows if word not in text} == set()
    assert {word for word in hides if word in text} == set()


# Notifications: each persona is told of what it may see, and no e-mail names anyone.
Kind = notification_kinds.Kind
EXPECTED_NOTIFICATIONS = {
    # Casa Alfa's action due tomorrow (the coordinator's caseload is the project's); her
    # worker went past the duplicate check's limit.
    "carla": {Kind.ACTION_DUE, Kind.LOOKUPS_THROTTLED},
    "alice": {Kind.WORKER_ASSIGNED, Kind.ACTION_DUE},
    # Not assigned: no reminder of the case's deadlines.
    "dave": {Kind.WORKER_ASSIGNED},
    "olga": set(),
    # The referral it sent was accepted.
    "marco": {Kind.REFERRAL_ACCEPTED},
    # Named among the workers of Casa Alfa's case, which he may not see: not told.
    "bruno": set(),
    "beta_coordinator": {Kind.REFERRAL_SENT, Kind.REVIEW_OVERDUE},
    "stranger": set(),
    "vera": {Kind.WORKER_ASSIGNED, Kind.ACTION_DUE},
}
# Whom the e-mails must never name: the people of the households, their households,
# the staff (the colleague who went past the limit is named in the app only).
NEVER_IN_AN_EMAIL = {
    "Fatima",
    "Amir",
    "El Amrani",
    "Giada",
    "dave",
    "Davide",
    "Galli",
    "Trilocale",
    "Casa Alfa",
    "Casa Beta",
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_NOTIFICATIONS))
def test_the_notifications_tell_each_persona_what_it_may_see_and_name_nobody_by_email(
    request, client_for, audited_world, persona
):
    user = request.getfixturevalue(persona)
    notifications = list(Notification.objects.filter(recipient=user))
    assert {n.kind for n in notifications} == EXPECTED_NOTIFICATIONS[persona]

    client = client_for(user)
    page = html.unescape(text_of(client.get(reverse("notifications:list"))))
    assert {n.kind for n in notifications if n.text() in page} == EXPECTED_NOTIFICATIONS[persona]
    bell = text_of(client.get(reverse("notifications:bell")))
    assert (f">{len(notifications)}<" in bell) == bool(notifications)
    # The colleague's username, in the app only, for who is told.
    assert ("· dave" in page) == (Kind.LOOKUPS_THROTTLED in EXPECTED_NOTIFICATIONS[persona])
    # Each links to a page the recipient may open.
    for notification in notifications:
        assert client.get(notification.link).status_code == 200, notification.kind

    # The e-mails: to the user's own address, saying what kind and how many, no more.
    emails = list(OutgoingEmail.objects.filter(recipient=user))
    sent = [m for m in mail.outbox if m.to == [user.email]]
    assert len(sent) == len(emails) == len({n.digest_id or n.pk for n in notifications})
    assert all(m.to == [user.email] for m in mail.outbox if user.email in m.to)
    for email in emails:
        text = f"{email.subject}\n{email.body}"
        assert {word for word in NEVER_IN_AN_EMAIL | ALL_MARKERS if word in text} == set()
        assert {n.detail for n in notifications if n.detail and n.detail in text} == set()
        links = {line for line in text.split() if "://" in line}
        assert links <= {
            settings.SITE_URL + reverse("notifications:list"),
            settings.SITE_URL + reverse("notifications:preferences"),
        }
    for notification in notifications:
        carried = [e for e in emails if notification.text() in e.body]
        assert carried, notification.kind  # each notification reached the inbox once
