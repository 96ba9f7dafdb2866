"""Pages of notifications: the list (filter, mark read, mark all read), the bell's
count, opening one (marks it read and goes where it is dealt with), and the e-mail
preferences. A user reaches only their own notifications: another's is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .filters import NotificationFilter
from .forms import PreferencesForm

PAGE_SIZE = 20


def _back_to_list(request):
    # Back to the list as it was filtered, never to another site.
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(candidate)
    return redirect("notifications:list")


@require_GET
def notification_list(request):
    notifications = selectors.notifications_for(user=request.user)
    filterset = NotificationFilter(request.GET, queryset=notifications)
    found = filterset.qs if filterset.is_valid() else notifications.none()
    page_obj = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "unread": selectors.unread_count(user=request.user),
            "retention_days": settings.NOTIFICATION_RETENTION_DAYS,
        },
    )


@require_GET
def notification_bell(request):
    """The bell's count, asked by htmx when a page loads and every few seconds. Rendered
    without the request's context processors: the fragment needs none of them, and they
    would cost the navigation's queries on every poll."""
    return HttpResponse(
        render_to_string(
            "includes/notification_bell.html#bell_count",
            {"unread": selectors.unread_count(user=request.user)},
        )
    )


@require_POST
def notification_open(request, pk):
    notification = get_object_or_404(selectors.notifications_for(user=request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return redirect(notification.link)


@require_POST
def notification_mark_read(request, pk):
    notification = get_object_or_404(selectors.notifications_for(user=request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return _back_to_list(request)


@require_POST
def notifications_mark_all_read(request):
    done = services.notifications_mark_all_read(user=request.user)
    if done:
        messages.success(request, _("Tutte le notifiche sono segnate come lette."))
    return _back_to_list(request)


@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(
        request.POST or None, initial_deliveries=selectors.deliveries_for(user=request.user)
    )
    if form.is_bound and form.is_valid():
        services.preferences_save(user=request.user, deliveries=form.cleaned_data)
        messages.success(request, _("Preferenze delle notifiche salvate."))
        return redirect(reverse("notifications:preferences"))
    return render(request, "notifications/preferences_form.html", {"form": form})
