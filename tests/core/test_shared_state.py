"""What several web nodes must share lives in the database (issue 16): sessions and
django-axes' failed-login counters. The multi-node test (tests/multinode/) shows it
across two real processes; these pin the settings and their effect in one."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse


def test_sessions_and_lockout_counters_are_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    # axes' database handler, with the per-address limit on top (core/lockout.py).
    from axes.handlers.database import AxesDatabaseHandler
    from django.utils.module_loading import import_string

    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)


@pytest.mark.django_db
def test_failed_logins_are_counted_in_the_shared_table(client, alice):
    from axes.models import AccessAttempt

    client.post(reverse("login"), {"username": "alice", "password": "wrong-password-1"})
    assert AccessAttempt.objects.filter(username="alice").get().failures_since_start == 1


@pytest.mark.django_db
def test_a_session_is_a_row_any_node_can_read(client, alice):
    client.force_login(alice)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).get_decoded()["_auth_user_id"] == str(alice.pk)
