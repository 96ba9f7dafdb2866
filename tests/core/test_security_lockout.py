"""Throttling of logins (ASVS 2.2.1): after AXES_FAILURE_LIMIT failures a username is
locked out from that address for the cool-off time, with an Italian page, and logged."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.models import SecurityEvent

pytestmark = pytest.mark.django_db

GOOD = "correct-horse-battery"
Kind = SecurityEvent.Kind


def attempt(client, password, username="alice", ip="10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Test browser",
    )


def fail_until_locked(client, **kwargs):
    responses = [attempt(client, f"wrong-{n}-password", **kwargs) for n in range(5)]
    assert [r.status_code for r in responses[:4]] == [200] * 4
    return responses[-1]


def test_settings_lock_after_five_failures_for_a_cool_off():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_fifth_failure_shows_the_italian_lockout_page(client, alice):
    response = fail_until_locked(client)
    assert response.status_code == 429
    assert "Accesso temporaneamente sospeso" in response.text
    assert "15 minuti" in response.text
    assert 'lang="it"' in response.text  # the site's base page, not axes' plain text
    assert "_auth_user_id" not in client.session


def test_locked_out_user_cannot_log_in_even_with_the_right_password(client, alice):
    fail_until_locked(client)
    response = attempt(client, GOOD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, alice, carla):
    fail_until_locked(client)
    # The same person from another address, and another user from the same address.
    assert attempt(client, GOOD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, GOOD, username="carla").status_code == 302


def test_lockout_ends_after_the_cool_off(client, alice):
    fail_until_locked(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(client, GOOD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_success_before_the_limit_resets_the_count(client, alice):
    for n in range(4):
        attempt(client, f"wrong-{n}-password")
    assert attempt(client, GOOD).status_code == 302
    client.logout()
    for n in range(4):
        assert attempt(client, f"again-{n}-wrong").status_code == 200


def test_failures_and_lockout_are_in_the_security_log(client, alice):
    fail_until_locked(client)
    failed = SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED)
    assert failed.count() == 5
    assert {e.username for e in failed} == {"alice"}
    lockout = SecurityEvent.objects.get(kind=Kind.LOCKOUT)
    assert lockout.username == "alice"
    assert lockout.ip_address == "10.0.0.1"
    assert lockout.user_agent == "Test browser"
    assert lockout.details == {"failures": 5}


def test_admin_login_is_throttled_too(client, admin_user):
    for n in range(4):
        client.post(
            reverse("admin:login"),
            {"username": "admin", "password": f"wrong-{n}-password"},
            REMOTE_ADDR="10.0.0.9",
        )
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": GOOD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429


def test_successful_logins_are_kept_once_in_our_log_not_in_axes_too(client, alice):
    assert attempt(client, GOOD).status_code == 302
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN, user=alice).count() == 1
    assert not AccessLog.objects.exists()


# Password spraying: many names from one address (issue 11) ---------------------------


def spray(client, count, ip="10.0.0.7", names=8):
    return [
        attempt(client, f"spray-{n}-password", username=f"user{n % names}", ip=ip)
        for n in range(count)
    ]


def test_settings_add_a_higher_limit_per_address_across_usernames():
    assert settings.AXES_IP_FAILURE_LIMIT == 20
    assert settings.AXES_IP_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_HANDLER == "core.lockout.AddressAwareDatabaseHandler"


def test_spraying_many_usernames_from_one_address_is_blocked(client, alice):
    # 19 failures over 8 names: no pair reaches 5, the address is still allowed.
    responses = spray(client, 19)
    assert {r.status_code for r in responses} == {200}
    # The 20th locks the address out: the right password of a real user no longer works.
    assert spray(client, 1)[0].status_code == 429
    response = attempt(client, GOOD, ip="10.0.0.7")
    assert response.status_code == 429
    assert "con nomi utente diversi" in response.text
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert attempt(client, GOOD, ip="10.0.0.8").status_code == 302


def test_address_lockout_is_logged_once_and_ends_after_the_window(client, alice):
    spray(client, 22)
    lockouts = SecurityEvent.objects.filter(kind=Kind.LOCKOUT, details__scope="address")
    assert lockouts.count() == 1
    assert lockouts.get().ip_address == "10.0.0.7"
    assert lockouts.get().details["failures"] == 20
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, GOOD, ip="10.0.0.7").status_code == 302


def test_the_address_counter_is_in_the_shared_database(client, alice):
    # Another node wrote the failures: only the rows count, nothing in this process.
    AccessAttempt.objects.bulk_create(
        AccessAttempt(
            username=f"user{n}",
            ip_address="10.0.0.7",
            user_agent="Test browser",
            failures_since_start=4,
            attempt_time=timezone.now(),
            get_data="",
            post_data="",
            http_accept="",
            path_info="/accedi/",
        )
        for n in range(5)
    )
    assert attempt(client, GOOD, ip="10.0.0.7").status_code == 429
