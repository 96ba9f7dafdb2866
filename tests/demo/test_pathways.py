"""The demo support pathways: written on the demo households, through the rules, once."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from beneficiaries.documents import sniff
from beneficiaries.models import (
    AutonomyAssessment,
    Case,
    CaseExit,
    CaseNote,
    Document,
    FollowUp,
    SupportPlan,
)
from dashboard.selectors import my_day as my_day_selectors
from demo.households import DEMO_NOTE, create_demo_households
from demo.pathways import create_demo_support, demo_pdf
from demo.staff import create_demo_staff
from users.models import User


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_root):
    """The network, staff, households and pathways, made once for the module and rolled
    back after it."""
    from django.test import override_settings

    with (
        override_settings(PRIVATE_STORAGE_ROOT=demo_root),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("load_network", stdout=StringIO())
        create_demo_staff()
        create_demo_households()
        yield create_demo_support()
        transaction.set_rollback(True)


def _average(assessment):
    scores = [s.level for s in assessment.scores.all()]
    return sum(scores) / len(scores)


def test_open_demo_cases_have_plans_diaries_and_documents(demo, db):
    open_cases = Case.objects.filter(household__notes=DEMO_NOTE, closed_on__isnull=True)
    with_plan = open_cases.filter(support_plan__isnull=False)
    assert with_plan.count() >= open_cases.count() * 0.8
    assert demo[0].startswith(f"Percorsi dimostrativi: {with_plan.count()} progetti")
    assert CaseNote.objects.filter(case__in=open_cases).count() > 5 * with_plan.count()
    assert CaseNote.objects.filter(kind__in=CaseNote.GROUP_KINDS, households__isnull=False)
    assert CaseNote.objects.filter(is_confidential=True).exists()
    kinds = Counter(Document.objects.values_list("kind", flat=True))
    assert {"identity", "hosting_agreement", "isee"} <= set(kinds)


def test_some_households_improve_visibly(demo, db):
    improved = 0
    for case in Case.objects.filter(household__notes=DEMO_NOTE).prefetch_related(
        "assessments__scores"
    ):
        assessments = list(case.assessments.all())
        if len(assessments) >= 2 and _average(assessments[-1]) - _average(assessments[0]) >= 1:
            improved += 1
    assert improved >= 5


def test_every_assessment_covers_the_ten_domains(demo, db):
    counts = Counter(
        AutonomyAssessment.objects.values_list("pk", flat=True).filter(scores__isnull=False)
    )
    assert counts and set(counts.values()) == {10}


def test_closed_cases_have_their_exit_and_follow_ups(demo, db):
    closed = Case.objects.filter(household__notes=DEMO_NOTE, closed_on__isnull=False)
    assert CaseExit.objects.filter(case__in=closed).count() == closed.count()
    assert FollowUp.objects.filter(case__in=closed).count() == 3 * closed.count()
    assert FollowUp.objects.filter(done_on__isnull=False).exclude(still_housed="").exists()


def test_demo_documents_are_real_pdfs_in_private_storage(demo, db, demo_root):
    document = Document.objects.order_by("pk").first()
    content = (demo_root / document.file.name).read_bytes()
    assert sniff(content[:16])[0] == "application/pdf"
    assert content.rstrip().endswith(b"%%EOF")
    assert b"FITTIZI" in content


def test_a_demo_workers_day_has_things_to_do(demo, db):
    worker = User.objects.get(username="operatore.pop")
    day = my_day_selectors.my_day(user=worker, today=timezone.localdate())
    assert day["overdue_actions"]["rows"] or day["reviews_due"]["rows"]
    assert any(day[box]["rows"] for box in ("documents_expiring", "no_contact", "follow_ups_due"))


def test_demo_support_is_written_once(demo, db):
    plans = SupportPlan.objects.count()
    assert create_demo_support() == ["Percorsi dimostrativi già presenti: nessuna modifica."]
    assert SupportPlan.objects.count() == plans


def test_demo_pdf_is_well_formed():
    content = demo_pdf("Carta d'identità", ["Titolare: Nicolò Ràdice (prova)"])
    assert content.startswith(b"%PDF-1.4")
    xref = int(content.split(b"startxref\n")[1].split(b"\n")[0])
    assert content[xref:].startswith(b"xref")
    assert b"Nicolo Radice \\(prova\\)" in content
