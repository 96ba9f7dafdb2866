"""The caseload's choices of project and worker are read as the UNION of the ways of
seeing a case (Access.case_values), not from the join of every visible case: they must
still be exactly the projects and the workers of the cases the user may see."""

import pytest
from django.db import connection

from beneficiaries.filters import CaseloadFilter
from beneficiaries.selectors.households import visible_cases
from projects.models import Project
from tests.factories import CaseAssignmentFactory, CaseFactory, ProjectFactory
from users.models import User


@pytest.fixture
def world(household_alfa, alice, bruno, carla, dave, coop_alfa, coop_beta, project_beta):
    # Beta's case in Casa Alfa (seen by Carla, who coordinates it), worked by Bruno;
    # Beta's case in Casa Beta with Dave, of Alfa, assigned (Dave sees it, Alice does not);
    # a case of a third project, held by Beta, with nobody of Alfa on it.
    in_alfa = CaseFactory(
        project=household_alfa.cases.get().project, holding_organisation=coop_beta
    )
    CaseAssignmentFactory(case=in_alfa, worker=bruno)
    lent = CaseFactory(project=project_beta, holding_organisation=coop_beta)
    CaseAssignmentFactory(case=lent, worker=dave)
    CaseAssignmentFactory(case=lent, worker=bruno)
    elsewhere = CaseFactory(
        project=ProjectFactory(name="Casa Gamma"), holding_organisation=coop_beta
    )
    CaseAssignmentFactory(case=elsewhere, worker=bruno)


def _choices(user):
    filters = CaseloadFilter(user=user)
    return (
        set(filters.filters["project"].queryset),
        set(filters.filters["worker"].queryset),
    )


@pytest.mark.parametrize("persona", ["alice", "carla", "dave", "bruno", "marco"])
def test_the_choices_are_the_projects_and_workers_of_the_visible_cases(request, world, persona):
    user = request.getfixturevalue(persona)
    cases = visible_cases(user=user)
    expected_projects = set(Project.objects.filter(cases__in=cases))
    expected_workers = set(User.objects.filter(case_assignments__case__in=cases))
    assert _choices(user) == (expected_projects, expected_workers)


def test_each_way_of_seeing_a_case_brings_its_project_and_workers(world, alice, carla, dave, bruno):
    names = lambda users: {u.username for u in users}  # noqa: E731
    projects, workers = _choices(dave)
    # Dave sees Alfa's cases (his organisation's) and Beta's case he is assigned to.
    assert {p.name for p in projects} == {"Casa Alfa", "Casa Beta"}
    assert names(workers) == {"alice", "dave", "bruno"}
    projects, workers = _choices(alice)
    assert {p.name for p in projects} == {"Casa Alfa"}
    assert names(workers) == {"alice"}
    projects, workers = _choices(carla)  # Casa Alfa's coordinator: Beta's case there too
    assert {p.name for p in projects} == {"Casa Alfa"}
    assert names(workers) == {"alice", "bruno"}


def test_the_choices_of_someone_outside_the_network_are_empty(world, admin_user):
    assert _choices(admin_user) == (set(), set())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only")
def test_the_search_is_answered_by_trigram_indexes_on_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'beneficiaries_person'"
        )
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["person_name_key_trgm"]
    assert "gin_trgm_ops" in indexes["person_codice_fiscale_trgm"]
