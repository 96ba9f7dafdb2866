"""The bell, the notifications page and the preferences page. A user reaches only
their own notifications: another's is a 404, whoever asks."""

import re

import pytest
from django.urls import reverse

from core.middleware import LAST_ACTIVITY_KEY
from notifications import services
from notifications.kinds import Delivery, Kind
from notifications.models import EmailPreference, Notification

pytestmark = pytest.mark.django_db


def notify(user, kind=Kind.CASE_OPENED, link="/prese-in-carico/", **kwargs):
    return services.notify(recipients=[user], kind=kind, link=link, **kwargs)[0]


# The bell ---------------------------------------------------------------------------


def test_every_page_has_the_bell_loaded_by_htmx_without_a_query(client_for, alice):
    notify(alice)
    response = client_for(alice).get(reverse("notifications:preferences"))
    html = response.text
    bell = re.search(r'<a[^>]*data-testid="notification-bell"[^>]*>', html, re.S).group(0)
    assert f'hx-get="{reverse("notifications:bell")}"' in bell
    assert 'hx-trigger="load, every 60s"' in bell
    assert "X-Abitare-Background" in bell
    # The page itself does not count: the count comes with the fragment.
    assert 'data-testid="notification-count"' not in html
    assert "<script>" not in html and " onclick=" not in html  # nothing inline (CSP)


def test_the_bell_shows_the_unread_count_of_its_user_only(client_for, alice, bruno):
    notify(alice)
    notify(alice, kind=Kind.REVIEW_DUE)
    services.notification_mark_read(user=alice, notification=notify(alice))
    notify(bruno)
    response = client_for(alice).get(reverse("notifications:bell"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert re.search(r'data-testid="notification-count">2<', response.text)
    assert "<html" not in response.text  # only the fragment


def test_no_count_when_nothing_is_unread(client_for, alice):
    response = client_for(alice).get(reverse("notifications:bell"))
    assert 'data-testid="notification-count"' not in response.text


def test_the_bell_query_budget(client_for, alice, django_assert_max_num_queries):
    for kind in list(Kind)[:5]:
        notify(alice, kind=kind)
    client = client_for(alice)
    client.get(reverse("notifications:bell"))  # the session's activity mark is written
    # Session, user, count: however many notifications there are.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("notifications:bell"), HTTP_X_ABITARE_BACKGROUND="true")
    assert re.search(r'data-testid="notification-count">5<', response.text)


def test_the_bells_polling_does_not_keep_an_idle_session_alive(client_for, alice):
    client = client_for(alice)
    client.get(reverse("notifications:list"))
    session = client.session
    session[LAST_ACTIVITY_KEY] -= 600  # ten minutes idle
    session.save()
    before = client.session[LAST_ACTIVITY_KEY]
    client.get(reverse("notifications:bell"), HTTP_X_ABITARE_BACKGROUND="true")
    assert client.session[LAST_ACTIVITY_KEY] == before
    client.get(reverse("notifications:list"))  # the user doing something does
    assert client.session[LAST_ACTIVITY_KEY] > before


def test_no_bell_for_a_user_who_must_still_give_the_second_factor(client, carla):
    client.login(username="carla", password="correct-horse-battery")
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 200
    assert 'data-testid="notification-bell"' not in response.text


def test_the_bell_asks_for_login_when_logged_out(client):
    response = client.get(reverse("notifications:bell"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# The notifications page ----------------------------------------------------------------


def test_the_page_lists_only_the_users_own_notifications(client_for, alice, bruno):
    notify(alice, detail="R-2026-0001")
    notify(bruno, detail="R-2026-0999")
    response = client_for(alice).get(reverse("notifications:list"))
    assert response.status_code == 200
    assert "R-2026-0001" in response.text
    assert "R-2026-0999" not in response.text


@pytest.mark.parametrize("view", ["notifications:open", "notifications:mark_read"])
def test_anothers_notification_is_a_404(client_for, alice, bruno, view):
    theirs = notify(bruno)
    response = client_for(alice).post(reverse(view, args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "view,args",
    [
        ("notifications:open", [1]),
        ("notifications:mark_read", [1]),
        ("notifications:mark_all_read", []),
    ],
)
def test_writes_are_post_only(client_for, alice, view, args):
    assert client_for(alice).get(reverse(view, args=args)).status_code == 405


def test_opening_marks_read_and_goes_where_it_is_dealt_with(client_for, alice):
    notification = notify(alice, link="/segnalazioni/42/")
    response = client_for(alice).post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/segnalazioni/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_goes_back_to_the_filtered_list_and_never_elsewhere(client_for, alice):
    first, second = notify(alice), notify(alice)
    client = client_for(alice)
    back = reverse("notifications:list") + "?status=unread"
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), {"next": back})
    assert response["Location"] == back
    response = client.post(
        reverse("notifications:mark_read", args=[second.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications:list")
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_mark_all_read_marks_only_the_users_own(client_for, alice, bruno):
    notify(alice), notify(alice), notify(bruno)
    client_for(alice).post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bruno, read_at__isnull=True).count() == 1


def test_filter_by_read_and_kind(client_for, alice):
    notify(alice, kind=Kind.REVIEW_OVERDUE, detail="UNREAD-REVIEW")
    read = notify(alice, kind=Kind.CASE_OPENED, detail="READ-CASE")
    services.notification_mark_read(user=alice, notification=read)
    client = client_for(alice)
    url = reverse("notifications:list")
    unread = client.get(url, {"status": "unread"}).text
    assert "UNREAD-REVIEW" in unread and "READ-CASE" not in unread
    done = client.get(url, {"status": "read"}).text
    assert "READ-CASE" in done and "UNREAD-REVIEW" not in done
    by_kind = client.get(url, {"kind": Kind.CASE_OPENED}).text
    assert "READ-CASE" in by_kind and "UNREAD-REVIEW" not in by_kind


def test_the_page_is_paginated_with_a_query_budget(
    client_for, alice, django_assert_max_num_queries
):
    for n in range(45):
        notify(alice, key=str(n))
    client = client_for(alice)
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"), {"page": 3})
    assert response.text.count('data-testid="notification"') == 5
    assert "Pagina 3 di 3" in response.text


# Preferences -----------------------------------------------------------------------------


def test_the_preferences_page_shows_the_defaults_and_saves_choices(client_for, alice):
    client = client_for(alice)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    assert 'name="referral_sent" value="immediate"' in response.text
    data = dict.fromkeys(Kind.values, Delivery.IMMEDIATE)
    data[Kind.REFERRAL_SENT] = Delivery.DIGEST
    data[Kind.LOCKOUT] = Delivery.NONE
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    chosen = dict(EmailPreference.objects.filter(user=alice).values_list("kind", "delivery"))
    assert chosen[Kind.REFERRAL_SENT] == Delivery.DIGEST
    assert chosen[Kind.LOCKOUT] == Delivery.NONE
    assert chosen[Kind.REVIEW_DUE] == Delivery.IMMEDIATE


def test_a_wrong_choice_saves_nothing(client_for, alice):
    data = dict.fromkeys(Kind.values, Delivery.IMMEDIATE)
    data[Kind.LOCKOUT] = "carrier-pigeon"
    response = client_for(alice).post(reverse("notifications:preferences"), data)
    assert response.status_code == 200
    assert not EmailPreference.objects.exists()


def test_the_account_security_page_links_to_the_preferences(client_for, alice):
    response = client_for(alice).get(reverse("account_security"))
    assert reverse("notifications:preferences") in response.text
