"""`manage.py load_demo` on an empty database: refusing without DEBUG, and what it
leaves alone of what an admin set before it ran."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partners.models import Organisation
from projects.models import Project
from tests.demo.test_load_demo import run_demo
from users.models import User

pytestmark = pytest.mark.django_db


def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="solo in sviluppo, con DEBUG attivo"):
        run_demo()
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_sets_a_demo_max_stay_only_where_none_is_set(settings):
    settings.DEBUG = True
    call_command("load_network", stdout=StringIO())
    Project.objects.filter(slug="case-desio").update(max_stay_months=6)

    run_demo()

    months = dict(Project.objects.values_list("slug", "max_stay_months"))
    assert months["case-desio"] == 6  # set by an admin: kept
    assert months["cohousing-adda-martesana"] == 24


def test_an_existing_user_keeps_their_own_password(settings):
    settings.DEBUG = True
    User.objects.create_user(username="admin", password="my-own-admin-password")

    output = run_demo()

    admin = User.objects.get(username="admin")
    assert admin.check_password("my-own-admin-password")
    assert admin.is_superuser
    assert "password già esistente, non cambiata" in output
