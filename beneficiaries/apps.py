from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Nuclei familiari")

    def ready(self):
        # The household's next appointments on its own view (core/panels.py).
        from beneficiaries import panels  # noqa: F401
