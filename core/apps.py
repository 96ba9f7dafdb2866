from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Comune a tutta l'applicazione")

    def ready(self):
        # Connect the receivers of the security log and of the session clock, and
        # register the system checks.
        from . import checks, lookups, middleware, security_log, two_factor  # noqa: F401

        lookups.register()
