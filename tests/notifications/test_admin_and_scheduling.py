"""The admin sees the outbox and the notifications (pending, failed, retried) without
personal data; the scheduled jobs run once a day however often they are started."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notifications import scheduling, services
from notifications.kinds import Kind
from notifications.models import Notification, OutgoingEmail, ScheduledRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(household_alfa, alice, flaky_mail, django_capture_on_commit_callbacks):
    member = household_alfa.members.first()
    flaky_mail.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[alice],
            kind=Kind.REFERRAL_SENT,
            link="/segnalazioni/1/",
            detail=f"{member.first_name} {member.last_name}",
        )
    return OutgoingEmail.objects.get()


def test_the_admin_sees_the_outbox_without_personal_data(client_for, admin_user, outbox, alice):
    client = client_for(admin_user)
    listing = client.get(reverse("admin:notifications_outgoingemail_changelist"))
    assert listing.status_code == 200
    assert "alice" in listing.text  # the account's name, to know whose mail it was
    assert outbox.get_status_display() in listing.text
    detail = client.get(reverse("admin:notifications_outgoingemail_change", args=[outbox.pk]))
    for page in (listing, detail):
        for word in ["Fatima", "El Amrani", alice.email, alice.first_name, alice.last_name]:
            assert word not in page.text


def test_the_admin_sees_the_notifications_without_their_detail(client_for, admin_user, outbox):
    client = client_for(admin_user)
    notification = Notification.objects.get()
    for url in [
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:notifications_notification_change", args=[notification.pk]),
    ]:
        page = client.get(url)
        assert page.status_code == 200
        assert "Fatima" not in page.text


def test_the_admin_retries_a_failed_email(client_for, admin_user, outbox):
    OutgoingEmail.objects.filter(pk=outbox.pk).update(status=OutgoingEmail.Status.FAILED)
    response = client_for(admin_user).post(
        reverse("admin:notifications_outgoingemail_changelist"),
        {"action": "retry", "_selected_action": [outbox.pk]},
    )
    assert response.status_code == 302
    outbox.refresh_from_db()
    # Pending again (its send runs after the commit of the admin's request).
    assert outbox.status in (OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENT)
    assert outbox.attempts == 0 or outbox.status == OutgoingEmail.Status.SENT


def test_the_task_queue_is_in_the_admin(client_for, admin_user):
    response = client_for(admin_user).get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist")
    )
    assert response.status_code == 200


def test_a_social_worker_has_no_admin(client_for, alice):
    response = client_for(alice).get(reverse("admin:notifications_outgoingemail_changelist"))
    assert response.status_code == 302


# Scheduling ------------------------------------------------------------------------------


def test_each_daily_job_runs_once_a_day(monkeypatch):
    ran = []
    monkeypatch.setattr(scheduling, "call_command", lambda name, *a, **k: ran.append(name))
    noon = timezone.now().replace(hour=11, minute=0)  # 12:00 or 13:00 in Rome
    first = scheduling.run_due(now=noon)
    second = scheduling.run_due(now=noon)
    names = [job.command for job in scheduling.daily_jobs()]
    assert sorted(ran) == sorted(names)  # each once
    assert set(first.values()) - {"0"} == {"ran"}
    assert {v for k, v in second.items() if k != "retry_emails"} == {"done today"}
    assert ScheduledRun.objects.count() == len(names)


def test_a_job_not_due_yet_waits(monkeypatch):
    ran = []
    monkeypatch.setattr(scheduling, "call_command", lambda name, *a, **k: ran.append(name))
    early = timezone.localtime().replace(hour=1, minute=0)
    outcome = scheduling.run_due(now=early)
    assert ran == []
    assert outcome["backup"] == "not yet"


def test_a_failed_job_is_tried_again_on_the_next_run(monkeypatch):
    calls = []

    def flaky(name, *args, **kwargs):
        calls.append(name)
        if name == "purge_notifications" and calls.count(name) == 1:
            raise RuntimeError("disk full")

    monkeypatch.setattr(scheduling, "call_command", flaky)
    noon = timezone.localtime().replace(hour=12)
    assert scheduling.run_due(now=noon, only={"purge_notifications"}) == {
        "purge_notifications": "failed",
        "retry_emails": "0",
    }
    assert (
        scheduling.run_due(now=noon, only={"purge_notifications"})["purge_notifications"] == "ran"
    )
    assert calls == ["purge_notifications", "purge_notifications"]


def test_run_scheduled_runs_the_real_jobs_and_the_second_run_nothing(capsys, monkeypatch):
    # (The backup has its own tests: tests/core/test_security_backup.py.)
    # At noon, when every daily job is due: run by the wall clock, the test failed
    # between midnight and the jobs' night-time hours in Rome.
    run_due = scheduling.run_due
    noon = timezone.localtime().replace(hour=12, minute=0)
    monkeypatch.setattr(scheduling, "run_due", lambda **kwargs: run_due(now=noon, **kwargs))
    jobs = ["apply_retention", "purge_security_log", "purge_notifications"]
    args = [arg for job in jobs for arg in ("--only", job)]
    call_command("run_scheduled", *args)
    out = capsys.readouterr().out
    assert "Eventi di sicurezza cancellati" in out and "nuclei anonimizzati" in out
    assert all(f"{job}: ran" in out for job in jobs)
    call_command("run_scheduled", *args)
    out = capsys.readouterr().out
    assert all(f"{job}: done today" in out for job in jobs)
    assert "anonimizzati" not in out


def test_purge_notifications_keeps_a_bounded_time(alice, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    old, new = (
        services.notify(recipients=[alice], kind=Kind.CASE_OPENED, link="/", key=key)[0]
        for key in ("old", "new")
    )
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=31)
    )
    call_command("purge_notifications")
    call_command("purge_notifications")
    assert list(Notification.objects.values_list("pk", flat=True)) == [new.pk]
    assert mail.outbox == []
