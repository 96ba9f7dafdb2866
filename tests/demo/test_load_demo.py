"""`manage.py load_demo`: fictional staff on top of the real network, development only."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from core.access import access_for
from core.models import AuditEvent
from demo.staff import DEMO_PASSWORD
from partners.models import Organisation, StaffMembership
from projects.models import Project
from users.models import User

pytestmark = pytest.mark.django_db

Role = StaffMembership.Role


def run_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def staff_of(username):
    return {
        (m.organisation.slug, m.role)
        for m in StaffMembership.objects.filter(user__username=username).select_related(
            "organisation"
        )
    }


def snapshot():
    return {
        "users": sorted(User.objects.values_list()),
        "staff": sorted(StaffMembership.objects.values_list()),
        "projects": sorted(Project.objects.values_list("slug", "max_stay_months", "updated_at")),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the module (it takes seconds) and rolled back
    after it; each test runs in its own savepoint. Tests that need an empty database
    are in test_load_demo_fresh.py."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


def test_loads_the_network_and_prints_the_logins_with_the_password(demo):
    assert Organisation.objects.filter(slug="pop").exists()
    assert "operatore.pop" in demo
    assert "coord.cohousing" in demo
    assert "referente.liscate" in demo
    assert DEMO_PASSWORD in demo
    assert len(DEMO_PASSWORD) >= 12


def test_one_social_worker_per_cooperative(demo):
    cooperatives = Organisation.objects.filter(kind=Organisation.Kind.SOCIAL_COOPERATIVE)
    assert cooperatives.count() == 7
    for cooperative in cooperatives:
        assert cooperative.staff_memberships.filter(role=Role.SOCIAL_WORKER).exists(), cooperative
    assert staff_of("operatore.pop") == {("pop", Role.SOCIAL_WORKER)}


@pytest.mark.parametrize(
    ("username", "project_slug", "organisation_slug"),
    [
        ("coord.cohousing", "cohousing-adda-martesana", "pop"),
        ("coord.rete", "sistema-a-rete", "consorzio-comunita-brianza"),
        ("coord.desio", "case-desio", "consorzio-comunita-brianza"),
        ("coord.vimercate", "abitiamo-vimercate", "consorzio-comunita-brianza"),
    ],
)
def test_each_project_has_a_coordinator_who_coordinates_it(
    demo, username, project_slug, organisation_slug
):
    assert staff_of(username) == {(organisation_slug, Role.COORDINATOR)}
    user = User.objects.get(username=username)
    assert Project.objects.get(slug=project_slug).pk in access_for(user).coordinated_projects


def test_the_pop_coordinator_does_not_coordinate_the_ccb_projects(demo):
    user = User.objects.get(username="coord.cohousing")
    assert access_for(user).coordinated_projects == {
        Project.objects.get(slug="cohousing-adda-martesana").pk
    }


def test_one_referrer_per_municipality_and_per_district(demo):
    for organisation in Organisation.objects.filter(
        kind__in=[Organisation.Kind.MUNICIPALITY, Organisation.Kind.TERRITORIAL_DISTRICT]
    ):
        assert organisation.staff_memberships.filter(role=Role.MUNICIPAL_REFERRER).exists(), (
            organisation
        )
    assert staff_of("referente.liscate") == {("comune-liscate", Role.MUNICIPAL_REFERRER)}


def test_admin_is_superuser_and_others_are_not_staff(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.exclude(username="admin").filter(is_staff=True).exists()


def test_demo_users_can_log_in_with_the_demo_password(demo, client):
    assert client.login(username="operatore.pop", password=DEMO_PASSWORD)
    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert not client.login(username="admin", password="not-the-demo-password")


def test_the_audit_trail_records_the_new_users_but_never_their_password(demo):
    user = User.objects.get(username="operatore.pop")
    event = AuditEvent.objects.get(model_label=User._meta.label, object_id=str(user.pk))
    assert event.changes["username"] == [None, "operatore.pop"]
    assert "password" not in event.changes
    assert user.password not in str(event.changes)


def test_demo_people_are_recognisably_fictional(demo):
    for user in User.objects.all():
        assert user.email.endswith("@example.org")
        assert user.last_name in {"Esempio", "Prova"}


def test_second_run_changes_nothing(demo, settings):
    settings.DEBUG = True
    before = snapshot()
    run_demo()
    assert snapshot() == before


def test_demo_coordinators_and_admin_get_an_activation_code_to_set_up_two_factors(demo):
    """A demo coordinator must be able to log in: the second factor's set-up needs the
    activation code, which load_demo prints (issue 11)."""
    import re

    from core import two_factor

    for username in ("admin", "coord.cohousing"):
        line = re.search(
            rf"{re.escape(username)} .*\n\s+.*: ([a-z2-7]{{4}}(?:-[a-z2-7]{{4}}){{3}})", demo
        )
        assert line, username
        user = User.objects.get(username=username)
        assert two_factor._activation_for(user, line.group(1)) is not None
    assert "operatore.pop" in demo
    assert not re.search(r"operatore\.pop .*\n\s+codice di attivazione", demo)
