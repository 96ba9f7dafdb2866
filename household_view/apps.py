from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdViewConfig(AppConfig):
    name = "household_view"
    verbose_name = _("Il mio percorso")

    def ready(self):
        # The household's accesses on the case page, the member's own ratings beside
        # the worker's on the assessments page (core/panels.py).
        from . import panels  # noqa: F401
