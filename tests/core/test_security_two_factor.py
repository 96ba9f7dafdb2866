"""Two-factor authentication (ASVS 2.7, 2.8 — TOTP —, 2.6 — recovery codes —, 2.2.3,
3.2.1; GDPR art. 32; HMIS 4.3): required for coordinators and admins, the Django admin
included, available to everyone, every step in the security log.

These tests log in with the password (the login form or `client.login`), never with
`force_login`, which the suite's conftest makes skip the second factor."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor
from core.models import SecurityEvent, TwoFactorActivation
from partners.models import StaffMembership
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind
PASSWORD = "correct-horse-battery"


def code_for(device: TOTPDevice) -> str:
    """The code the phone shows now — or, if that one was already used, the next
    one (the server accepts one step ahead and never the same step twice)."""
    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    drift = max(0, device.last_t + 1 - now_t)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):0{device.digits}d}"


def password_login(client, user, next_url=""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": PASSWORD})


def setup_code(client) -> str:
    """The code the phone shows for the secret the setup page put in the session."""
    pending = TOTPDevice(key=client.session[two_factor.SETUP_KEY])
    return f"{totp(pending.bin_key, pending.step, pending.t0, pending.digits, 0):06d}"


def set_up_app(client, user) -> tuple[TOTPDevice, list[str]]:
    """Walk through the setup page as a user would (with the activation code the admin
    handed over, when the page asks for one); returns the device and the codes."""
    page = client.get(reverse("two_factor_setup")).content.decode()
    data = {"code": setup_code(client)}
    if 'name="activation_code"' in page:
        data["activation_code"] = two_factor.activation_code_issue(user=user)
    response = client.post(reverse("two_factor_setup"), data)
    assert response.status_code == 302
    assert response.url == reverse("recovery_codes")
    page = client.get(reverse("recovery_codes")).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</li>", page)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return device, codes


@pytest.fixture
def coordinator(carla):
    return carla


def test_coordinator_is_sent_to_setup_after_the_password(client, coordinator):
    response = password_login(client, coordinator, next_url=reverse("beneficiaries:caseload"))
    assert response.status_code == 302
    # Whatever page they ask for, they land on the setup page first.
    for url in (reverse("home"), reverse("beneficiaries:caseload"), reverse("account_security")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("two_factor_setup"))
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "obbligatoria" in page


def test_setup_shows_an_inline_svg_qr_code_and_the_secret_for_typing(client, coordinator):
    password_login(client, coordinator)
    page = client.get(reverse("two_factor_setup")).content.decode()
    device = TOTPDevice(key=client.session[two_factor.SETUP_KEY])
    qr = re.search(r'data-testid="qr-code">(<svg.*?</svg>)', page, re.S)
    assert qr, "the QR code is an inline SVG"
    # Nothing the CSP would block: no style attribute or element, no script.
    assert "style" not in qr.group(1) and "<script" not in qr.group(1)
    import base64

    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    # Until a first code proves the app works, the device is not a second factor.
    assert not two_factor.has_app(coordinator)


def test_a_wrong_first_code_does_not_activate_and_is_logged(client, coordinator):
    password_login(client, coordinator)
    client.get(reverse("two_factor_setup"))
    activation = two_factor.activation_code_issue(user=coordinator)
    response = client.post(
        reverse("two_factor_setup"), {"code": "000000", "activation_code": activation}
    )
    assert response.status_code == 200
    assert "Il codice non corrisponde" in response.content.decode()
    assert not two_factor.has_app(coordinator)
    assert SecurityEvent.objects.filter(user=coordinator, kind=Kind.TWO_FACTOR_FAILED).exists()
    assert client.get(reverse("home")).status_code == 302


def test_setup_activates_the_app_and_shows_ten_recovery_codes_once(client, coordinator):
    password_login(client, coordinator)
    device, codes = set_up_app(client, coordinator)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=coordinator).count() == 10
    # Shown once: the page has nothing to show the second time.
    again = client.get(reverse("recovery_codes")).content.decode()
    assert 'data-testid="no-codes"' in again
    assert not any(code in again for code in codes)
    # The session is verified: pages open.
    assert client.get(reverse("beneficiaries:caseload")).status_code == 200
    assert SecurityEvent.objects.filter(user=coordinator, kind=Kind.TWO_FACTOR_SETUP).exists()


def test_next_login_asks_for_the_code_and_a_right_code_opens_the_pages(client, coordinator):
    password_login(client, coordinator)
    device, _ = set_up_app(client, coordinator)
    client.post(reverse("logout"))

    password_login(client, coordinator)
    response = client.get(reverse("beneficiaries:caseload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    key_before = client.session.session_key

    wrong = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert wrong.status_code == 200
    assert "Codice non valido" in wrong.content.decode()
    assert client.get(reverse("beneficiaries:caseload")).status_code == 302

    # Past django-otp's back-off after one failure (one second).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    right = client.post(
        reverse("two_factor_verify"),
        {"code": code_for(device), "next": reverse("beneficiaries:caseload")},
    )
    assert right.status_code == 302
    assert right.url == reverse("beneficiaries:caseload")
    assert client.get(reverse("beneficiaries:caseload")).status_code == 200
    assert client.session.session_key != key_before, "a new session key once verified"
    kinds = set(SecurityEvent.objects.filter(user=coordinator).values_list("kind", flat=True))
    assert {Kind.TWO_FACTOR_FAILED, Kind.TWO_FACTOR_VERIFIED} <= kinds


def test_the_same_code_is_not_accepted_twice(client, coordinator):
    password_login(client, coordinator)
    device, _ = set_up_app(client, coordinator)
    used = f"{totp(device.bin_key, device.step, device.t0, device.digits, 0):06d}"
    client.post(reverse("logout"))
    password_login(client, coordinator)
    device.refresh_from_db()
    now_t = int(time.time() // device.step)
    if device.last_t >= now_t:  # the setup used this step's code: replaying it must fail
        response = client.post(reverse("two_factor_verify"), {"code": used})
        assert "Codice non valido" in response.content.decode()
        assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_works_once(client, coordinator):
    password_login(client, coordinator)
    _, codes = set_up_app(client, coordinator)
    client.post(reverse("logout"))

    password_login(client, coordinator)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert SecurityEvent.objects.filter(
        user=coordinator, kind=Kind.RECOVERY_CODE_USED, details__codes_left=9
    ).exists()
    client.post(reverse("logout"))

    password_login(client, coordinator)
    again = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert "Codice non valido" in again.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_password_alone_cannot_replace_a_working_app(client, coordinator):
    password_login(client, coordinator)
    device, _ = set_up_app(client, coordinator)
    client.post(reverse("logout"))
    password_login(client, coordinator)
    # Someone with only the password goes to the setup page to bring their own app.
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [device]


def test_the_admin_needs_the_second_factor_too(client, admin_user):
    # The admin's own login form: the password is right...
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "admin", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    # ...but the admin opens only after the second factor.
    for url in ("/admin/", "/admin/users/user/", reverse("admin:login")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("two_factor_setup")), url
    set_up_app(client, admin_user)
    assert client.get("/admin/").status_code == 200


def test_the_admin_refuses_an_unverified_session_on_its_own(client, admin_user, settings):
    """Even without the middleware the admin site does not let an unverified session
    in: the admin login is never a way around the second factor."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "core.middleware.TwoFactorMiddleware"
    ]
    client.login(username="admin", password=PASSWORD)
    response = client.get("/admin/users/user/")
    assert response.status_code == 302
    assert "login" in response.url
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))


