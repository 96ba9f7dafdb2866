"""Every user changes their own password from "Sicurezza dell'account": the old one
first, the new one under the password rules; the session goes on with a new key, the
other sessions of the account end, and the change is in the security log."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import SecurityEvent
from tests.a11y import accessibility_problems

URL = "/profilo/sicurezza/password/"
OLD = "correct-horse-battery"
NEW = "tetto-sopra-la-testa-2026"


def test_the_address():
    assert reverse("password_change") == URL


@pytest.mark.django_db
def test_account_security_links_to_the_password_change(client_for, alice):
    html = client_for(alice).get(reverse("account_security")).content.decode()
    assert f'href="{URL}"' in html
    assert "Cambia la password" in html


@pytest.mark.django_db
def test_the_form_is_accessible(client_for, alice):
    response = client_for(alice).get(URL)
    assert response.status_code == 200
    assert accessibility_problems(response.content.decode()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["alice", "carla", "marco", "admin_user"])
def test_every_user_changes_their_password(request, client_for, user):
    person = request.getfixturevalue(user)
    person.set_password(OLD)
    person.save()
    client = client_for(person)
    old_key = client.session.session_key
    other = Client()
    other.force_login(person)

    response = client.post(URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_security")
    person.refresh_from_db()
    assert person.check_password(NEW)
    # Still logged in here, on a new session key; the other session has ended.
    assert client.session.session_key != old_key
    page = client.get(reverse("account_security"))
    assert page.status_code == 200
    assert "Password cambiata" in page.content.decode()
    assert other.get(reverse("account_security")).status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_CHANGED)
    assert event.user == person
    assert OLD not in str(event.details) and NEW not in str(event.details)


@pytest.mark.django_db
def test_the_old_password_must_be_right(client_for, alice):
    alice.set_password(OLD)
    alice.save()
    response = client_for(alice).post(
        URL, {"old_password": "sbagliata", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(OLD)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("corta1", "troppo corta"),
        ("123456789012345", "interamente numerica"),
        ("password123456", "troppo comune"),
    ],
)
def test_the_new_password_follows_the_rules(client_for, alice, new, message):
    alice.set_password(OLD)
    alice.save()
    response = client_for(alice).post(
        URL, {"old_password": OLD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(OLD)


@pytest.mark.django_db
def test_someone_not_logged_in_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
