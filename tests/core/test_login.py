import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_public_and_italian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="it"' in response.text
    assert "Accedi ad Abitare" in response.text


def test_pages_need_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", ["alice", "nobody-has-this-name"])
def test_wrong_password_message_does_not_reveal_whether_the_account_exists(client, alice, username):
    response = client.post(reverse("login"), {"username": username, "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "Inserisci nome utente e password corretti" in response.text
    assert "_auth_user_id" not in client.session


def test_login_then_home_shows_role_and_organisation(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct-horse-battery"}, follow=True
    )
    assert response.status_code == 200
    assert "Operatore sociale" in response.text
    assert "Cooperativa Alfa" in response.text


def test_logout_is_post_only(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
