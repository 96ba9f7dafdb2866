"""E-mails: no personal data, ever; a refused e-mail is kept, retried and sent once."""

import re
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import services, tasks
from notifications.kinds import Kind, summary
from notifications.models import Notification, OutgoingEmail

pytestmark = pytest.mark.django_db
Status = OutgoingEmail.Status

# Words of the special categories and of the diary that must never leave Abitare.
FORBIDDEN_WORDS = [
    "salute",
    "sanitari",
    "malattia",
    "disabilit",
    "violenza",
    "maltratt",
    "abuso",
    "dipendenz",
    "psichi",
    "gravidanza",
    "religion",
    "etnic",
    "penale",
    "diario",
    "nota",
]


def all_email_text():
    return "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)


def test_an_email_never_contains_a_name_planted_in_the_event(
    household_alfa, alice, carla, django_capture_on_commit_callbacks
):
    member = household_alfa.members.first()
    planted = f"{member.first_name} {member.last_name}"
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[alice, carla],
            kind=Kind.REFERRAL_SENT,
            link=f"/nuclei/{household_alfa.pk}/?chi={member.last_name}",
            detail=planted,
            count=2,
        )
    assert len(mail.outbox) == 2
    text = all_email_text()
    assert summary(Kind.REFERRAL_SENT, 2) in text  # what kind of thing and how many
    for word in [member.first_name, member.last_name, "Fatima", "Amrani"]:
        assert word not in text
    # Nor the recipients' own names: only the link to log in.
    for word in [alice.first_name, alice.last_name, carla.first_name, carla.last_name]:
        assert word not in text
    assert f"{settings.SITE_URL}/notifiche/" in text
    # The app itself may show the reference to the recipient.
    assert Notification.objects.filter(detail=planted).count() == 2


@pytest.fixture
def every_kind_at_once(alice):
    from notifications.kinds import Delivery
    from notifications.models import EmailPreference

    EmailPreference.objects.bulk_create(
        EmailPreference(user=alice, kind=kind, delivery=Delivery.IMMEDIATE) for kind in Kind
    )


def test_no_kind_says_anything_of_the_special_categories(
    alice, every_kind_at_once, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for kind in Kind:
            services.notify(recipients=[alice], kind=kind, link="/", count=3)
    assert len(mail.outbox) == len(Kind)  # every kind e-mailed at once for this test
    text = all_email_text().lower()
    for word in FORBIDDEN_WORDS:
        assert word not in text, word
    assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text)  # no address in the text


def notify_alice(alice, callbacks):
    with callbacks(execute=True):
        services.notify(recipients=[alice], kind=Kind.CASE_OPENED, link="/")
    return OutgoingEmail.objects.get()


def make_due(email):
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - services.RETRY_GRACE * 2
    )


def test_a_refused_email_stays_pending_is_retried_and_sent_once(
    alice, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures_left = 2
    email = notify_alice(alice, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.PENDING, 1)
    assert "SMTPServerDisconnected" in email.last_error
    assert "carla@example.org" not in email.last_error  # addresses are taken out
    assert email.next_attempt_at > timezone.now()
    assert mail.outbox == []

    # Not due yet: the sweep leaves it alone.
    assert services.emails_retry_due() == 0
    make_due(email)
    assert services.emails_retry_due() == 1  # second attempt, refused again
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.PENDING, 2)

    make_due(email)
    services.emails_retry_due()  # third attempt: accepted
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 3, "")
    assert len(mail.outbox) == 1

    # However often it is swept or its task runs again, it is not sent again.
    make_due(email)
    services.emails_retry_due()
    assert tasks.send_email.call(email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_it_is_failed_and_the_admin_can_retry_it(
    alice, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures_left = 1
    email = notify_alice(alice, django_capture_on_commit_callbacks)
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=tasks.MAX_ATTEMPTS - 1)
    flaky_mail.failures_left = 1
    make_due(email)
    services.emails_retry_due()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, tasks.MAX_ATTEMPTS)
    make_due(email)
    assert services.emails_retry_due() == 0  # failed: not retried on its own
    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_retry(email=email)
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert len(mail.outbox) == 1


def test_an_email_left_half_sent_by_a_dead_worker_is_not_sent_again(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.notify(recipients=[alice], kind=Kind.CASE_OPENED, link="/")
    email = OutgoingEmail.objects.get()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING,
        attempts=1,
        last_attempt_at=timezone.now() - services.STUCK_AFTER * 2,
    )
    services.emails_retry_due()
    email.refresh_from_db()
    assert email.status == Status.FAILED  # for a person to check, never resent on its own
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_it_once(alice, settings):  # noqa: F811
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the claim is the same conditional UPDATE")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    services.notify(recipients=[alice], kind=Kind.CASE_OPENED, link="/")
    email = OutgoingEmail.objects.get()
    results = []

    def run():
        try:
            results.append(tasks.send_email.call(email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(mail.outbox) == 1


def test_two_runs_one_after_the_other_send_it_once(alice, django_capture_on_commit_callbacks):
    email = notify_alice(alice, django_capture_on_commit_callbacks)
    assert tasks.send_email.call(email.pk) == "skipped"
    assert len(mail.outbox) == 1
