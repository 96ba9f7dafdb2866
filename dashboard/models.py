"""What the dashboard keeps of its own: when a user last looked at their home page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HomeVisit(models.Model):
    """The last time a user opened their home page, so that the referrer's list of
    referrals marks what changed since (dashboard.services.home_visited)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="home_visit",
        verbose_name=_("utente"),
    )
    seen_at = models.DateTimeField(_("ultima visita"))

    class Meta:
        verbose_name = _("ultima visita alla home")
        verbose_name_plural = _("ultime visite alla home")

    def __str__(self):
        return f"{self.user} · {self.seen_at:%Y-%m-%d %H:%M}"
