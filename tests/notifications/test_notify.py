"""notify(): the API the domain calls. It reaches exactly the users given (never the
actor, never an inactive account), once per key, and e-mails by each user's preference
only after the transaction commits."""

import pytest
from django.core import mail
from django.db import transaction

from notifications import services
from notifications.kinds import Delivery, Kind
from notifications.models import EmailPreference, Notification, OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "/segnalazioni/1/"


def recipients_of(kind=None):
    rows = Notification.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("recipient__username", flat=True))


def test_reaches_exactly_the_recipients_and_never_the_outsider(alice, carla, marco, bruno):
    services.notify(recipients=[carla, alice], kind=Kind.REFERRAL_SENT, link=LINK)
    assert recipients_of() == ["alice", "carla"]
    assert not Notification.objects.filter(recipient__in=[marco, bruno]).exists()


def test_the_actor_is_not_told_of_their_own_act(alice, carla):
    services.notify(recipients=[carla, alice], kind=Kind.WORKER_ASSIGNED, link=LINK, actor=carla)
    assert recipients_of() == ["alice"]


def test_inactive_accounts_and_duplicates_are_skipped(alice, carla):
    carla.is_active = False
    carla.save()
    made = services.notify(recipients=[alice, alice, carla], kind=Kind.CASE_OPENED, link=LINK)
    assert len(made) == 1
    assert recipients_of() == ["alice"]


def test_a_key_makes_it_come_once_however_often_a_scan_finds_it(alice, carla):
    for _ in range(3):
        services.notify(
            recipients=[alice], kind=Kind.REVIEW_OVERDUE, link=LINK, key="review:7:overdue"
        )
    services.notify(
        recipients=[alice, carla], kind=Kind.REVIEW_OVERDUE, link=LINK, key="review:7:overdue"
    )
    assert recipients_of() == ["alice", "carla"]


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "relative/path"])
def test_links_only_to_a_page_of_abitare(alice, link):
    with pytest.raises(ValueError):
        services.notify(recipients=[alice], kind=Kind.CASE_OPENED, link=link)
    assert not Notification.objects.exists()


def test_a_rolled_back_event_leaves_no_notification_and_no_email(
    alice, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipients=[alice], kind=Kind.CASE_OPENED, link=LINK)
        raise RuntimeError("the service failed after notifying")
    assert not Notification.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_the_email_is_sent_only_after_the_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(recipients=[alice], kind=Kind.CASE_OPENED, link=LINK)
    assert mail.outbox == []  # nothing leaves before the commit
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.PENDING
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_each_user_is_emailed_by_their_own_preference(
    alice, carla, dave, django_capture_on_commit_callbacks
):
    EmailPreference.objects.create(user=carla, kind=Kind.REFERRAL_SENT, delivery=Delivery.DIGEST)
    EmailPreference.objects.create(user=dave, kind=Kind.REFERRAL_SENT, delivery=Delivery.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[alice, carla, dave], kind=Kind.REFERRAL_SENT, link=LINK)
    # Everyone has it in the app; only alice (default: at once) has an e-mail now,
    # carla's waits for the digest, dave gets none.
    assert recipients_of() == ["alice", "carla", "dave"]
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert list(
        Notification.objects.filter(digest_pending=True).values_list(
            "recipient__username", flat=True
        )
    ) == ["carla"]


def test_a_user_without_an_address_still_gets_the_notification_in_the_app(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(username="noaddress", email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[user], kind=Kind.CASE_OPENED, link=LINK)
    assert recipients_of() == ["noaddress"]
    assert not OutgoingEmail.objects.exists()


def test_every_kind_of_the_issue_has_a_text_and_a_default():
    from notifications.kinds import DEFAULT_DELIVERY, GROUPS, summary

    grouped = [kind for _, kinds in GROUPS for kind in kinds]
    assert sorted(grouped) == sorted(Kind.values)
    for kind in Kind:
        assert kind in DEFAULT_DELIVERY
        assert "3" in summary(kind, 3)
        assert summary(kind, 1) != summary(kind, 2)
