from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Alloggi")

    def ready(self):
        # Where the household lives, on beneficiaries' pages (core/panels.py).
        from . import panels  # noqa: F401
