"""The user's own account: changing one's password.

Django's PasswordChangeView asks for the old password, checks the new one against
AUTH_PASSWORD_VALIDATORS and keeps the user logged in with a new session key
(update_session_auth_hash), so every other session of the account, which still carries
the old password's hash, ends. The change goes to the security log."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from core import security_log


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "users/password_change.html"
    success_url = reverse_lazy("account_security")

    def form_valid(self, form):
        response = super().form_valid(form)
        security_log.record(security_log.Kind.PASSWORD_CHANGED, request=self.request)
        messages.success(
            self.request,
            _("Password cambiata. Le altre sessioni aperte con questo account sono chiuse."),
        )
        return response
