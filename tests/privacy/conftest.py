"""The marked world of the privacy tests (issue 11): a household whose records each carry
a unique marker, so that any surface can be searched for what it must not show."""

import datetime
import json

import pytest
from django.core.files.base import ContentFile

from beneficiaries.models import Document, Person, Vulnerability
from tests.factories import (
    CaseFactory,
    CaseNoteFactory,
    GoalFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    SupportPlanFactory,
)

ALL_MARKERS = {
    "MK-OPEN-NOTE",  # an ordinary diary entry of Casa Alfa: a household fact
    "MK-CHILD-DOC",  # the child's own document
    "MK-CONF-OWN",  # confidential, written by Alfa (the coordinator's own cooperative)
    "MK-CONF-OTHER",  # confidential, written by an anti-violence centre
    "MK-SPECIAL-MOTHER",  # the household's domestic-violence record
    "MK-MOTHER-DOC",  # the mother's document
    "MK-BETA-NOTE",  # diary of the household's case in Casa Beta
    "MK-BETA-GOAL",  # plan of that case
    "MK-BETA-REFERRAL",  # the referral to Casa Beta
}


def _document(case, person, title):
    document = Document(
        case=case,
        person=person,
        kind="identity",
        title=title,
        original_name="scan.pdf",
        content_type="application/pdf",
        size=8,
    )
    document.file.save("scan.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()


@pytest.fixture
def world(household_alfa, coop_alfa, coop_beta, project_beta, comune_uno, private_storage_root):
    """Fatima (reference person) and her son Amir in household_alfa, followed by Alfa in
    Casa Alfa, and also by Beta in Casa Beta."""
    fatima = household_alfa.members.get()
    amir = PersonFactory(
        household=household_alfa,
        relationship=Person.Relationship.CHILD,
        first_name="Amir",
        last_name="El Amrani",
        birth_date=datetime.date(2015, 3, 2),
        sex=Person.Sex.MALE,
    )
    case = household_alfa.cases.get()
    CaseNoteFactory(case=case, text="MK-OPEN-NOTE colloquio")
    CaseNoteFactory(case=case, text="MK-CONF-OWN", is_confidential=True)
    CaseNoteFactory(
        case=case,
        text="MK-CONF-OTHER violenza dell'ex compagno",
        is_confidential=True,
        author_organisation=OrganisationFactory(name="Centro Antiviolenza MK"),
    )
    Vulnerability.objects.create(
        household=household_alfa,
        kind=Vulnerability.Kind.DOMESTIC_VIOLENCE,
        notes="MK-SPECIAL-MOTHER",
    )
    Vulnerability.objects.create(
        household=household_alfa, kind=Vulnerability.Kind.SINGLE_PARENT, notes="genitore solo"
    )
    _document(case, fatima, "MK-MOTHER-DOC")
    _document(case, amir, "MK-CHILD-DOC")
    beta_referral = ReferralFactory(
        household=household_alfa,
        project=project_beta,
        referring_organisation=comune_uno,
        status="accepted",
        reason="MK-BETA-REFERRAL",
    )
    beta_case = CaseFactory(
        household=household_alfa,
        project=project_beta,
        referral=beta_referral,
        holding_organisation=coop_beta,
    )
    CaseNoteFactory(case=beta_case, text="MK-BETA-NOTE")
    GoalFactory(plan=SupportPlanFactory(case=beta_case), description="MK-BETA-GOAL")
    return {"fatima": fatima, "amir": amir}


def markers_in(data) -> set[str]:
    text = json.dumps(data, ensure_ascii=False)
    return {marker for marker in ALL_MARKERS if marker in text}
