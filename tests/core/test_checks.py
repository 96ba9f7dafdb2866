"""The deployment check of the trusted proxies (core.checks): without the count, behind
a proxy, every client has the proxy's address and anyone can lock a coordinator out."""

import os
import subprocess
import sys

from django.conf import settings
from django.test import override_settings

from core import checks

PROXY_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@override_settings(DEBUG=False, SECURE_PROXY_SSL_HEADER=PROXY_HEADER, TRUSTED_PROXY_COUNT=0)
def test_production_behind_a_proxy_without_the_count_warns():
    [warning] = checks.check_trusted_proxies(None)
    assert warning.id == "abitare.W001"
    assert "DJANGO_TRUSTED_PROXY_COUNT" in warning.hint


@override_settings(DEBUG=False, SECURE_PROXY_SSL_HEADER=PROXY_HEADER, TRUSTED_PROXY_COUNT=1)
def test_production_behind_a_proxy_with_the_count_is_clean():
    assert checks.check_trusted_proxies(None) == []


@override_settings(
    DEBUG=True, SECURE_PROXY_SSL_HEADER=None, USE_X_FORWARDED_HOST=False, TRUSTED_PROXY_COUNT=1
)
def test_a_count_without_a_proxy_warns_too():
    [warning] = checks.check_trusted_proxies(None)
    assert warning.id == "abitare.W002"


@override_settings(
    DEBUG=True, SECURE_PROXY_SSL_HEADER=None, USE_X_FORWARDED_HOST=False, TRUSTED_PROXY_COUNT=0
)
def test_development_without_a_proxy_is_clean():
    assert checks.check_trusted_proxies(None) == []


def test_the_deploy_check_fails_without_the_count(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-" + "x7Qp9" * 10,
        "DJANGO_ALLOWED_HOSTS": "abitare.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "abitare.W001" in result.stdout + result.stderr
