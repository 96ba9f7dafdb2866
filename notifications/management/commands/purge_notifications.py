"""Delete the notifications past NOTIFICATION_RETENTION_DAYS, the e-mails sent long
ago and the browsers not seen for long (run daily; a second run finds nothing)."""

from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = "Cancella le notifiche e le e-mail inviate più vecchie del periodo di conservazione."

    def handle(self, *args, **options):
        deleted = services.notifications_purge()
        self.stdout.write(
            "Cancellati: {notifications} notifiche, {emails} e-mail inviate, "
            "{browsers} browser, {runs} esecuzioni di lavori.".format(**deleted)
        )
