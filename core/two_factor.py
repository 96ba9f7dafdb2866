"""Two-factor authentication: a TOTP app as the second factor, ten single-use recovery
codes for the day the phone is lost (django-otp's TOTP and static devices).

Who must use it: coordinators (they see every case of their projects) and admins
(`is_staff` or `is_superuser`: the Django admin). Anyone else may turn it on from
"Sicurezza dell'account", and from then on is asked for a code at each login too.

How a session becomes verified: after the password, `TwoFactorMiddleware` sends the
user to set up an app (no device yet) or to type a code; a right code calls
`django_otp.login`, which writes the device's id in the session (server side), with
the user's `two_factor_epoch`, and the session key is changed. The middleware reads
only the session and the user's row (loaded by authentication anyway), so a verified
request costs no query: the pages' query budgets stay as they were. Removing or
replacing the app raises the epoch: every other session of the user, on any node,
is unverified at its next request.

Setting up a required second factor needs an activation code the admin hands over
out of band (`activation_code_issue`: the Django admin or `manage.py
two_factor_activation`), single use, expiring, kept only as a hash: the password alone
must never bring in an app. The set-up page writes nothing until the first right code:
the new secret waits in the session.

django-otp's own protections apply: a TOTP code is accepted once (a later code must
be of a later time step), and failures slow down further attempts exponentially on
each device (ThrottlingMixin). Every step is written to the security log.
"""

from __future__ import annotations

import base64
import secrets
import time
from datetime import timedelta

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from core.access import access_for

from . import security_log
from .models import SecurityEvent, TwoFactorActivation
from .signals import account_alert

Kind = SecurityEvent.Kind
RECOVERY_CODE_COUNT = 10
# Set at login when the user must give a second factor before going on.
PENDING_KEY = "_two_factor_pending"
# The recovery codes just made, shown once by the next page and then forgotten.
NEW_CODES_KEY = "_two_factor_new_codes"
# The user's two_factor_epoch when this session was verified (see is_verified).
EPOCH_KEY = "_two_factor_epoch"
# The secret of the app being set up, until its first code confirms it.
SETUP_KEY = "_two_factor_setup_key"
TOTP_DEVICE_NAME = "app"
STATIC_DEVICE_NAME = "recovery"


# Who and when ----------------------------------------------------------------------------


def is_required(user) -> bool:
    """Coordinators and admins must use two factors."""

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or access_for(user).is_coordinator


def is_verified(request) -> bool:
    """Whether this session has passed the second factor, with the user's current
    app: removing or replacing it (any session, any node) raises the user's epoch."""
    session = getattr(request, "session", None)
    if session is None or not session.get(DEVICE_ID_SESSION_KEY):
        return False
    user = getattr(request, "user", None)
    epoch = getattr(user, "two_factor_epoch", 0) or 0
    return session.get(EPOCH_KEY, 0) == epoch


def needs_verification(request) -> bool:
    """A logged-in user who must still give a second factor in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or is_verified(request):
        return False
    return bool(request.session.get(PENDING_KEY)) or is_required(user)


@receiver(user_logged_in, dispatch_uid="two_factor_login")
def _on_login(sender, request, user, **kwargs):
    # Decided once at login (two small queries), so later requests only read the
    # session. A user with no device who is not required goes on as before.
    if request is None or not hasattr(request, "session"):
        return
    if is_required(user) or has_app(user):
        request.session[PENDING_KEY] = True


# Devices ---------------------------------------------------------------------------------


def app_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=confirmed)
    return devices.order_by("-pk").first()


def has_app(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_app_device(request) -> TOTPDevice:
    """The app being set up: a new secret, not accepted for logins until a first code
    from the app proves it was copied right. Kept in the session, not in the database:
    opening the page writes no row. Reused while the user is on the page."""
    key = request.session.get(SETUP_KEY)
    if not key:
        key = request.session[SETUP_KEY] = default_key()
    return TOTPDevice(user=request.user, name=TOTP_DEVICE_NAME, key=key, confirmed=False)


def activation_required(request) -> bool:
    """Setting up a required second factor with no working app needs an activation
    code; replacing an app from a session verified with it does not, nor turning it on
    by choice (the password is then all an attacker would need anyway)."""
    return is_required(request.user) and not is_verified(request)


def secret_of(device: TOTPDevice) -> str:
    """The secret as apps want it typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code, to put inline in the page (no styles,
    no scripts: the CSP allows neither)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    return image.to_string(encoding="unicode")


# Services -------------------------------------------------------------------------------


def _normalise(token: str) -> str:
    return "".join((token or "").split()).replace("-", "").lower()


def _mark_verified(request, device) -> None:
    # A new session key when the session gains a privilege (ASVS 3.2.1).
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[EPOCH_KEY] = request.user.two_factor_epoch
    request.session.pop(PENDING_KEY, None)


def _end_other_verifications(user) -> None:
    """Every session verified with the user's earlier app stops being verified."""
    get_user_model()._default_manager.filter(pk=user.pk).update(
        two_factor_epoch=F("two_factor_epoch") + 1
    )
    user.refresh_from_db(fields=["two_factor_epoch"])


def _totp_matches(device: TOTPDevice, token: str) -> bool:
    """The first code of an app not yet saved (TOTPDevice.verify_token would save it)."""
    try:
        value = int(token)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(value, device.tolerance):
        return False
    device.last_t = totp.t()  # that code is used: it will not open a login
    if getattr(settings, "OTP_TOTP_SYNC", True):
        device.drift = totp.drift  # as TOTPDevice.verify_token keeps the phone's clock
    return True


