"""Issuing, opening, PIN, lockout, expiry, revocation and the end with the case."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent, SecurityEvent
from household_view import services
from household_view.models import HouseholdAccess

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def test_the_token_is_stored_only_as_a_digest(issued):
    access, token = issued
    access.refresh_from_db()
    assert token not in str(HouseholdAccess.objects.filter(pk=access.pk).values().get())
    assert access.link_token_hash == services.digest(token)
    assert SecurityEvent.objects.filter(kind=Kind.HOUSEHOLD_ACCESS_ISSUED).count() == 1
    event = AuditEvent.objects.get(model_label="household_view.HouseholdAccess", action="create")
    assert event.household_id == access.case.household_id
    assert token not in str(event.changes) and access.link_token_hash not in str(event.changes)


def test_only_the_cases_workers_issue_and_only_for_adults(
    rf, alice, dave, marco, case_alfa, member, minor
):
    request = rf.post("/")
    with pytest.raises(PermissionDenied):
        services.access_issue(request=request, user=dave, case=case_alfa, person=member)
    with pytest.raises(PermissionDenied):
        services.access_issue(request=request, user=marco, case=case_alfa, person=member)
    with pytest.raises(ValidationError):
        services.access_issue(request=request, user=alice, case=case_alfa, person=minor)
    assert not HouseholdAccess.objects.exists()


def test_the_link_works_once(client, issued):
    access, token = issued
    page = client.get(f"/percorso/entra/{token}/")
    assert page.status_code == 200  # a preview uses nothing up
    assert client.post(f"/percorso/entra/{token}/").status_code == 302
    assert client.get("/percorso/").status_code == 200
    other = client.__class__()
    refused = other.post(f"/percorso/entra/{token}/")
    assert b'data-testid="refusal"' in refused.content
    assert other.get("/percorso/").status_code == 302
    assert SecurityEvent.objects.filter(kind=Kind.HOUSEHOLD_LOGIN_FAILED).count() == 1
    access.refresh_from_db()
    assert access.opened_at is not None
    # The token is in no log: only its digest exists.
    assert not SecurityEvent.objects.filter(path__contains=token).exists()
    assert not SecurityEvent.objects.filter(details__icontains=token).exists()


def test_an_expired_link_is_refused(client, issued):
    access, token = issued
    HouseholdAccess.objects.filter(pk=access.pk).update(
        link_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.post(f"/percorso/entra/{token}/")
    assert b'data-testid="refusal"' in response.content
    assert client.get("/percorso/").status_code == 302


def test_the_member_session_is_not_a_staff_login(member_client, settings):
    assert "_auth_user_id" not in member_client.session
    assert member_client.session[services.ACCESS_SESSION_KEY]
    # A short session of its own (the phone keeps only the PIN's cookie).
    assert member_client.session.get_expiry_age() == settings.HOUSEHOLD_SESSION_SECONDS


def _set_pin(client, pin="2468"):
    response = client.post("/percorso/pin/", {"pin": pin, "pin_again": pin})
    assert response.status_code == 302, response.content
    return client.cookies[services.DEVICE_COOKIE].value


def test_pin_then_login_on_the_same_phone(member_client, issued):
    access, _token = issued
    _set_pin(member_client)
    access.refresh_from_db()
    assert access.pin_hash and "2468" not in access.pin_hash
    member_client.post("/percorso/esci/")
    assert member_client.get("/percorso/").status_code == 302
    assert member_client.post("/percorso/accedi/", {"pin": "2468"}).status_code == 302
    assert member_client.get("/percorso/").status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.HOUSEHOLD_LOGIN).count() == 1


def test_wrong_pins_lock_the_access(member_client, issued, settings):
    access, _token = issued
    _set_pin(member_client)
    member_client.post("/percorso/esci/")
    for _ in range(settings.HOUSEHOLD_PIN_FAILURE_LIMIT):
        response = member_client.post("/percorso/accedi/", {"pin": "0000"})
        assert response.status_code == 200
    access.refresh_from_db()
    assert access.is_locked()
    assert SecurityEvent.objects.filter(kind=Kind.HOUSEHOLD_LOCKOUT).count() == 1
    # Even the right PIN waits for the lock to pass.
    response = member_client.post("/percorso/accedi/", {"pin": "2468"})
    assert response.status_code == 200
    assert member_client.get("/percorso/").status_code == 302
    HouseholdAccess.objects.filter(pk=access.pk).update(
        locked_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert member_client.post("/percorso/accedi/", {"pin": "2468"}).status_code == 302


def test_too_many_refusals_from_one_address_stop_it(client, issued, settings):
    settings.HOUSEHOLD_IP_FAILURE_LIMIT = 3
    _access, token = issued
    for _ in range(3):
        client.post("/percorso/entra/not-a-token/")
    response = client.post(f"/percorso/entra/{token}/")
    assert b'data-testid="refusal"' in response.content
    assert client.get("/percorso/").status_code == 302


def test_revoking_ends_the_next_request(member_client, issued, client_for, alice):
    access, _token = issued
    from django.test import Client

    staff = Client()
    staff.force_login(alice)
    assert staff.get(f"/accessi-nucleo/{access.case.public_id}/").status_code == 200
    response = staff.post(f"/accessi-nucleo/{access.case.public_id}/{access.public_id}/revoca/")
    assert response.status_code == 302
    assert member_client.get("/percorso/").status_code == 302
    assert SecurityEvent.objects.filter(kind=Kind.HOUSEHOLD_ACCESS_REVOKED).count() == 1


def test_revoke_is_post_only_and_for_the_cases_workers(issued, client_for, bruno, dave):
    access, _token = issued
    url = f"/accessi-nucleo/{access.case.public_id}/{access.public_id}/revoca/"
    assert client_for(dave).get(url).status_code == 405
    assert client_for(dave).post(url).status_code == 403
    assert client_for(bruno).post(url).status_code == 404
    access.refresh_from_db()
    assert access.revoked_at is None


def test_access_ends_after_the_grace_period_of_a_closed_case(member_client, issued, settings):
    access, _token = issued
    case = access.case
    case.closed_on = timezone.localdate() - datetime.timedelta(days=10)
    case.save(update_fields=["closed_on"])
    assert member_client.get("/percorso/").status_code == 200  # follow-ups
    case.closed_on = timezone.localdate() - datetime.timedelta(
        days=settings.HOUSEHOLD_ACCESS_GRACE_DAYS + 1
    )
    case.save(update_fields=["closed_on"])
    assert member_client.get("/percorso/").status_code == 302
