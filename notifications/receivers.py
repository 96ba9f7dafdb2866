"""The account's own events, heard from the layers below (which import nothing of
notifications): a login (Django's signal) and the alerts core sends (core.signals)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from core.signals import account_alert

from . import services


@receiver(user_logged_in, dispatch_uid="notifications_known_browser")
def _on_login(sender, request, user, **kwargs):
    if request is None:
        return
    services.browser_login_check(request=request, user=user)


@receiver(account_alert, dispatch_uid="notifications_account_alert")
def _on_account_alert(sender, user, kind, **kwargs):
    services.account_alert(user=user, kind=kind)
