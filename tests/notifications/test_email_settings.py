"""EMAIL_URL (django-environ) becomes Django 6.1's MAILERS entry."""

import environ
import pytest

from config.settings import _mailer


@pytest.mark.parametrize(
    "url,backend,options",
    [
        (
            "smtp+tls://abitare:s%40cret@smtp.example.org:587",
            "django.core.mail.backends.smtp.EmailBackend",
            {
                "host": "smtp.example.org",
                "port": 587,
                "username": "abitare",
                "password": "s@cret",
                "use_tls": True,
                "use_ssl": False,
            },
        ),
        (
            "smtp+ssl://smtp.example.org:465",
            "django.core.mail.backends.smtp.EmailBackend",
            {"host": "smtp.example.org", "port": 465, "use_ssl": True, "use_tls": False},
        ),
        ("consolemail://", "django.core.mail.backends.console.EmailBackend", {}),
        (
            "filemail:////srv/mail",
            "django.core.mail.backends.filebased.EmailBackend",
            {"file_path": "/srv/mail"},
        ),
    ],
)
def test_email_url_becomes_a_mailer(url, backend, options):
    mailer = _mailer(environ.Env.email_url_config(url))
    assert mailer["BACKEND"] == backend
    for key, value in options.items():
        assert mailer["OPTIONS"][key] == value


def test_the_suite_keeps_mail_in_memory(settings):
    assert settings.MAILERS["default"]["BACKEND"].endswith("locmem.EmailBackend")
