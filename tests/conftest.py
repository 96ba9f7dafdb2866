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


# Documents in an S3-compatible bucket (issue 16) --------------------------------------


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto in server mode) on a free loopback port, for
    the whole run of this test process; its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


S3_TEST_CREDENTIALS = {"access_key": "abitare-test", "secret_key": "abitare-test-secret"}


@pytest.fixture
def s3_documents(settings, s3_server, tmp_path):
    """The documents go to a fresh private bucket on the test S3 server (and the local
    private folder is pointed at an empty temporary one, to see that nothing lands
    there). Yields (boto3 client, bucket name); the bucket is emptied and removed after."""
    import uuid

    import boto3

    from core.storage import s3_options

    bucket = f"abitare-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=S3_TEST_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_TEST_CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=bucket)
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(
                bucket=bucket,
                endpoint_url=s3_server,
                region="us-east-1",
                server_side_encryption="AES256",
                kms_key_id=None,
                prefix="",
                **S3_TEST_CREDENTIALS,
            ),
        },
    }
    yield client, bucket
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture
def siuss_codes(db):
    """The SIUSS mapping as its data migration seeds it. A test that flushes the database
    (the browser journeys' live server) takes the migration's rows with it, so tests that
    read the mapping seed it again with the migration's own function."""
    import importlib

    from django.apps import apps

    importlib.import_module("dashboard.migrations.0002_siuss_codes").seed(apps, None)


@pytest.fixture(autouse=True)
def _italian_by_default():
    """Each test starts in the default language: a request in English (LocaleMiddleware,
    the household view's middleware) leaves its language active in the thread, and a
    service called directly afterwards would answer in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
