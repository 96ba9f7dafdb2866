"""The household history reads like a story: names, not ids; labels of choices, not
codes; levels by domain; file names, not storage paths; dates and amounts the way the
reader writes them, and field labels in the reader's language. Only how each event
reads: which events a reader sees is tests/beneficiaries/test_history_privacy.py."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from beneficiaries.services import pathway as pathway_services
from core import audit
from tests.beneficiaries.pathway_helpers import all_levels, pdf_upload
from tests.factories import GoalFactory, PersonFactory, SupportPlanFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def history(client, household, language="it"):
    client.cookies["django_language"] = language
    response = client.get(reverse("beneficiaries:household_history", args=[household.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return text.replace(" : ", ": ")


@pytest.fixture
def story(alice, case_alfa, private_storage_root):
    """One event of each kind of change, written by the services."""
    plan = pathway_services.plan_create(
        user=alice, case=case_alfa, agreed_on=D(2026, 2, 1), review_interval_months=3
    )
    pathway_services.goal_add(user=alice, plan=plan, domain="work", description="Un lavoro")
    pathway_services.assessment_record(
        user=alice,
        case=case_alfa,
        moment="entry",
        taken_on=D(2026, 2, 1),
        levels=all_levels(2, housing=5),
    )
    document = pathway_services.document_upload(
        user=alice,
        case=case_alfa,
        kind="identity",
        file=pdf_upload("carta-identita.pdf"),
        person=case_alfa.household.members.get(),
        expires_on=D(2027, 3, 31),
    )
    return {"plan": plan, "document": document}


def test_history_in_italian_names_labels_levels_files_and_dates(
    client_for, carla, case_alfa, story
):
    page = history(client_for(carla), case_alfa.household)
    # Foreign keys by name: the case, the person, the user.
    assert "Presa in carico: — → Presa in carico in Casa Alfa" in page
    assert "Fatima El Amrani" in page and "Alice Rossi" in page
    # Choices by label, dates the Italian way.
    assert "Lavoro" in page and "Ogni tre mesi" in page
    assert "— → 01/02/2026" in page and "— → 31/03/2027" in page
    assert "2026-02-01" not in page
    # The levels by the scale's domain names.
    assert "Livelli: — → Situazione abitativa 5 · " in page
    assert "'housing'" not in page
    # The file by the name it was uploaded with, never the storage path.
    assert "carta-identita.pdf" in page
    assert story["document"].file.name not in page and "documents/" not in page
    # The plan's name carries its date the Italian way too.
    assert "Progetto individualizzato del 01/02/2026" in page


def test_history_in_english_translates_labels_and_dates(client_for, carla, case_alfa, story):
    page = history(client_for(carla), case_alfa.household, "en")
    assert "Levels: — → Housing situation 5 · Home care and living together 2" in page
    assert "Case: — → Case in Casa Alfa" in page
    assert "Review frequency: — → Every three months" in page
    assert "Kind of document: — → Identity document" in page
    assert "Expires on: — → 31/03/2027" in page
    assert "Livelli" not in page and "Presa in carico:" not in page
    assert "Ogni tre mesi" not in page and "Scade il" not in page


def test_a_related_row_of_another_household_is_not_named(client_for, carla, alice, case_alfa):
    stranger = PersonFactory(first_name="Estranea", last_name="Altrove")
    goal = GoalFactory(plan=SupportPlanFactory(case=case_alfa))
    audit.record(
        actor=alice,
        action=audit.Action.UPDATE,
        instance=goal,
        household=case_alfa.household,
        case=case_alfa,
        changes={"plan_id": [999999, goal.plan_id]},
    )
    audit.AuditEvent.objects.create(
        actor=alice,
        action=audit.Action.UPDATE,
        model_label="beneficiaries.Document",
        object_id="1",
        object_repr="Documento",
        household=case_alfa.household,
        case=case_alfa,
        changes={"person_id": [None, stranger.pk]},
    )
    page = history(client_for(carla), case_alfa.household)
    assert "Estranea" not in page, "a person of another household is never named"
    assert "Di chi: — → (non disponibile)" in page
    assert "Progetto: (non disponibile) → Progetto individualizzato del" in page
    assert "999999" not in page


def test_history_queries_do_not_grow_with_the_events(
    client_for, carla, alice, case_alfa, private_storage_root, django_assert_num_queries
):
    client = client_for(carla)
    url = reverse("beneficiaries:household_history", args=[case_alfa.household.public_id])
    plan = pathway_services.plan_create(user=alice, case=case_alfa, agreed_on=D(2026, 2, 1))
    pathway_services.goal_add(user=alice, plan=plan, domain="work", description="Uno")
    pathway_services.document_upload(
        user=alice,
        case=case_alfa,
        kind="other",
        file=pdf_upload("primo.pdf"),
        person=case_alfa.household.members.get(),
    )
    client.get(url)
    # One query per kind of row named (case, plan, person, user), not per event.
    with django_assert_num_queries(15) as few:
        client.get(url)
    for i in range(5):
        pathway_services.goal_add(user=alice, plan=plan, domain="housing", description=f"{i}")
        pathway_services.document_upload(
            user=alice,
            case=case_alfa,
            kind="other",
            file=pdf_upload(f"f{i}.pdf"),
            person=case_alfa.household.members.get(),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