def test_a_social_worker_is_not_asked_until_they_turn_it_on(client, alice):
    password_login(client, alice)
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("account_security")).content.decode()
    assert "Non attiva" in page
    set_up_app(client, alice)
    client.post(reverse("logout"))

    password_login(client, alice)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))


def test_new_recovery_codes_need_the_password_and_replace_the_old(client, alice):
    password_login(client, alice)
    _, old_codes = set_up_app(client, alice)
    refused = client.post(reverse("recovery_codes_regenerate"), {"password": "wrong"})
    assert refused.url == reverse("account_security")
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == {
        c.replace("-", "") for c in old_codes
    }

    response = client.post(reverse("recovery_codes_regenerate"), {"password": PASSWORD})
    assert response.url == reverse("recovery_codes")
    page = client.get(reverse("recovery_codes")).content.decode()
    new_codes = re.findall(r"<li>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</li>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert SecurityEvent.objects.filter(user=alice, kind=Kind.RECOVERY_CODES_NEW).exists()

    client.post(reverse("logout"))
    password_login(client, alice)
    assert client.post(reverse("two_factor_verify"), {"code": old_codes[1]}).status_code == 200
    StaticDevice.objects.update(throttling_failure_timestamp=None)  # past the 1 s back-off
    assert client.post(reverse("two_factor_verify"), {"code": new_codes[1]}).status_code == 302


def test_disabling_needs_the_password_and_a_coordinator_must_set_up_again(client, coordinator):
    password_login(client, coordinator)
    set_up_app(client, coordinator)
    client.post(reverse("two_factor_disable"), {"password": "wrong"})
    assert two_factor.has_app(coordinator)

    client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert not two_factor.has_app(coordinator)
    assert not StaticToken.objects.filter(device__user=coordinator).exists()
    assert SecurityEvent.objects.filter(user=coordinator, kind=Kind.TWO_FACTOR_DISABLED).exists()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))


