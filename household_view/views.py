"""The household member's pages ("Il mio percorso"). None needs a staff login: each
is public to Django's LoginRequiredMiddleware and asks for the member's own session
(`_member`), which names one access and so one household. Nothing here takes the id
of a household, a case or a person from the address."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beneficiaries import autonomy
from beneficiaries.models import Consent
from core.forms import errors_to_form

from . import selectors, services
from .forms import LanguageForm, MessageForm, PinLoginForm, PinSetForm, SelfAssessmentForm
from .models import LANGUAGES


def _refusal_text(reason: str) -> str:
    return {
        "invalid": _("Il link o il PIN non è valido."),
        "locked": _("Troppi tentativi. Riprova tra 15 minuti."),
        "throttled": _("Troppi tentativi da questa rete. Riprova più tardi."),
        "ended": _("Questo accesso non è più attivo. Chiedi un nuovo link al tuo operatore."),
    }[reason]


def public(view):
    """A page of the household view: no staff login, never cached."""
    return login_not_required(never_cache(view))


def member_only(view):
    """A page for a member with a live session; anyone else goes to the start page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        had_session = services.ACCESS_SESSION_KEY in request.session
        member = selectors.member_access(request)
        if member is None:
            if had_session:
                messages.warning(request, _refusal_text("ended"))
            return redirect("household_view:start")
        services.access_touch(request, member)
        request.member = member
        return view(request, *args, **kwargs)

    return public(wrapped)


def _render(request, template, **context):
    return render(
        request,
        template,
        {
            "member": getattr(request, "member", None),
            "languages": LANGUAGES,
            "staff_language": settings.LANGUAGE_CODE,
            **context,
        },
    )


@public
@require_GET
def start(request):
    """Where a phone lands without a session: to the PIN if it has one, else a word on
    how to get a link."""
    if selectors.member_access(request) is not None:
        return redirect("household_view:home")
    device = request.get_signed_cookie(
        services.DEVICE_COOKIE, default=None, salt=services.DEVICE_COOKIE_SALT
    )
    if device:
        return redirect("household_view:pin_login")
    return _render(request, "household_view/start.html")


@public
@require_http_methods(["GET", "POST"])
def link_open(request, token):
    """The one-time link. Opening it (GET) changes nothing, so that a preview of the
    link by a messaging app does not use it up: the member presses the button."""
    if request.method == "POST":
        try:
            services.link_open(request=request, token=token)
        except services.Refused as refused:
            return _render(
                request, "household_view/link_open.html", refusal=_refusal_text(refused.reason)
            )
        return redirect("household_view:pin_set")
    return _render(request, "household_view/link_open.html")


@member_only
@require_http_methods(["GET", "POST"])
def pin_set(request):
    form = PinSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.pin_set(
                request=request, household_access=request.member, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Il PIN è salvato. La prossima volta usa il PIN."))
            response = redirect("household_view:home")
            response.set_signed_cookie(
                services.DEVICE_COOKIE,
                device,
                salt=services.DEVICE_COOKIE_SALT,
                max_age=settings.HOUSEHOLD_DEVICE_DAYS * 24 * 60 * 60,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                path="/percorso/",
            )
            return response
    return _render(request, "household_view/pin_set.html", form=form)


@public
@require_http_methods(["GET", "POST"])
def pin_login(request):
    device = request.get_signed_cookie(
        services.DEVICE_COOKIE, default=None, salt=services.DEVICE_COOKIE_SALT
    )
    if not device:
        return redirect("household_view:start")
    form = PinLoginForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.pin_login(request=request, device_value=device, pin=form.cleaned_data["pin"])
        except services.Refused as refused:
            refusal = _refusal_text(refused.reason)
            form.add_error("pin", refusal)
        else:
            return redirect("household_view:home")
    return _render(request, "household_view/pin_login.html", form=form, refusal=refusal)


@public
@require_POST
def language(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        services.language_set(
            request=request,
            household_access=selectors.member_access(request),
            language=form.cleaned_data["language"],
        )
    target = request.POST.get("next") or ""
    if not target.startswith("/percorso/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        target = "/percorso/"
    return redirect(target)


@member_only
@require_GET
def home(request):
    page = selectors.my_pathway(member=request.member)
    return _render(
        request,
        "household_view/home.html",
        page=page,
        amount_due=selectors.amount_due(page.placement),
    )


@member_only
@require_http_methods(["GET", "POST"])
def self_assessment(request):
    form = SelfAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_record(
                request=request, household_access=request.member, levels=form.levels()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Grazie. Il tuo operatore vedrà le tue risposte."))
            return redirect("household_view:home")
    return _render(
        request,
        "household_view/self_assessment.html",
        form=form,
        questions=[
            (
                form[d.value],
                [
                    (choice, autonomy.DESCRIPTIONS[d][int(choice.data["value"])])
                    for choice in form[d.value]
                ],
            )
            for d in autonomy.DOMAINS
        ],
    )


@member_only
@require_http_methods(["GET", "POST"])
def message(request):
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                request=request, household_access=request.member, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Messaggio inviato al tuo operatore."))
            return redirect("household_view:home")
    return _render(request, "household_view/message.html", form=form)


@member_only
@require_POST
def consent_withdrawal(request, pk):
    # Only a consent of the member's own household: any other id is a 404.
    consent = Consent.objects.filter(pk=pk, household_id=request.member.case.household_id).first()
    if consent is None:
        raise Http404
    try:
        services.consent_withdrawal_ask(
            request=request, household_access=request.member, consent=consent
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La richiesta è arrivata al tuo operatore."))
    return redirect("household_view:home")


@public
@require_POST
def logout(request):
    services.end_session(request)
    return redirect("household_view:start")
