"""The account's own events reach the account's owner, and no one else: a login from a
browser never used before, two factors turned off, a lockout."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications.kinds import Kind
from notifications.models import KnownBrowser, Notification
from notifications.services import BROWSER_COOKIE
from tests.core.test_security_two_factor import set_up_app

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def login(client, user, password=PASSWORD):
    return client.post(
        reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR="10.0.0.9"
    )


def told(kind):
    return list(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_a_login_from_a_new_browser_is_told_to_its_user_only(
    alice, bruno, django_capture_on_commit_callbacks
):
    laptop = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(laptop, alice)
    assert response.status_code == 302
    assert BROWSER_COOKIE in response.cookies  # the browser is known from now on
    assert response.cookies[BROWSER_COOKIE]["httponly"]
    # The first browser ever is not news.
    assert told(Kind.NEW_BROWSER_LOGIN) == []

    laptop.post(reverse("logout"))
    with django_capture_on_commit_callbacks(execute=True):
        login(laptop, alice)
    assert told(Kind.NEW_BROWSER_LOGIN) == []  # the same browser again

    phone = Client()
    with django_capture_on_commit_callbacks(execute=True):
        login(phone, alice)
    assert told(Kind.NEW_BROWSER_LOGIN) == ["alice"]
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert KnownBrowser.objects.filter(user=alice).count() == 2
    assert not Notification.objects.filter(recipient=bruno).exists()


def test_a_forged_browser_cookie_counts_as_a_new_browser(alice):
    login(Client(), alice)
    stranger = Client()
    stranger.cookies[BROWSER_COOKIE] = "made-up-token"
    login(stranger, alice)
    assert told(Kind.NEW_BROWSER_LOGIN) == ["alice"]


def test_turning_two_factors_off_is_told_to_the_owner(
    client, alice, carla, django_capture_on_commit_callbacks
):
    login(client, alice)
    set_up_app(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert told(Kind.TWO_FACTOR_DISABLED) == ["alice"]
    notification = Notification.objects.get(kind=Kind.TWO_FACTOR_DISABLED)
    assert notification.link == reverse("account_security")
    assert any(m.to == [alice.email] for m in mail.outbox)


def test_a_lockout_is_told_to_the_account_once_a_day(
    client, alice, bruno, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(7):
            login(client, alice, password=f"wrong-{n}")
    assert told(Kind.LOCKOUT) == ["alice"]
    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_a_lockout_of_a_name_that_is_no_account_tells_no_one(client, alice):
    for n in range(6):
        client.post(reverse("login"), {"username": "nobody", "password": f"wrong-{n}"})
    assert not Notification.objects.exists()
