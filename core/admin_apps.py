from django.contrib.admin.apps import AdminConfig as BaseAdminConfig


class AdminConfig(BaseAdminConfig):
    """django.contrib.admin with Abitare's site, which asks for the second factor
    (core/admin_site.py)."""

    default_site = "core.admin_site.AdminSite"


# Third-party apps that the admin shows, with Italian names. django-axes translates its
# models (locale/it/LC_MESSAGES/django.po fills in the Italian it lacks); django-otp
# writes its model names in English without gettext, so they are given here, once,
# when the app is ready.

from axes.apps import AppConfig as BaseAxesConfig  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from django_otp.plugins.otp_static.apps import DefaultConfig as BaseStaticConfig  # noqa: E402
from django_otp.plugins.otp_totp.apps import DefaultConfig as BaseTOTPConfig  # noqa: E402


def _name_in_italian(model, verbose_name, verbose_name_plural):
    # Only the names the admin shows: migrations read Meta from original_attrs, so
    # this changes no migration of django-otp. Its field labels stay English (giving
    # them here would change its fields, and so its migrations).
    model._meta.verbose_name = verbose_name
    model._meta.verbose_name_plural = verbose_name_plural


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Tentativi di accesso")


class TOTPConfig(BaseTOTPConfig):
    verbose_name = _("Autenticazione a due fattori: app")

    def ready(self):
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        _name_in_italian(TOTPDevice, _("app di autenticazione"), _("app di autenticazione"))


class StaticConfig(BaseStaticConfig):
    verbose_name = _("Autenticazione a due fattori: codici di recupero")

    def ready(self):
        super().ready()
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

        _name_in_italian(
            StaticDevice, _("serie di codici di recupero"), _("serie di codici di recupero")
        )
        _name_in_italian(StaticToken, _("codice di recupero"), _("codici di recupero"))