# Activation codes -------------------------------------------------------------------------


def activation_hours() -> int:
    return settings.TWO_FACTOR_ACTIVATION_HOURS


def _format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def activation_code_issue(*, user, issued_by=None, request=None) -> str:
    """A new activation code for `user`, to be handed over out of band; any earlier
    unused one stops working. Returns the code, which is stored only as a hash."""
    TwoFactorActivation.objects.filter(user=user, used_at__isnull=True).delete()
    # 80 random bits in 16 base32 characters, like the recovery codes.
    code = base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()
    TwoFactorActivation.objects.create(
        user=user,
        code_hash=make_password(code),
        expires_at=timezone.now() + timedelta(hours=settings.TWO_FACTOR_ACTIVATION_HOURS),
        created_by=issued_by,
    )
    security_log.record(
        Kind.TWO_FACTOR_ACTIVATION,
        request=request,
        user=user,
        details={"issued_by": issued_by.get_username() if issued_by else "command"},
    )
    return _format_code(code)


def _activation_for(user, code: str) -> TwoFactorActivation | None:
    code = _normalise(code)
    if not code:
        return None
    now = timezone.now()
    for activation in TwoFactorActivation.objects.select_for_update().filter(
        user=user, used_at__isnull=True, expires_at__gt=now
    ):
        if check_password(code, activation.code_hash):
            return activation
    return None


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=STATIC_DEVICE_NAME, confirmed=True)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        # 80 random bits in 16 base32 characters (django-otp's default has 40).
        token = base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()
        StaticToken.objects.create(device=device, token=token)
        codes.append(token)
    return codes


def _remember_codes(request, codes: list[str]) -> None:
    request.session[NEW_CODES_KEY] = codes


def take_new_codes(request) -> list[str]:
    """The codes just made, once: a second visit finds none."""
    return [
        "-".join(code[i : i + 4] for i in range(0, len(code), 4))
        for code in request.session.pop(NEW_CODES_KEY, [])
    ]


@transaction.atomic
def app_confirm(*, request, device: TOTPDevice, token: str, activation_code: str = "") -> str:
    """The first code from the app (and, when required, the activation code): on
    success the app is the user's second factor (replacing any earlier one, whose
    other sessions are verified no more), new recovery codes are made and this session
    is verified. Returns "" on success, else which of the two was wrong."""
    user = request.user
    if device.pk is not None or device.user_id != user.pk:
        return "code"
    activation = None
    if activation_required(request):
        activation = _activation_for(user, activation_code)
        if activation is None:
            security_log.record(
                Kind.TWO_FACTOR_FAILED, request=request, details={"step": "activation"}
            )
            return "activation_code"
    if not _totp_matches(device, _normalise(token)):
        security_log.record(Kind.TWO_FACTOR_FAILED, request=request, details={"step": "setup"})
        return "code"
    replaced = TOTPDevice.objects.filter(user=user).exists()
    TOTPDevice.objects.filter(user=user).delete()
    if replaced:
        _end_other_verifications(user)
    if activation is not None:
        activation.used_at = timezone.now()
        activation.save(update_fields=["used_at"])
    device.confirmed = True
    device.save()
    request.session.pop(SETUP_KEY, None)
    codes = _new_recovery_codes(user)
    _mark_verified(request, device)
    _remember_codes(request, codes)
    security_log.record(Kind.TWO_FACTOR_SETUP, request=request)
    return ""


def verify(*, request, token: str) -> bool:
    """A code typed at login: the app's code, or one of the recovery codes (which is
    then used up)."""
    user = request.user
    token = _normalise(token)
    if not token:
        return False
    with transaction.atomic():
        app = (
            TOTPDevice.objects.devices_for_user(user, confirmed=True)
            .select_for_update()
            .order_by("-pk")
            .first()
        )
        verified, recovery = None, False
        if token.isdigit() and len(token) in (6, 8):
            # An app's code (6 digits, or 8 for apps set up that way).
            if app is not None and app.verify_token(token):
                verified = app
        else:
            for static in StaticDevice.objects.devices_for_user(
                user, confirmed=True
            ).select_for_update():
                if static.verify_token(token):
                    verified, recovery = static, True
                    break
    if verified is None:
        security_log.record(Kind.TWO_FACTOR_FAILED, request=request, details={"step": "login"})
        return False
    _mark_verified(request, verified)
    if recovery:
        security_log.record(
            Kind.RECOVERY_CODE_USED,
            request=request,
            details={"codes_left": recovery_codes_left(user)},
        )
    else:
        security_log.record(Kind.TWO_FACTOR_VERIFIED, request=request)
    return True


@transaction.atomic
def recovery_codes_regenerate(*, request) -> None:
    """Ten new codes; the old ones stop working."""
    _remember_codes(request, _new_recovery_codes(request.user))
    security_log.record(Kind.RECOVERY_CODES_NEW, request=request)


@transaction.atomic
def disable(*, request) -> None:
    """Remove the app and the recovery codes. A user who must use two factors is sent
    to set them up again at the next page."""
    user = request.user
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _end_other_verifications(user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(EPOCH_KEY, None)
    request.session.pop(PENDING_KEY, None)
    security_log.record(Kind.TWO_FACTOR_DISABLED, request=request)
    # The owner hears of it even if it was not them (notifications listens).
    account_alert.send(sender=SecurityEvent, user=user, kind="two_factor_disabled")
