"""The Django admin, behind the second factor too.

`TwoFactorMiddleware` already sends an admin who has typed only the password to the
verification page; this site also refuses, on its own, any session that has not passed
the second factor, so the admin login can never be a way around it (even if the
middleware were left out of MIDDLEWARE). It plays the part of django-otp's
OTPAdminSite, but sends the user to the same verification pages as the rest of
Abitare instead of a second login form."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from . import two_factor


class AdminSite(admin.AdminSite):
    site_header = "Abitare"
    site_title = "Abitare"

    @property
    def login_form(self):
        # Not at the top: this module is imported while INSTALLED_APPS is read, before
        # the models (and so the forms built on them) can be.
        from users.forms import AdminLoginForm

        return AdminLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and two_factor.is_verified(request)

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and user.is_staff and not two_factor.is_verified(request):
            target = "two_factor_verify" if two_factor.has_app(user) else "two_factor_setup"
            next_url = request.GET.get("next") or resolve_url("admin:index")
            return redirect(f"{resolve_url(target)}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)
