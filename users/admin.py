from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import two_factor
from partners.admin import StaffMembershipInline

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [StaffMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "staff_memberships__role"]
    actions = ["issue_two_factor_activation"]

    @admin.action(
        description=gettext_lazy("Crea un codice di attivazione della verifica in due passaggi"),
        permissions=["change"],
    )
    def issue_two_factor_activation(self, request, queryset):
        # Shown this once: only its hash is kept. The admin hands it over out of band.
        for user in queryset.order_by("username"):
            code = two_factor.activation_code_issue(
                user=user, issued_by=request.user, request=request
            )
            self.message_user(
                request,
                _(
                    "Codice di attivazione per %(user)s: %(code)s — consegnalo di persona o "
                    "per telefono; vale una volta, per %(hours)d ore, e non sarà più mostrato."
                )
                % {
                    "user": user.get_username(),
                    "code": code,
                    "hours": two_factor.activation_hours(),
                },
                messages.WARNING,
            )
