"""A project has one lead (capofila) at most: the database refuses a second one, and
model validation says so in words."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from projects.models import Participation
from tests.factories import OrganisationFactory, ParticipationFactory, ProjectFactory

pytestmark = pytest.mark.django_db
LEAD = Participation.Role.LEAD


def test_the_database_refuses_a_second_lead():
    project = ProjectFactory()
    ParticipationFactory(project=project, role=LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(project=project, organisation=OrganisationFactory(), role=LEAD)


def test_one_lead_per_project_and_any_number_of_other_roles():
    project, other = ProjectFactory(), ProjectFactory()
    lead = ParticipationFactory(project=project, role=LEAD)
    ParticipationFactory(project=other, organisation=lead.organisation, role=LEAD)
    for _ in range(2):
        ParticipationFactory(project=project, role=Participation.Role.PARTNER)
    assert project.participations.count() == 3


def test_validation_explains_the_rule():
    project = ProjectFactory()
    ParticipationFactory(project=project, role=LEAD)
    second = Participation(project=project, organisation=OrganisationFactory(), role=LEAD)
    with translation.override("it"), pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "Questo progetto ha già un ente capofila" in str(error.value)


def test_the_lead_itself_validates():
    lead = ParticipationFactory(role=LEAD)
    lead.notes = "capofila dal 2024"
    lead.full_clean()
