from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"

    def ready(self):
        # The kinds of precomputed figures, so that the background worker (which loads
        # no views) knows how to compute each of them again.
        from dashboard.indicators import pages  # noqa: F401
        from dashboard.selectors import my_day  # noqa: F401
