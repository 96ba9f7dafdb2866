"""Background tasks (Django's django.tasks; stored by django-tasks-db and run by
`manage.py db_worker`).

`send_email` sends one outbox row. It is safe to run twice for the same row, at the same
time or one after the other: the row is claimed with a conditional update (pending ->
sending) that only one run can win, so an e-mail is never sent twice. A refusal leaves
the row pending with the time of the next attempt (the retry is enqueued for then, and
`run_scheduled` sweeps for any whose task was lost); after MAX_ATTEMPTS the row is
failed, for the admin to see and retry. A row left "sending" by a worker that died in the
middle is never retried on its own: the server may have taken it, and only a person can
tell (the admin's "retry" action).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.tasks import task, task_backends
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger("abitare.notifications")
Status = OutgoingEmail.Status

MAX_ATTEMPTS = 10
# Minutes to wait after the n-th failed attempt (then the last value): about three
# days of trying before giving up.
BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360, 720, 1440]
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def describe_error(exc: BaseException) -> str:
    """What went wrong, for the admin: the kind of error and the server's words, with any
    e-mail address taken out."""
    text = f"{type(exc).__name__}: {exc}"
    return _ADDRESS.sub("<indirizzo>", text)[:300]


def enqueue(email_id: int, *, at=None) -> None:
    """Enqueue the sending of an outbox row (at `at`, if the backend can wait)."""
    if at is not None and task_backends[send_email.backend].supports_defer:
        send_email.using(run_after=at).enqueue(email_id)
    elif at is None:
        send_email.enqueue(email_id)
    # else: a backend that cannot wait (the immediate one, in tests): the sweep in
    # `run_scheduled` sends it when its time comes.


@task()
def send_email(email_id: int) -> str:
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return "skipped"  # sent, failed, taken by another run, or not due yet
    email = OutgoingEmail.objects.select_related("recipient").get(pk=email_id)
    recipient = email.recipient
    if not recipient.is_active or not recipient.email:
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=Status.FAILED, last_error="Nessun indirizzo e-mail attivo per l'utente."
        )
        return "failed"
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any refusal: keep the e-mail, try later
        error = describe_error(exc)
        if email.attempts >= MAX_ATTEMPTS:
            OutgoingEmail.objects.filter(pk=email_id, status=Status.SENDING).update(
                status=Status.FAILED, last_error=error
            )
            logger.error("e-mail %s failed after %s attempts: %s", email_id, email.attempts, error)
            return "failed"
        retry_at = timezone.now() + backoff(email.attempts)
        OutgoingEmail.objects.filter(pk=email_id, status=Status.SENDING).update(
            status=Status.PENDING, last_error=error, next_attempt_at=retry_at
        )
        logger.warning("e-mail %s not sent (attempt %s): %s", email_id, email.attempts, error)
        enqueue(email_id, at=retry_at)
        return "retry"
    OutgoingEmail.objects.filter(pk=email_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"
