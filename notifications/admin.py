"""The admin's view of notifications and the outbox: what is pending, failed, retried,
and for whom (the account's name, never an address or what a household is called).
Nothing here is edited by hand; a failed e-mail can be retried."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification, OutgoingEmail, ScheduledRun


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(_ReadOnly):
    list_display = [
        "created_at",
        "recipient_account",
        "purpose",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "purpose", "kind", "created_at"]
    date_hierarchy = "created_at"
    fields = [
        "recipient_account",
        "purpose",
        "kind",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "digest_day",
        "subject",
        "body",
    ]
    readonly_fields = fields
    list_select_related = ["recipient"]
    actions = ["retry"]

    @admin.display(description=_("destinatario"), ordering="recipient__username")
    def recipient_account(self, obj):
        return obj.recipient.get_username()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Riprova l'invio delle e-mail non inviate selezionate"))
    def retry(self, request, queryset):
        retried = sum(
            services.email_retry(email=email)
            for email in queryset.filter(status=OutgoingEmail.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail di nuovo in attesa di invio.",
                "%(count)d e-mail di nuovo in attesa di invio.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(_ReadOnly):
    """Which notifications exist, for whom, read or not: never their detail."""

    list_display = ["created_at", "recipient_account", "kind", "count", "read_at", "digest_pending"]
    list_filter = ["kind", "created_at", ("read_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"
    fields = [
        "recipient_account",
        "kind",
        "count",
        "link",
        "created_at",
        "read_at",
        "digest_pending",
        "digest",
    ]
    readonly_fields = fields
    list_select_related = ["recipient"]

    @admin.display(description=_("destinatario"), ordering="recipient__username")
    def recipient_account(self, obj):
        return obj.recipient.get_username()


@admin.register(ScheduledRun)
class ScheduledRunAdmin(_ReadOnly):
    list_display = ["day", "job", "started_at", "finished_at"]
    list_filter = ["job", "day"]
    readonly_fields = ["job", "day", "started_at", "finished_at"]
