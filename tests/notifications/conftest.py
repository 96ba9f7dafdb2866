import smtplib

import pytest
from django.core.mail.backends import locmem


class FlakyBackend(locmem.EmailBackend):
    """The test mail server: refuses the next `failures_left` messages, as a server that
    is down would, with an address in its words; then accepts into mail.outbox."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected(
                "Connection closed while sending to carla@example.org"
            )
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.conftest.FlakyBackend"}}
    FlakyBackend.failures_left = 0
    yield FlakyBackend
    FlakyBackend.failures_left = 0
