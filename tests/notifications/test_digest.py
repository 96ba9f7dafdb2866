"""The daily digest: from the set time in Europe/Rome, one e-mail per user per day with
how many of each kind, however often the job runs."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from notifications import services
from notifications.kinds import Delivery, Kind, summary
from notifications.models import EmailPreference, Notification, OutgoingEmail

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def rome(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=ROME)


@pytest.fixture
def waiting(alice, carla, settings):
    """alice has three deadlines waiting for the digest (default for these kinds) and
    one referral she wants in the digest too; carla wants no e-mail for reviews."""
    settings.NOTIFICATION_DIGEST_TIME = "07:30"
    EmailPreference.objects.create(user=alice, kind=Kind.REFERRAL_SENT, delivery=Delivery.DIGEST)
    EmailPreference.objects.create(user=carla, kind=Kind.REVIEW_OVERDUE, delivery=Delivery.NONE)
    services.notify(recipients=[alice, carla], kind=Kind.REVIEW_OVERDUE, link="/", count=2)
    services.notify(recipients=[alice], kind=Kind.REVIEW_OVERDUE, link="/", key="r:9")
    services.notify(recipients=[alice], kind=Kind.ISEE_EXPIRING, link="/")
    services.notify(recipients=[alice], kind=Kind.REFERRAL_SENT, link="/")
    Notification.objects.update(created_at=rome(1, 18))


def test_not_before_the_set_time_in_rome(waiting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # 07:00 in Rome is 06:00 UTC: not yet.
        assert services.digests_send(now=rome(2, 7, 0)) == 0
    assert mail.outbox == []


def test_sent_once_a_day_even_if_the_job_runs_twice(
    waiting, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=rome(2, 7, 31)) == 1
        assert services.digests_send(now=rome(2, 9, 0)) == 0
        services.notify(recipients=[alice], kind=Kind.ACTION_OVERDUE, link="/")
        # Something new the same day waits for tomorrow's digest.
        assert services.digests_send(now=rome(2, 23, 50)) == 0
    assert [m.to for m in mail.outbox] == [[alice.email]]
    body = mail.outbox[0].body
    assert summary(Kind.REVIEW_OVERDUE, 3) in body  # 2 + 1, summed per kind
    assert summary(Kind.ISEE_EXPIRING, 1) in body
    assert summary(Kind.REFERRAL_SENT, 1) in body
    assert "ACTION" not in body and summary(Kind.ACTION_OVERDUE, 1) not in body
    digest = OutgoingEmail.objects.get(purpose=OutgoingEmail.Purpose.DIGEST)
    assert digest.digest_day.isoformat() == "2026-12-02"
    assert Notification.objects.filter(digest=digest).count() == 4
    # The next day, the next digest.
    Notification.objects.filter(kind=Kind.ACTION_OVERDUE).update(created_at=rome(2, 23, 50))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=rome(3, 7, 45)) == 1
    assert len(mail.outbox) == 2
    assert summary(Kind.ACTION_OVERDUE, 1) in mail.outbox[1].body


def test_the_command_twice_sends_one_digest(waiting, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_DIGEST_TIME = "00:00"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
        call_command("send_digests")
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_digest_for_the_same_day(alice):
    OutgoingEmail.objects.create(
        recipient=alice, purpose="digest", subject="s", body="b", digest_day=rome(2, 8).date()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingEmail.objects.create(
            recipient=alice, purpose="digest", subject="s", body="b", digest_day=rome(2, 8).date()
        )


def test_a_user_who_wants_no_email_gets_no_digest(waiting, carla):
    services.digests_send(now=rome(2, 8))
    assert not OutgoingEmail.objects.filter(recipient=carla).exists()
    assert Notification.objects.filter(recipient=carla).count() == 1  # still in the app


def test_digest_time_is_the_networks(settings):
    assert settings.TIME_ZONE == "Europe/Rome"
    assert services.digest_time().isoformat() == settings.NOTIFICATION_DIGEST_TIME + ":00"
    assert rome(2, 7, 30) - rome(2, 6, 30) == timedelta(hours=1)
