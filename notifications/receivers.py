"""The events notifications hears from the layers below (which import nothing of
notifications): a login (Django's signal), the alerts core sends, and the domain's
events (core.signals). Each receiver asks a selector of the domain app who may see
what the event is about, and calls `services.notify` inside the sender's transaction:
if the transaction rolls back, no notification and no e-mail exist."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Referral
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import intake as intake_selectors
from core.signals import (
    account_alert,
    appointments_tomorrow,
    case_workers_added,
    household_member_wrote,
    lookups_throttled,
    referral_moved,
    reminders_due,
)
from partners import selectors as partners_selectors

from . import services
from .kinds import Kind

Status = Referral.Status


@receiver(user_logged_in, dispatch_uid="notifications_known_browser")
def _on_login(sender, request, user, **kwargs):
    if request is None:
        return
    services.browser_login_check(request=request, user=user)


@receiver(account_alert, dispatch_uid="notifications_account_alert")
def _on_account_alert(sender, user, kind, **kwargs):
    services.account_alert(user=user, kind=kind)


@receiver(lookups_throttled, dispatch_uid="notifications_lookups_throttled")
def _on_lookups_throttled(sender, user, **kwargs):
    # The coordinators learn who (in the app only: `detail` never goes into an e-mail)
    # and ask the admin for the security log; once a day per user at most.
    services.notify(
        recipients=partners_selectors.colleagues_to_alert(user),
        kind=Kind.LOOKUPS_THROTTLED,
        link=reverse("home"),
        detail=user.get_username(),
        key=f"{user.pk}:{timezone.localdate().isoformat()}",
        actor=user,
    )


# To the project's coordinators, or to the referrer, by where the referral went.
_REFERRAL_EVENTS = {
    Status.SENT: (Kind.REFERRAL_SENT, intake_selectors.referral_notification_recipients),
    Status.WITHDRAWN: (Kind.REFERRAL_WITHDRAWN, intake_selectors.referral_notification_recipients),
    Status.ACCEPTED: (Kind.REFERRAL_ACCEPTED, intake_selectors.referral_referrer_recipients),
    Status.DECLINED: (Kind.REFERRAL_DECLINED, intake_selectors.referral_referrer_recipients),
}


@receiver(referral_moved, dispatch_uid="notifications_referral_moved")
def _on_referral_moved(sender, referral, to_status, actor, **kwargs):
    event = _REFERRAL_EVENTS.get(to_status)
    if event is None or (to_status == Status.WITHDRAWN and referral.sent_at is None):
        return  # a draft withdrawn was never seen by the project
    kind, recipients = event
    services.notify(
        recipients=recipients(referral),
        kind=kind,
        link=referral.get_absolute_url(),
        actor=actor,
    )


@receiver(case_workers_added, dispatch_uid="notifications_case_workers_added")
def _on_case_workers_added(sender, case, workers, actor, opened, **kwargs):
    recipients = cases_selectors.case_notification_recipients(case, workers)
    if not recipients:
        return
    services.notify(
        recipients=recipients,
        kind=Kind.CASE_OPENED if opened else Kind.WORKER_ASSIGNED,
        link=case.get_absolute_url(),
        actor=actor,
    )


@receiver(reminders_due, dispatch_uid="notifications_reminders_due")
def _on_reminders_due(sender, user, counts, day, **kwargs):
    # One notification per user, kind and day however often the scan runs (the key).
    for kind, count in counts.items():
        services.notify(
            recipients=[user],
            kind=kind,
            link=reverse("home"),
            count=count,
            key=f"{kind}:{day.isoformat()}",
        )


@receiver(household_member_wrote, dispatch_uid="notifications_household_member_wrote")
def _on_household_member_wrote(sender, message, case, **kwargs):
    # To the case's workers and whoever gave the member its access, if they still see
    # the case. The text stays on the linked page: a notification never carries it.
    workers = {worker.pk: worker for worker in case.workers.all()}
    issuer = message.access.issued_by
    if issuer is not None:
        workers.setdefault(issuer.pk, issuer)
    recipients = cases_selectors.case_notification_recipients(case, list(workers.values()))
    if not recipients:
        return
    services.notify(
        recipients=recipients,
        kind=Kind.CONSENT_WITHDRAWAL_ASKED if message.consent_id else Kind.HOUSEHOLD_MESSAGE,
        link=message.staff_url(),
    )


@receiver(appointments_tomorrow, dispatch_uid="notifications_appointments_tomorrow")
def _on_appointments_tomorrow(sender, user, count, day, **kwargs):
    # How many, never with whom: the week page shows the rest to whom may see it.
    services.notify(
        recipients=[user],
        kind=Kind.APPOINTMENT_TOMORROW,
        link=reverse("beneficiaries:my_week") + f"?settimana={day.isoformat()}",
        count=count,
        key=f"{Kind.APPOINTMENT_TOMORROW}:{day.isoformat()}",
    )
