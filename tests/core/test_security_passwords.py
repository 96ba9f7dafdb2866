"""Password rules (ASVS 2.1.1, 2.1.7, 2.1.9): long enough, not common, not a common
password in disguise, not built on the user's names or the service's name, and no
composition rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.password_validation import BreachedLookingPasswordValidator, walk_share
from tests.factories import UserFactory

validator = BreachedLookingPasswordValidator()


def codes(password, user=None):
    try:
        validator.validate(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    "password",
    [
        "password2024!",
        "P@ssw0rd2024!",
        "!!Password1234",
        "1234567890sunshine",
        "amoreamore2024",
        "juventus19971997",
        "Forza-Inter-2010",
        "dragon12345678",
    ],
)
def test_common_password_with_digits_years_or_symbols_is_refused(password):
    assert codes(password) == {"password_breached_looking"}


@pytest.mark.parametrize(
    "password",
    [
        "qwertyuiop12",
        "1qaz2wsx3edc",
        "aaaaaaaaaaaa",
        "abcdefghijkl",
        "098765432109",
        "asdfghjklòàù",
    ],
)
def test_keyboard_walks_runs_and_repeats_are_refused(password):
    assert codes(password) == {"password_keyboard_walk"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password", ["alicerossi1990", "Rossi.Alice.2024", "alice-password-99", "4l1ce_ross1!!!!"]
)
def test_passwords_built_on_the_users_names_are_refused(password):
    alice = UserFactory.build(
        username="alice", first_name="Alice", last_name="Rossi", email="a.rossi@example.org"
    )
    assert codes(password, alice) == {"password_personal"}


@pytest.mark.parametrize("password", ["Abitare2024!", "abitare-abitare-1", "@bitare123456"])
def test_the_service_name_with_decoration_is_refused(password):
    assert codes(password) == {"password_personal"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery",
        "abitare-in-via-roma-sette",  # a passphrase that merely contains the name
        "malice-in-wonderland-123",  # contains "alice" inside another word
        "Xk9#mQ2$vLp7",
        "la casa sul lago di como",  # no composition rules: spaces, all lower case
        "tutte minuscole senza numeri",
    ],
)
def test_strong_passwords_and_passphrases_pass(password):
    alice = UserFactory.build(username="alice", first_name="Alice", last_name="Rossi")
    assert codes(password, alice) == set()


def test_walk_share_measures_only_runs_of_neighbours():
    assert walk_share("qwerty") == 1
    assert walk_share("qwXYZ") == 0  # a run of two is not a walk
    assert walk_share("zzzhorse") == pytest.approx(3 / 8)


@pytest.mark.django_db
def test_settings_apply_the_validator_and_the_minimum_length():
    user = UserFactory.build(username="carla", first_name="Carla", last_name="Bianchi")
    with pytest.raises(ValidationError) as error:
        validate_password("carlabianchi1", user)
    messages = " ".join(error.value.messages)
    assert "nome utente" in messages or "nome" in messages
    with pytest.raises(ValidationError) as error:
        validate_password("Tr0mb0ne!", user)  # too short
    assert "12" in " ".join(error.value.messages)
    validate_password("una frase lunga e personale", user)  # does not raise


@pytest.mark.django_db
def test_admin_password_form_shows_the_italian_message(client, admin_user, alice):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"password1": "Password2024!", "password2": "Password2024!"},
    )
    assert response.status_code == 200
    assert "compare negli elenchi di password rubate" in response.text
    alice.refresh_from_db()
    assert alice.check_password("correct-horse-battery")
