"""Pages of two-factor authentication: "Sicurezza dell'account", setting up the app,
the code asked after the password, the recovery codes (shown once), new codes, and
turning it off. The rules are in core.two_factor."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import two_factor
from .two_factor_forms import CodeForm, PasswordConfirmForm


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("home")


@require_http_methods(["GET"])
def account_security(request):
    user = request.user
    return render(
        request,
        "core/account_security.html",
        {
            "has_app": two_factor.has_app(user),
            "is_required": two_factor.is_required(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "password_form": PasswordConfirmForm(user=user),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up the app: scan the QR code (or type the secret), then type the first code.
    Replacing an app that already works needs a session verified with it, and setting
    up a required second factor otherwise needs the activation code the admin handed
    over: the password alone must never be enough to bring in a new second factor.
    Nothing is written until the codes are right (the secret waits in the session)."""
    user = request.user
    if two_factor.has_app(user) and not two_factor.is_verified(request):
        return redirect(f"{resolve_url('two_factor_verify')}?next={resolve_url('home')}")
    device = two_factor.pending_app_device(request)
    needs_activation = two_factor.activation_required(request)
    form = CodeForm(request.POST or None, setup=True, activation=needs_activation)
    if form.is_bound and form.is_valid():
        wrong = two_factor.app_confirm(
            request=request,
            device=device,
            token=form.cleaned_data["code"],
            activation_code=form.cleaned_data.get("activation_code", ""),
        )
        if not wrong:
            request.session["_two_factor_next"] = _next_url(request)
            return redirect("recovery_codes")
        if wrong == "activation_code":
            form.add_error(
                "activation_code",
                _(
                    "Il codice di attivazione non è valido, è già stato usato o è scaduto. "
                    "Chiedine uno nuovo all'amministratore."
                ),
            )
        else:
            form.add_error(
                "code",
                _(
                    "Il codice non corrisponde. Controlla che l'ora del telefono sia giusta e "
                    "scrivi il codice che l'app mostra adesso."
                ),
            )
    return render(
        request,
        "core/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_of(device),
            "is_required": two_factor.is_required(user),
            "needs_activation": needs_activation,
            "next": _next_url(request),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of the login: the app's code, or a recovery code."""
    if two_factor.is_verified(request):
        return redirect(_next_url(request))
    if not two_factor.has_app(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if form.is_bound and form.is_valid():
        if two_factor.verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _(
                "Codice non valido o già usato. Dopo molti errori i tentativi vengono "
                "rallentati: attendi qualche secondo e riprova."
            ),
        )
    return render(
        request, "core/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@require_http_methods(["GET"])
def recovery_codes(request):
    """The recovery codes just made. They are shown this once: a second visit finds
    nothing, and only new codes can replace lost ones."""
    return render(
        request,
        "core/recovery_codes.html",
        {
            "codes": two_factor.take_new_codes(request),
            "next": request.session.pop("_two_factor_next", None) or resolve_url("home"),
        },
    )


def _password_confirmed(request) -> bool:
    form = PasswordConfirmForm(request.POST, user=request.user)
    if form.is_valid():
        return True
    messages.error(request, " ".join(form.errors.get("password", [])))
    return False


@require_POST
def recovery_codes_regenerate(request):
    if not two_factor.has_app(request.user):
        messages.error(request, _("Prima configura l'app di autenticazione."))
        return redirect("account_security")
    if not _password_confirmed(request):
        return redirect("account_security")
    two_factor.recovery_codes_regenerate(request=request)
    return redirect("recovery_codes")


@require_POST
def two_factor_disable(request):
    if not _password_confirmed(request):
        return redirect("account_security")
    two_factor.disable(request=request)
    if two_factor.is_required(request.user):
        messages.warning(
            request,
            _(
                "L'autenticazione a due fattori è stata rimossa. Per il tuo ruolo è "
                "obbligatoria: per configurare una nuova app chiedi un codice di attivazione "
                "all'amministratore."
            ),
        )
    else:
        messages.success(request, _("Autenticazione a due fattori disattivata."))
    return redirect("account_security")
