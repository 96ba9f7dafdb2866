from django.contrib.admin.apps import AdminConfig as BaseAdminConfig


class AdminConfig(BaseAdminConfig):
    """django.contrib.admin with Abitare's site, which asks for the second factor
    (core/admin_site.py)."""

    default_site = "core.admin_site.AdminSite"
