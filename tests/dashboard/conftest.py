"""The small world of tests/dashboard/dashboard_world.py as the `world` fixture of the
dashboard's tests; a module with a world of its own (the reporting's, the sums') defines
its own `world`, which takes precedence."""

import pytest

from tests.dashboard import dashboard_world


@pytest.fixture
def world(project_alfa, project_beta, coop_alfa, coop_beta, comune_uno):
    return dashboard_world.build(
        project_alfa=project_alfa,
        project_beta=project_beta,
        coop_alfa=coop_alfa,
        coop_beta=coop_beta,
        comune_uno=comune_uno,
    )
