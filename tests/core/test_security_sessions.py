"""Session controls (ASVS 3.2.1, 3.3.1, 3.3.2, 8.2.1): new key at login, idle
and absolute timeouts enforced on the server, sessions of deactivated users end,
logged-in pages are never cached, and the page warns before the idle timeout."""

import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from core.middleware import LAST_ACTIVITY_KEY, LOGIN_AT_KEY
from core.models import SecurityEvent

pytestmark = pytest.mark.django_db

HOME = "/"
Kind = SecurityEvent.Kind


def shift_clock(client, *, idle=0, since_login=0):
    """Pretend the last request was `idle` seconds ago and the login `since_login`."""
    session = client.session
    now = int(time.time())
    session[LAST_ACTIVITY_KEY] = now - idle
    session[LOGIN_AT_KEY] = now - max(since_login, idle)
    session.save()


def test_limits_are_thirty_minutes_idle_and_ten_hours_in_all():
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 10 * 60 * 60
    assert settings.SESSION_TIMEOUT_WARNING == 2 * 60


def test_login_gives_a_new_session_key(client, alice):
    session = client.session
    session["before_login"] = True
    session.save()
    key_before = session.session_key
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.session.session_key != key_before
    assert not Session.objects.filter(session_key=key_before).exists()
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_activity_within_the_idle_limit_keeps_the_session(client_for, alice):
    client = client_for(alice)
    shift_clock(client, idle=29 * 60)
    assert client.get(HOME).status_code == 200
    # ... and the request counts as activity: the idle clock starts again.
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_idle_session_is_ended_on_the_server(client_for, alice):
    client = client_for(alice)
    shift_clock(client, idle=31 * 60)
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "La sessione è scaduta per inattività" in response.text
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(kind=Kind.LOGOUT)
    assert event.user == alice
    assert event.details == {"reason": "idle_timeout"}


def test_session_ends_after_the_absolute_limit_however_active(client_for, alice):
    client = client_for(alice)
    shift_clock(client, idle=10, since_login=10 * 60 * 60 + 1)
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "durata più del massimo consentito" in response.text
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.get(kind=Kind.LOGOUT).details == {"reason": "absolute_timeout"}


def test_htmx_request_of_an_idle_session_redirects_the_whole_page(client_for, alice):
    client = client_for(alice)
    shift_clock(client, idle=31 * 60)
    response = client.get(
        HOME, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/casi/"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('login')}?next=%2Fcasi%2F"


def test_keep_alive_restarts_the_idle_clock(client_for, alice):
    client = client_for(alice)
    shift_clock(client, idle=28 * 60)
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 200
    assert 30 * 60 - 5 <= response.json()["expires_in"] <= 30 * 60
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_keep_alive_cannot_stretch_the_absolute_limit(client_for, alice):
    client = client_for(alice)
    shift_clock(client, since_login=10 * 60 * 60 - 60)
    assert client.post(reverse("session_keep_alive")).json()["expires_in"] <= 60


def test_keep_alive_is_post_only_and_needs_login(client, client_for, alice):
    assert client.post(reverse("session_keep_alive")).status_code == 302  # to the login
    assert client_for(alice).get(reverse("session_keep_alive")).status_code == 405


@pytest.mark.parametrize("how", ["save", "update"])
def test_deactivating_a_user_ends_their_live_session(client_for, alice, how):
    client = client_for(alice)
    assert client.get(HOME).status_code == 200
    key = client.session.session_key
    alice.is_active = False
    if how == "save":
        alice.save()
    else:
        type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()
    event = SecurityEvent.objects.get(kind=Kind.LOGOUT)
    assert (event.user, event.details) == (alice, {"reason": "account_disabled"})


def test_deactivation_ends_the_session_even_with_a_backend_that_allows_inactive_users(
    settings, alice
):
    backend = "django.contrib.auth.backends.AllowAllUsersModelBackend"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, backend]
    client = Client()
    client.force_login(alice, backend=backend)
    assert client.get(HOME).status_code == 200
    alice.is_active = False
    alice.save()
    response = client.get(HOME)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_other_users_sessions_survive_a_deactivation(alice, carla):
    alice_client, carla_client = Client(), Client()
    alice_client.force_login(alice)
    carla_client.force_login(carla)
    alice.is_active = False
    alice.save()
    assert alice_client.get(HOME).status_code == 302
    assert carla_client.get(HOME).status_code == 200


def test_logged_in_pages_are_not_stored_by_any_cache(client_for, alice):
    response = client_for(alice).get(HOME)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_keep_alive_answer_is_not_stored_either(client_for, alice):
    response = client_for(alice).post(reverse("session_keep_alive"))
    assert "no-store" in response["Cache-Control"]


def test_pages_carry_the_idle_warning_for_logged_in_users_only(client, client_for, alice):
    assert 'id="session-timeout"' not in client.get(reverse("login")).text
    page = client_for(alice).get(HOME).text
    dialog = re.search(r'<div class="modal fade" id="session-timeout"[^>]*>', page, re.S).group(0)
    expires_in = int(re.search(r'data-expires-in="(\d+)"', dialog).group(1))
    assert 30 * 60 - 20 <= expires_in <= 30 * 60
    assert 'data-warning="120"' in dialog
    assert f'data-keep-alive-url="{reverse("session_keep_alive")}"' in dialog
    assert 'role="alertdialog"' in dialog and 'aria-labelledby="session-timeout-title"' in dialog
    assert "Resta collegato" in page
    assert re.search(r'<script src="/static/js/session-timeout\.js" nonce="[^"]+"></script>', page)
