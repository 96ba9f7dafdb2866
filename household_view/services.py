"""Writes of the household view: giving and revoking accesses, opening the link,
setting and checking the PIN, and what the member writes (a message, a request to
withdraw a consent, its own rating).

Every use is in the security log (core.security_log, with the client's address) and in
the household's history (core.audit, the member's acts with no actor: the member has no
account). Secrets never reach the audit trail: the changes are written by hand here."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import autonomy
from beneficiaries.models import Consent
from core import audit, security_log
from core.access import access_for
from core.models import AuditEvent, SecurityEvent
from core.signals import household_member_wrote

from .models import LANGUAGE_CODES, HouseholdAccess, MemberMessage, SelfAssessment

Kind = SecurityEvent.Kind
Action = AuditEvent.Action

# The session of a member: which access, and the language of its pages.
ACCESS_SESSION_KEY = "household_member_access_id"
LANGUAGE_SESSION_KEY = "household_view_language"
# The phone's cookie: "<access public id>:<device key>", signed.
DEVICE_COOKIE = "abitare_household_device"
DEVICE_COOKIE_SALT = "household_view.device"
# last_used_at is written at most once in this many seconds (not on every click).
_USE_RESOLUTION = 60
PIN_LENGTHS = range(4, 7)


class Refused(Exception):
    """A member's attempt refused: `reason` is one of "invalid", "locked",
    "throttled", "ended"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _changes(**fields) -> dict:
    """{field: [old, new]} written by hand, so that no digest or hash is ever in it."""
    return {name: [_plain(old), _plain(new)] for name, (old, new) in fields.items()}


def _record(access: HouseholdAccess, *, actor=None, action=Action.UPDATE, page=None, **fields):
    case = access.case
    return audit.record(
        actor=actor,
        action=action,
        instance=access,
        household=case.household,
        case=case,
        changes=_changes(**fields),
        page=page,
    )


def _log(kind: str, *, request, access: HouseholdAccess | None, user=None, **details):
    if access is not None:
        details = {"access": str(access.public_id), "case": str(access.case.public_id), **details}
    return security_log.record(
        kind,
        request=request,
        user=user,
        username="" if user is not None else "household",
        details=details,
    )


def address_refusals(request) -> int:
    """Refused PINs and links from the request's address within the window."""
    address = security_log.client_ip(request)
    if not address:
        return 0
    since = timezone.now() - timedelta(minutes=settings.HOUSEHOLD_IP_WINDOW_MINUTES)
    return SecurityEvent.objects.filter(
        kind=Kind.HOUSEHOLD_LOGIN_FAILED, ip_address=address, at__gte=since
    ).count()


def _refuse_if_throttled(request) -> None:
    if address_refusals(request) >= settings.HOUSEHOLD_IP_FAILURE_LIMIT:
        raise Refused("throttled")


def start_session(request, access: HouseholdAccess) -> None:
    """A session of the household view only: whatever session the browser had (a
    staff login included) ends, and the new one names the access, never a user."""
    request.session.flush()
    request.session[ACCESS_SESSION_KEY] = access.pk
    request.session[LANGUAGE_SESSION_KEY] = access.language
    request.session.set_expiry(settings.HOUSEHOLD_SESSION_SECONDS)


def end_session(request) -> None:
    language = request.session.get(LANGUAGE_SESSION_KEY)
    request.session.flush()
    if language:
        request.session[LANGUAGE_SESSION_KEY] = language


# What the workers do ----------------------------------------------------------------