def test_a_social_worker_may_turn_it_off(client, alice):
    password_login(client, alice)
    set_up_app(client, alice)
    response = client.post(reverse("two_factor_disable"), {"password": PASSWORD}, follow=True)
    assert "disattivata" in response.content.decode()
    client.post(reverse("logout"))
    password_login(client, alice)
    assert client.get(reverse("home")).status_code == 200


def test_someone_made_coordinator_is_asked_on_their_next_page(client, alice, coop_alfa):
    password_login(client, alice)
    assert client.get(reverse("home")).status_code == 200
    StaffMembershipFactory(
        user=alice, organisation=coop_alfa, role=StaffMembership.Role.COORDINATOR
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))


def test_an_htmx_request_sends_the_whole_page_to_the_second_factor(client, coordinator):
    password_login(client, coordinator)
    response = client.get(reverse("beneficiaries:caseload"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("two_factor_setup")


def test_the_next_address_never_leads_off_site(client, coordinator):
    password_login(client, coordinator)
    device, _ = set_up_app(client, coordinator)
    client.post(reverse("logout"))
    password_login(client, coordinator)
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_logging_out_works_before_the_second_factor(client, coordinator):
    password_login(client, coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_force_login_in_tests_skips_the_second_factor_only_there(client, carla):
    """The suite's harness (tests/conftest.py): force_login gives a verified session,
    the password alone does not."""
    client.force_login(carla)
    assert client.get(reverse("beneficiaries:caseload")).status_code == 200
    other = type(client)()
    other.login(username="carla", password=PASSWORD)
    assert other.get(reverse("beneficiaries:caseload")).status_code == 302


def test_admins_and_coordinators_are_required_others_are_not(alice, carla, marco, admin_user):
    staff = UserFactory(username="staffer", is_staff=True)
    assert two_factor.is_required(carla)
    assert two_factor.is_required(admin_user)
    assert two_factor.is_required(staff)
    assert not two_factor.is_required(alice)
    assert not two_factor.is_required(marco)


def test_the_two_factor_pages_keep_the_accessible_markup(client, coordinator):
    from tests.a11y import accessibility_problems

    password_login(client, coordinator)
    setup = client.get(reverse("two_factor_setup")).content.decode()
    assert accessibility_problems(setup) == []
    device, _ = set_up_app(client, coordinator)
    client.post(reverse("recovery_codes_regenerate"), {"password": PASSWORD})
    codes_page = client.get(reverse("recovery_codes")).content.decode()
    assert accessibility_problems(codes_page) == []
    assert accessibility_problems(client.get(reverse("account_security")).content.decode()) == []
    client.post(reverse("logout"))
    password_login(client, coordinator)
    verify = client.get(reverse("two_factor_verify")).content.decode()
    assert accessibility_problems(verify) == []


# Enrolment needs something out of band; removing the app ends other verifications ----


def test_opening_the_setup_page_writes_no_row(client, coordinator):
    password_login(client, coordinator)
    first = client.get(reverse("two_factor_setup")).content.decode()
    second = client.get(reverse("two_factor_setup")).content.decode()
    assert not TOTPDevice.objects.exists()
    secret = re.compile(r'data-testid="totp-secret">([A-Z2-7 ]+)<')
    assert secret.search(first).group(1) == secret.search(second).group(1), "same secret"


def test_the_password_alone_cannot_enrol_a_required_second_factor(client, coordinator):
    """Whoever stole a coordinator's password before the first login must not bring in
    their own authenticator."""
    password_login(client, coordinator)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert 'name="activation_code"' in page
    response = client.post(reverse("two_factor_setup"), {"code": setup_code(client)})
    assert response.status_code == 200
    assert not TOTPDevice.objects.exists()

    response = client.post(
        reverse("two_factor_setup"),
        {"code": setup_code(client), "activation_code": "aaaa-bbbb-cccc-dddd"},
    )
    assert "Il codice di attivazione non è valido" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert SecurityEvent.objects.filter(
        user=coordinator, kind=Kind.TWO_FACTOR_FAILED, details__step="activation"
    ).exists()
    assert client.get(reverse("home")).status_code == 302


def test_an_activation_code_works_once_and_not_after_it_expires(client, coordinator):
    password_login(client, coordinator)
    client.get(reverse("two_factor_setup"))
    code = two_factor.activation_code_issue(user=coordinator)
    TwoFactorActivation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(
        reverse("two_factor_setup"), {"code": setup_code(client), "activation_code": code}
    )
    assert "Il codice di attivazione non è valido" in response.content.decode()

    code = two_factor.activation_code_issue(user=coordinator)
    data = {"code": setup_code(client), "activation_code": code.upper()}
    assert client.post(reverse("two_factor_setup"), data).status_code == 302
    assert TwoFactorActivation.objects.get(used_at__isnull=False)
    client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    # After turning it off the coordinator needs a new code: the used one is spent.
    client.get(reverse("two_factor_setup"))
    response = client.post(
        reverse("two_factor_setup"), {"code": setup_code(client), "activation_code": code}
    )
    assert "Il codice di attivazione non è valido" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_an_activation_code_is_kept_only_as_a_hash_and_a_new_one_replaces_it(coordinator):
    first = two_factor.activation_code_issue(user=coordinator)
    second = two_factor.activation_code_issue(user=coordinator)
    activation = TwoFactorActivation.objects.get()
    assert activation.user == coordinator
    raw = second.replace("-", "")
    assert raw not in activation.code_hash and second not in activation.code_hash
    assert re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", first)
    assert (
        SecurityEvent.objects.filter(user=coordinator, kind=Kind.TWO_FACTOR_ACTIVATION).count() == 2
    )


def test_the_command_prints_an_activation_code_that_works(client, coordinator):
    out = StringIO()
    call_command("two_factor_activation", "carla", stdout=out)
    code = re.search(r"[a-z2-7]{4}(?:-[a-z2-7]{4}){3}", out.getvalue()).group(0)
    password_login(client, coordinator)
    client.get(reverse("two_factor_setup"))
    data = {"code": setup_code(client), "activation_code": code}
    assert client.post(reverse("two_factor_setup"), data).status_code == 302
    assert two_factor.has_app(coordinator)


def test_the_admin_issues_an_activation_code_shown_once(client, admin_user, coordinator):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:users_user_changelist"),
        {"action": "issue_two_factor_activation", "_selected_action": [coordinator.pk]},
        follow=True,
    )
    page = response.content.decode()
    code = re.search(r"[a-z2-7]{4}(?:-[a-z2-7]{4}){3}", page).group(0)
    activation = TwoFactorActivation.objects.get(user=coordinator)
    assert activation.created_by == admin_user
    assert code not in activation.code_hash


def test_a_social_worker_turning_it_on_needs_no_activation_code(client, alice):
    password_login(client, alice)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert 'name="activation_code"' not in page


def _second_session(coordinator, device):
    other = type(Client())()
    password_login(other, coordinator)
    assert other.post(reverse("two_factor_verify"), {"code": code_for(device)}).status_code == 302
    assert other.get(reverse("home")).status_code == 200
    return other


def test_turning_it_off_ends_the_verification_of_the_other_sessions(client, coordinator):
    password_login(client, coordinator)
    device, _ = set_up_app(client, coordinator)
    other = _second_session(coordinator, device)
    client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    response = other.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))


def test_replacing_the_app_ends_the_verification_of_the_other_sessions(client, coordinator):
    password_login(client, coordinator)
    device, _ = set_up_app(client, coordinator)
    other = _second_session(coordinator, device)
    # The verified session brings in a new app (no activation code needed for that)...
    new_device, _ = set_up_app(client, coordinator)
    assert new_device.pk != device.pk
    assert client.get(reverse("home")).status_code == 200, "this session stays verified"
    # ...and the other session must give a code of the new app.
    response = other.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
