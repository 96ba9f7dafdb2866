from django.urls import path

from . import health, security_views, two_factor_views

urlpatterns = [
    # For the load balancer and the monitoring (core/health.py): no login, no data.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz_live"),
    path("sessione/resta-collegato/", security_views.session_keep_alive, name="session_keep_alive"),
]

# Two-factor authentication (core/two_factor_views.py)
urlpatterns += [
    path("profilo/sicurezza/", two_factor_views.account_security, name="account_security"),
    path(
        "profilo/sicurezza/due-fattori/configura/",
        two_factor_views.two_factor_setup,
        name="two_factor_setup",
    ),
    path("accesso/verifica/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path(
        "profilo/sicurezza/codici-di-recupero/",
        two_factor_views.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "profilo/sicurezza/codici-di-recupero/nuovi/",
        two_factor_views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path(
        "profilo/sicurezza/due-fattori/disattiva/",
        two_factor_views.two_factor_disable,
        name="two_factor_disable",
    ),
]