def access_issue_check(*, case, person) -> None:
    errors = {}
    if not case.is_open:
        raise ValidationError(_("La presa in carico è chiusa: non si danno nuovi accessi."))
    if person is None:
        errors["person"] = _("Scegli il componente a cui dare l'accesso.")
    elif person.household_id != case.household_id:
        errors["person"] = _("La persona non è un componente del nucleo.")
    elif person.is_minor():
        errors["person"] = _("L'accesso si dà solo a un componente maggiorenne.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def access_issue(*, request, user, case, person) -> tuple[HouseholdAccess, str]:
    """Give `person` (an adult member) an access to the household's view: returns the
    access and the link's token, which exists only now (it is stored as a digest)."""
    access = access_for(user)
    access.require(access.may_issue_household_access(case))
    access_issue_check(case=case, person=person)
    token = secrets.token_urlsafe(32)
    granted = HouseholdAccess(
        case=case,
        person=person,
        issued_by=user,
        link_token_hash=digest(token),
        link_expires_at=timezone.now() + timedelta(hours=settings.HOUSEHOLD_LINK_HOURS),
    )
    granted.full_clean()
    granted.save()
    _record(
        granted,
        actor=user,
        action=Action.CREATE,
        person_id=(None, person.pk),
        link_expires_at=(None, granted.link_expires_at),
    )
    _log(Kind.HOUSEHOLD_ACCESS_ISSUED, request=request, access=granted, user=user)
    return granted, token


@transaction.atomic
def access_revoke(*, request, user, household_access: HouseholdAccess) -> HouseholdAccess:
    access = access_for(user)
    access.require(access.may_issue_household_access(household_access.case))
    locked = HouseholdAccess.objects.select_for_update().get(pk=household_access.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("L'accesso è già revocato."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = user
    locked.save(update_fields=["revoked_at", "revoked_by"])
    locked.case = household_access.case
    _record(locked, actor=user, revoked_at=(None, locked.revoked_at))
    _log(Kind.HOUSEHOLD_ACCESS_REVOKED, request=request, access=locked, user=user)
    return locked


# What the member does ----------------------------------------------------------------


class _WithoutToken:
    """The request as the security log reads it, without the link's token in the path:
    the token lives nowhere but in the member's hands."""

    def __init__(self, request):
        self.META = request.META
        self.user = getattr(request, "user", None)
        self.path = "/percorso/entra/…/"


def _failed(request, access, via: str):
    _log(Kind.HOUSEHOLD_LOGIN_FAILED, request=request, access=access, via=via)


def link_open(*, request, token: str) -> HouseholdAccess:
    """Open the one-time link: the access's session starts. Refused (and logged) when
    the token is unknown, used, expired, or the access has ended."""
    with transaction.atomic():
        _refuse_if_throttled(request)
        granted = (
            HouseholdAccess.objects.select_for_update()
            .filter(link_token_hash=digest(token or ""))
            .first()
        )
        if granted is not None:
            granted = HouseholdAccess.objects.select_related("case__household", "person").get(
                pk=granted.pk
            )
        now = timezone.now()
        if granted is None or not granted.link_is_usable(now):
            _failed(_WithoutToken(request), granted, "link")
            refused = Refused("invalid")
        else:
            granted.opened_at = now
            granted.last_used_at = now
            granted.save(update_fields=["opened_at", "last_used_at"])
            _record(granted, opened_at=(None, now))
            _log(Kind.HOUSEHOLD_ACCESS_OPENED, request=_WithoutToken(request), access=granted)
            refused = None
    # The refusal is raised after the commit, so that its log row stays.
    if refused is not None:
        raise refused
    start_session(request, granted)
    return granted


def pin_check(pin: str) -> None:
    if not (pin or "").isdigit() or len(pin) not in PIN_LENGTHS:
        raise ValidationError({"pin": _("Il PIN ha da 4 a 6 cifre.")})


@transaction.atomic
def pin_set(*, request, household_access: HouseholdAccess, pin: str, pin_again: str) -> str:
    """Set the PIN for this phone; returns the value of the phone's cookie (the key
    is stored as a digest; a PIN set again on another phone replaces the first one)."""
    pin_check(pin)
    if pin != pin_again:
        raise ValidationError({"pin_again": _("I due PIN non sono uguali.")})
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    household_access.pin_hash = make_password(pin)
    household_access.device_key_hash = digest(key)
    household_access.pin_set_at = now
    household_access.failed_pin_attempts = 0
    household_access.locked_until = None
    household_access.save(
        update_fields=[
            "pin_hash",
            "device_key_hash",
            "pin_set_at",
            "failed_pin_attempts",
            "locked_until",
        ]
    )
    _record(household_access, pin_set_at=(None, now))
    _log(Kind.HOUSEHOLD_PIN_SET, request=request, access=household_access)
    return f"{household_access.public_id}:{key}"


def device_access(device_value: str | None) -> HouseholdAccess | None:
    """The access the phone's cookie names, if its key is the one stored."""
    public_id, _sep, key = (device_value or "").partition(":")
    if not key:
        return None
    try:
        granted = HouseholdAccess.objects.select_related("case__household", "person").get(
            public_id=public_id
        )
    except (HouseholdAccess.DoesNotExist, ValidationError, ValueError):
        return None
    if not granted.device_key_hash or not hmac.compare_digest(granted.device_key_hash, digest(key)):
        return None
    return granted


def pin_login(*, request, device_value: str | None, pin: str) -> HouseholdAccess:
    """Come back on the same phone with the PIN. Wrong PINs lock the access like wrong
    passwords lock an account; too many refusals from one address stop the address."""
    refused = None
    with transaction.atomic():
        _refuse_if_throttled(request)
        granted = device_access(device_value)
        if granted is None:
            _failed(request, None, "device")
            refused = Refused("invalid")
        else:
            granted = (
                HouseholdAccess.objects.select_for_update()
                .select_related("case__household", "person")
                .get(pk=granted.pk)
            )
            now = timezone.now()
            if not granted.is_active(now):
                refused = Refused("ended")
            elif granted.is_locked(now):
                refused = Refused("locked")
            elif not granted.pin_hash or not check_password(pin or "", granted.pin_hash):
                granted.failed_pin_attempts += 1
                fields = ["failed_pin_attempts"]
                _failed(request, granted, "pin")
                _record(
                    granted,
                    action=Action.VIEW,
                    page=_("PIN errato"),
                    failed_pin_attempts=(
                        granted.failed_pin_attempts - 1,
                        granted.failed_pin_attempts,
                    ),
                )
                refused = Refused("invalid")
                if granted.failed_pin_attempts >= settings.HOUSEHOLD_PIN_FAILURE_LIMIT:
                    granted.locked_until = now + timedelta(
                        minutes=settings.HOUSEHOLD_PIN_LOCK_MINUTES
                    )
                    granted.failed_pin_attempts = 0
                    fields.append("locked_until")
                    _log(Kind.HOUSEHOLD_LOCKOUT, request=request, access=granted)
                    refused = Refused("locked")
                granted.save(update_fields=fields)
            else:
                granted.failed_pin_attempts = 0
                granted.locked_until = None
                granted.last_used_at = now
                granted.save(update_fields=["failed_pin_attempts", "locked_until", "last_used_at"])
                _record(granted, action=Action.VIEW, page=_("accesso con il PIN"))
                _log(Kind.HOUSEHOLD_LOGIN, request=request, access=granted)
    if refused is not None:
        raise refused
    start_session(request, granted)
    return granted


def access_touch(request, household_access: HouseholdAccess) -> None:
    """Keep "last used" roughly current, and the session's idle limit moving, without a
    write on every page."""
    now = timezone.now()
    last = household_access.last_used_at
    if last is None or (now - last).total_seconds() >= _USE_RESOLUTION:
        HouseholdAccess.objects.filter(pk=household_access.pk).update(last_used_at=now)
        household_access.last_used_at = now
        request.session.modified = True  # saved again: its expiry counts from now


def language_set(*, request, household_access: HouseholdAccess | None, language: str) -> None:
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Scegli una delle lingue proposte.")})
    request.session[LANGUAGE_SESSION_KEY] = language
    if household_access is not None and household_access.language != language:
        HouseholdAccess.objects.filter(pk=household_access.pk).update(language=language)
        household_access.language = language


def _message(*, request, household_access, text: str = "", consent=None) -> MemberMessage:
    case = household_access.case
    message = MemberMessage(access=household_access, case=case, text=text, consent=consent)
    message.full_clean()
    message.save()
    audit.record(
        actor=None,
        action=Action.CREATE,
        instance=message,
        household=case.household,
        case=case,
        changes=_changes(
            text=(None, text) if text else (None, None),
            consent_id=(None, consent.pk if consent else None),
        ),
    )
    _log(
        Kind.HOUSEHOLD_MESSAGE,
        request=request,
        access=household_access,
        message=message.pk,
        consent=consent is not None,
    )
    household_member_wrote.send(sender=MemberMessage, message=message, case=case)
    return message


@transaction.atomic
def message_send(*, request, household_access: HouseholdAccess, text: str) -> MemberMessage:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Scrivi il messaggio.")})
    if len(text) > 1000:
        raise ValidationError({"text": _("Il messaggio è troppo lungo: al massimo 1000 lettere.")})
    return _message(request=request, household_access=household_access, text=text)


@transaction.atomic
def consent_withdrawal_ask(
    *, request, household_access: HouseholdAccess, consent: Consent
) -> MemberMessage:
    """Ask the workers to withdraw a consent: the consent itself does not change."""
    if consent.household_id != household_access.case.household_id:
        raise ValidationError(_("Questo consenso non è del tuo nucleo."))
    if MemberMessage.objects.filter(access__case=household_access.case, consent=consent).exists():
        raise ValidationError(_("Hai già chiesto di revocare questo consenso."))
    return _message(request=request, household_access=household_access, consent=consent)


def self_assessment_check(levels: dict) -> dict:
    clean, errors = {}, {}
    for domain in autonomy.DOMAINS:
        value = levels.get(domain.value)
        if value in (None, ""):
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in autonomy.LEVELS:
            errors[domain.value] = _("Scegli un livello da 1 a 5.")
        else:
            clean[domain.value] = value
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError(_("Scegli almeno un ambito."))
    return clean


@transaction.atomic
def self_assessment_record(
    *, request, household_access: HouseholdAccess, levels: dict
) -> SelfAssessment:
    clean = self_assessment_check(levels)
    case = household_access.case
    rating = SelfAssessment(
        access=household_access, case=case, person=household_access.person, levels=clean
    )
    rating.full_clean()
    rating.save()
    audit.record(
        actor=None,
        action=Action.CREATE,
        instance=rating,
        household=case.household,
        case=case,
        changes=_changes(levels=(None, clean)),
    )
    return rating
