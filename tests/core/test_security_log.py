"""The security log (ASVS 7.1.3, 7.1.4, 7.2.1, 7.2.2, 7.3.3; GDPR art. 32; HMIS
audit standards): who, what, when and from where for logins, failed logins, logouts,
refused accesses, exports and downloads; read-only in the admin; purged after the
retention period."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils import timezone

from beneficiaries.selectors import households as households_selectors
from beneficiaries.services import households as households_services
from core import security_log
from core.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind
URLCONF = "tests.core.test_security_log"


# A URLconf of two views that go through the real scoping layer and services, so the
# test does not depend on how the household pages are built.
def _household(request, public_id):
    household = households_selectors.household_for_user(user=request.user, public_id=public_id)
    return HttpResponse(str(household.public_id))


def _household_create(request):
    households_services.household_create(user=request.user, registered_by=None, reference_person={})
    return HttpResponse("created")


urlpatterns = [
    path("h/<uuid:public_id>/", _household, name="scoped_household"),
    path("h/new/", _household_create, name="scoped_household_create"),
    path("", include("config.urls")),
]


def login(client, password="correct-horse-battery", username="alice"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="192.0.2.7",
        HTTP_USER_AGENT="Mozilla/5.0 (tablet)",
    )


def test_login_is_logged_with_address_and_browser(client, alice):
    login(client)
    event = SecurityEvent.objects.get(kind=Kind.LOGIN)
    assert event.user == alice
    assert event.username == "alice"
    assert event.ip_address == "192.0.2.7"
    assert event.user_agent == "Mozilla/5.0 (tablet)"
    assert event.path == reverse("login")
    assert timezone.now() - event.at < timedelta(minutes=1)


def test_failed_login_is_logged_without_the_password(client, alice):
    login(client, password="not-the-password-123")
    event = SecurityEvent.objects.get(kind=Kind.LOGIN_FAILED)
    assert event.user is None
    assert event.username == "alice"
    assert "not-the-password-123" not in str(event.details)
    assert event.ip_address == "192.0.2.7"


def test_failed_login_for_an_unknown_name_is_logged_too(client, db):
    login(client, username="mallory")
    assert SecurityEvent.objects.get(kind=Kind.LOGIN_FAILED).username == "mallory"


def test_logout_is_logged(client, alice):
    login(client)
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.7")
    event = SecurityEvent.objects.get(kind=Kind.LOGOUT)
    assert event.user == alice
    assert event.details == {}


@pytest.mark.urls(URLCONF)
def test_404_from_the_scoping_layer_is_logged(client_for, bruno, household_alfa):
    response = client_for(bruno).get(f"/h/{household_alfa.public_id}/")
    assert response.status_code == 404
    event = SecurityEvent.objects.get(kind=Kind.ACCESS_DENIED)
    assert event.user == bruno
    assert event.path == f"/h/{household_alfa.public_id}/"
    assert event.details == {"status": 404, "view": "scoped_household", "method": "GET"}


@pytest.mark.urls(URLCONF)
def test_a_visible_household_is_not_an_event(client_for, alice, household_alfa):
    assert client_for(alice).get(f"/h/{household_alfa.public_id}/").status_code == 200
    assert not SecurityEvent.objects.filter(kind=Kind.ACCESS_DENIED).exists()


@pytest.mark.urls(URLCONF)
def test_403_from_a_service_is_logged(client_for, coop_alfa):
    outsider = UserFactory(username="nomember")  # no role anywhere
    response = client_for(outsider).get("/h/new/")
    assert response.status_code == 403
    event = SecurityEvent.objects.get(kind=Kind.ACCESS_DENIED)
    assert (event.user, event.details["status"]) == (outsider, 403)


def test_404_of_a_real_household_page_is_logged(client_for, bruno, household_alfa):
    url = reverse("beneficiaries:household_detail", args=[household_alfa.public_id])
    assert client_for(bruno).get(url).status_code == 404
    event = SecurityEvent.objects.get(kind=Kind.ACCESS_DENIED)
    assert event.details["view"] == "beneficiaries:household_detail"


def test_unknown_addresses_and_anonymous_visitors_are_not_access_denials(client, client_for, alice):
    client_for(alice).get("/non-esiste/")
    client.logout()
    client.get(reverse("beneficiaries:household_detail", args=[uuid.uuid4()]))
    assert not SecurityEvent.objects.filter(kind=Kind.ACCESS_DENIED).exists()


def test_record_is_there_for_exports_and_downloads(rf, alice):
    request = rf.get("/nuclei/x/esporta/", REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="UA")
    request.user = alice
    security_log.record(Kind.EXPORT, request=request, details={"household": "x"})
    security_log.record(Kind.DOWNLOAD, request=request, details={"document": 3})
    export, download = SecurityEvent.objects.order_by("id")
    assert (export.kind, export.user, export.ip_address) == (Kind.EXPORT, alice, "198.51.100.4")
    assert export.details == {"household": "x"}
    assert (download.kind, download.path) == (Kind.DOWNLOAD, "/nuclei/x/esporta/")


def test_security_log_is_read_only_in_the_admin(client, admin_user, alice):
    login(client)
    client.logout()
    client.force_login(admin_user)
    event = SecurityEvent.objects.get(kind=Kind.LOGIN, username="alice")
    listing = client.get(reverse("admin:core_securityevent_changelist"))
    assert listing.status_code == 200
    assert "alice" in listing.text
    assert client.get(reverse("admin:core_securityevent_add")).status_code == 403
    detail = client.get(reverse("admin:core_securityevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text  # no save button: nothing to change
    response = client.post(
        reverse("admin:core_securityevent_change", args=[event.pk]), {"username": "x"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:core_securityevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.username == "alice"


def test_purge_removes_only_events_older_than_the_retention(settings, alice):
    settings.SECURITY_LOG_RETENTION_DAYS = 30
    old = security_log.record(Kind.LOGIN, user=alice)
    recent = security_log.record(Kind.LOGIN, user=alice)
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    SecurityEvent.objects.filter(pk=recent.pk).update(at=timezone.now() - timedelta(days=29))
    call_command("purge_security_log")
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    call_command("purge_security_log", days=7)
    assert not SecurityEvent.objects.exists()


def test_retention_defaults_to_a_year():
    from django.conf import settings

    assert settings.SECURITY_LOG_RETENTION_DAYS == 365
