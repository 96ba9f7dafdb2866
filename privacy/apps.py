from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"

    def ready(self):
        # Every app's privacy.py declares its models (core/personal_data.py).
        from core import personal_data

        personal_data.discover()
