"""System checks of the deployment that Django's own do not know about."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

W001 = "abitare.W001"
W002 = "abitare.W002"


def _behind_proxy() -> bool:
    return bool(
        getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        or getattr(settings, "USE_X_FORWARDED_HOST", False)
    )


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs, **kwargs):
    """The client's address (lockouts, security log) is read from X-Forwarded-For only
    for as many proxies as DJANGO_TRUSTED_PROXY_COUNT says. Production settings trust
    the proxy's X-Forwarded-Proto, so there is a proxy: with a count of 0 every client
    would have the proxy's address and anyone could lock a coordinator out."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not settings.DEBUG and _behind_proxy() and not count:
        return [
            Warning(
                "The application runs behind a reverse proxy (SECURE_PROXY_SSL_HEADER "
                "or USE_X_FORWARDED_HOST) but DJANGO_TRUSTED_PROXY_COUNT is not set: "
                "every client appears with the proxy's address, so the login lockouts "
                "and the security log cannot tell clients apart.",
                hint="Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies in front "
                "of Django (1 behind one load balancer); see docs/deployment.md.",
                id=W001,
            )
        ]
    if count and not _behind_proxy():
        return [
            Warning(
                "DJANGO_TRUSTED_PROXY_COUNT is set but the settings say there is no "
                "reverse proxy: X-Forwarded-For would be taken from whoever sends it, "
                "and a client could choose its own address.",
                hint="Leave DJANGO_TRUSTED_PROXY_COUNT unset when Django is reached directly.",
                id=W002,
            )
        ]
    return []
