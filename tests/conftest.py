"""Named personas shared by the whole suite.

The little network they live in: cooperative *Alfa* coordinates project *Casa Alfa*,
which the municipality of *Comune Uno* refers households to; cooperative *Beta* runs
project *Casa Beta* and is the outsider to everything of Alfa.
"""

import pytest

from partners.models import Organisation, StaffMembership
from projects.models import Participation
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    StaffMembershipFactory,
    UserFactory,
)

Role = StaffMembership.Role


# The second factor in tests (issue 7) ------------------------------------------------


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(user)` skips authentication altogether; here it skips the
    second factor too, in this one place: the user gets a confirmed TOTP device and the
    session is marked verified with it, as `core.two_factor` does after a right code.
    So coordinators and admins reach their pages in every test without typing codes.

    Everything else is real: `client.login(username=..., password=...)` and the login
    form leave the session unverified, and the tests of two-factor authentication
    (tests/core/test_security_two_factor.py, tests/browser/test_two_factor_journey.py)
    use those."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from core import two_factor

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=two_factor.TOTP_DEVICE_NAME, confirmed=True
            )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.pop(two_factor.PENDING_KEY, None)
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def coop_alfa(db):
    return OrganisationFactory(name="Cooperativa Alfa", slug="alfa")


@pytest.fixture
def coop_beta(db):
    return OrganisationFactory(name="Cooperativa Beta", slug="beta")


@pytest.fixture
def comune_uno(db):
    return MunicipalityFactory(name="Comune Uno", slug="comune-uno", istat_code="015001")


@pytest.fixture
def project_alfa(coop_alfa, comune_uno):
    project = ProjectFactory(name="Casa Alfa", slug="casa-alfa")
    ParticipationFactory(
        project=project, organisation=coop_alfa, role=Participation.Role.OPERATIONAL_COORDINATOR
    )
    ParticipationFactory(
        project=project, organisation=comune_uno, role=Participation.Role.REFERRING_BODY
    )
    project.area_served.add(comune_uno)
    return project


@pytest.fixture
def project_beta(coop_beta):
    project = ProjectFactory(name="Casa Beta", slug="casa-beta")
    ParticipationFactory(project=project, organisation=coop_beta, role=Participation.Role.LEAD)
    return project


def _staff(username, organisation, role, **user_fields):
    user = UserFactory(username=username, **user_fields)
    StaffMembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def alice(coop_alfa):
    """A social worker of cooperative Alfa."""
    return _staff("alice", coop_alfa, Role.SOCIAL_WORKER, first_name="Alice", last_name="Rossi")


@pytest.fixture
def carla(coop_alfa, project_alfa):
    """The coordinator of cooperative Alfa, which coordinates project Casa Alfa."""
    return _staff("carla", coop_alfa, Role.COORDINATOR, first_name="Carla", last_name="Bianchi")


@pytest.fixture
def marco(comune_uno):
    """The municipal referrer of Comune Uno."""
    return _staff(
        "marco", comune_uno, Role.MUNICIPAL_REFERRER, first_name="Marco", last_name="Verdi"
    )


@pytest.fixture
def bruno(coop_beta, project_beta):
    """A social worker of cooperative Beta: the outsider to everything of Alfa."""
    return _staff("bruno", coop_beta, Role.SOCIAL_WORKER, first_name="Bruno", last_name="Neri")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """Log the test client in as a persona: `client_for(alice).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def network_kinds():
    return Organisation.Kind


# Households of the little network (issue 3) -----------------------------------------


@pytest.fixture
def household_alfa(comune_uno, project_alfa, coop_alfa, alice):
    """A household referred by Comune Uno to Casa Alfa, accepted, with a case held by
    Alfa and assigned to alice."""
    from tests.factories import CaseAssignmentFactory, CaseFactory, PersonFactory, ReferralFactory

    person = PersonFactory(
        household__registered_by=comune_uno,
        first_name="Fatima",
        last_name="El Amrani",
        codice_fiscale="",
    )
    household = person.household
    referral = ReferralFactory(household=household, project=project_alfa, status="accepted")
    case = CaseFactory(
        household=household, project=project_alfa, referral=referral, holding_organisation=coop_alfa
    )
    CaseAssignmentFactory(case=case, worker=alice)
    return household


@pytest.fixture
def household_beta(coop_beta, project_beta, bruno):
    """A household of cooperative Beta's project: nobody of Alfa may see it."""
    from tests.factories import CaseAssignmentFactory, CaseFactory, PersonFactory

    person = PersonFactory(
        household__registered_by=coop_beta, first_name="Giulia", last_name="Ferri"
    )
    case = CaseFactory(
        household=person.household, project=project_beta, holding_organisation=coop_beta
    )
    CaseAssignmentFactory(case=case, worker=bruno)
    return person.household


# The support pathway (issue 5) -------------------------------------------------------


@pytest.fixture
def case_alfa(household_alfa):
    """household_alfa's open case in Casa Alfa, held by Alfa, assigned to alice."""
    return household_alfa.cases.select_related("household", "holding_organisation").get()


@pytest.fixture
def dave(coop_alfa):
    """A social worker of Alfa who is not assigned to household_alfa's case."""
    return _staff("dave", coop_alfa, Role.SOCIAL_WORKER, first_name="Davide", last_name="Galli")


@pytest.fixture
def olga(coop_alfa):
    """The organisation admin of Alfa: runs the organisation, does no casework."""
    return _staff("olga", coop_alfa, Role.ORGANISATION_ADMIN, first_name="Olga", last_name="Riva")


@pytest.fixture
def private_storage_root(settings, tmp_path):
    """Households' documents go to a temporary folder."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT
