"""The kinds of notification, what each says, and how each reaches the user by e-mail
unless the user chose otherwise.

What a kind says is all an e-mail ever says about it: the kind of thing and how many.
No kind's text names a person or a household, or says anything of health, violence or
the diary; tests/notifications/test_email.py reads every text to keep it so.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class Kind(models.TextChoices):
    REFERRAL_SENT = "referral_sent", _("Segnalazione ricevuta")
    REFERRAL_ACCEPTED = "referral_accepted", _("Segnalazione accolta")
    REFERRAL_DECLINED = "referral_declined", _("Segnalazione non accolta")
    REFERRAL_WITHDRAWN = "referral_withdrawn", _("Segnalazione ritirata")
    CASE_OPENED = "case_opened", _("Presa in carico aperta")
    WORKER_ASSIGNED = "worker_assigned", _("Presa in carico assegnata")
    REVIEW_DUE = "review_due", _("Verifica in scadenza")
    REVIEW_OVERDUE = "review_overdue", _("Verifica scaduta")
    ACTION_DUE = "action_due", _("Azione in scadenza")
    ACTION_OVERDUE = "action_overdue", _("Azione scaduta")
    DOCUMENT_EXPIRING = "document_expiring", _("Documento in scadenza")
    ISEE_EXPIRING = "isee_expiring", _("ISEE in scadenza")
    PERMIT_EXPIRING = "permit_expiring", _("Permesso di soggiorno in scadenza")
    PLACEMENT_ENDING = "placement_ending", _("Inserimento in conclusione")
    MAX_STAY_REACHED = "max_stay_reached", _("Permanenza massima raggiunta")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up da fare")
    CONSENT_LAPSING = "consent_lapsing", _("Consenso in scadenza")
    APPOINTMENT_TOMORROW = "appointment_tomorrow", _("Appuntamenti di domani")
    INCLUSION_CHECK_IN = "inclusion_check_in", _("Aggiornamento dell'Assegno di inclusione")
    NEW_BROWSER_LOGIN = "new_browser_login", _("Accesso da un nuovo browser")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Verifica in due passaggi disattivata")
    LOCKOUT = "lockout", _("Accesso bloccato")
    LOOKUPS_THROTTLED = "lookups_throttled", _("Troppe verifiche dei doppioni")
    HOUSEHOLD_MESSAGE = "household_message", _("Messaggio dal nucleo")
    CONSENT_WITHDRAWAL_ASKED = "consent_withdrawal_asked", _("Richiesta di revoca di un consenso")


class Delivery(models.TextChoices):
    """How a kind of notification reaches the user by e-mail; the in-app notification
    is there in every case."""

    IMMEDIATE = "immediate", _("Subito")
    DIGEST = "digest", _("Nel riepilogo giornaliero")
    NONE = "none", _("Nessuna e-mail")


def summary(kind: str, count: int) -> str:
    """What a notification of `kind` about `count` things says, in the active language."""
    texts = {
        Kind.REFERRAL_SENT: lambda n: ngettext(
            "%(count)d nuova segnalazione ricevuta", "%(count)d nuove segnalazioni ricevute", n
        ),
        Kind.REFERRAL_ACCEPTED: lambda n: ngettext(
            "%(count)d segnalazione che hai inviato è stata accolta",
            "%(count)d segnalazioni che hai inviato sono state accolte",
            n,
        ),
        Kind.REFERRAL_DECLINED: lambda n: ngettext(
            "%(count)d segnalazione che hai inviato non è stata accolta",
            "%(count)d segnalazioni che hai inviato non sono state accolte",
            n,
        ),
        Kind.REFERRAL_WITHDRAWN: lambda n: ngettext(
            "%(count)d segnalazione è stata ritirata",
            "%(count)d segnalazioni sono state ritirate",
            n,
        ),
        Kind.CASE_OPENED: lambda n: ngettext(
            "%(count)d nuova presa in carico aperta", "%(count)d nuove prese in carico aperte", n
        ),
        Kind.WORKER_ASSIGNED: lambda n: ngettext(
            "%(count)d presa in carico ti è stata assegnata",
            "%(count)d prese in carico ti sono state assegnate",
            n,
        ),
        Kind.REVIEW_DUE: lambda n: ngettext(
            "%(count)d verifica in scadenza nei prossimi 3 giorni",
            "%(count)d verifiche in scadenza nei prossimi 3 giorni",
            n,
        ),
        Kind.REVIEW_OVERDUE: lambda n: ngettext(
            "%(count)d verifica scaduta", "%(count)d verifiche scadute", n
        ),
        Kind.ACTION_DUE: lambda n: ngettext(
            "%(count)d azione in scadenza nei prossimi 3 giorni",
            "%(count)d azioni in scadenza nei prossimi 3 giorni",
            n,
        ),
        Kind.ACTION_OVERDUE: lambda n: ngettext(
            "%(count)d azione scaduta", "%(count)d azioni scadute", n
        ),
        Kind.DOCUMENT_EXPIRING: lambda n: ngettext(
            "%(count)d documento in scadenza", "%(count)d documenti in scadenza", n
        ),
        Kind.ISEE_EXPIRING: lambda n: ngettext(
            "%(count)d ISEE in scadenza", "%(count)d ISEE in scadenza", n
        ),
        Kind.PERMIT_EXPIRING: lambda n: ngettext(
            "%(count)d permesso di soggiorno in scadenza",
            "%(count)d permessi di soggiorno in scadenza",
            n,
        ),
        Kind.PLACEMENT_ENDING: lambda n: ngettext(
            "%(count)d inserimento termina nei prossimi 30 giorni",
            "%(count)d inserimenti terminano nei prossimi 30 giorni",
            n,
        ),
        Kind.MAX_STAY_REACHED: lambda n: ngettext(
            "%(count)d inserimento ha raggiunto la permanenza massima",
            "%(count)d inserimenti hanno raggiunto la permanenza massima",
            n,
        ),
        Kind.FOLLOW_UP_DUE: lambda n: ngettext(
            "%(count)d follow-up da fare", "%(count)d follow-up da fare", n
        ),
        Kind.CONSENT_LAPSING: lambda n: ngettext(
            "%(count)d consenso al trattamento dei dati in scadenza",
            "%(count)d consensi al trattamento dei dati in scadenza",
            n,
        ),
        Kind.APPOINTMENT_TOMORROW: lambda n: ngettext(
            "%(count)d appuntamento domani", "%(count)d appuntamenti domani", n
        ),
        Kind.INCLUSION_CHECK_IN: lambda n: ngettext(
            "%(count)d aggiornamento dell'Assegno di inclusione da fare",
            "%(count)d aggiornamenti dell'Assegno di inclusione da fare",
            n,
        ),
        Kind.NEW_BROWSER_LOGIN: lambda n: ngettext(
            "%(count)d accesso al tuo account da un browser mai usato prima",
            "%(count)d accessi al tuo account da browser mai usati prima",
            n,
        ),
        Kind.TWO_FACTOR_DISABLED: lambda n: ngettext(
            "La verifica in due passaggi del tuo account è stata disattivata (%(count)d volta)",
            "La verifica in due passaggi del tuo account è stata disattivata (%(count)d volte)",
            n,
        ),
        Kind.LOCKOUT: lambda n: ngettext(
            "Il tuo account è stato bloccato %(count)d volta dopo troppi tentativi di accesso falliti",
            "Il tuo account è stato bloccato %(count)d volte dopo troppi tentativi di accesso falliti",
            n,
        ),
        Kind.LOOKUPS_THROTTLED: lambda n: ngettext(
            "%(count)d collega del tuo ente ha superato il limite di verifiche dei doppioni "
            "ed è stato fermato: l'evento è nel registro di sicurezza",
            "%(count)d volte un collega del tuo ente ha superato il limite di verifiche dei "
            "doppioni ed è stato fermato: gli eventi sono nel registro di sicurezza",
            n,
        ),
        Kind.HOUSEHOLD_MESSAGE: lambda n: ngettext(
            "%(count)d messaggio da un nucleo che segui",
            "%(count)d messaggi da un nucleo che segui",
            n,
        ),
        Kind.CONSENT_WITHDRAWAL_ASKED: lambda n: ngettext(
            "%(count)d richiesta di revoca di un consenso da un nucleo che segui",
            "%(count)d richieste di revoca di un consenso da un nucleo che segui",
            n,
        ),
    }
    return texts[Kind(kind)](count) % {"count": count}


# How each kind reaches the user by e-mail unless they chose otherwise: what someone is
# waiting for at once, the deadlines in the morning digest, the account's own events
# at once (someone else may be using it).
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.REFERRAL_SENT: Delivery.IMMEDIATE,
    Kind.REFERRAL_ACCEPTED: Delivery.IMMEDIATE,
    Kind.REFERRAL_DECLINED: Delivery.IMMEDIATE,
    Kind.REFERRAL_WITHDRAWN: Delivery.IMMEDIATE,
    Kind.CASE_OPENED: Delivery.IMMEDIATE,
    Kind.WORKER_ASSIGNED: Delivery.IMMEDIATE,
    Kind.REVIEW_DUE: Delivery.DIGEST,
    Kind.REVIEW_OVERDUE: Delivery.DIGEST,
    Kind.ACTION_DUE: Delivery.DIGEST,
    Kind.ACTION_OVERDUE: Delivery.DIGEST,
    Kind.DOCUMENT_EXPIRING: Delivery.DIGEST,
    Kind.ISEE_EXPIRING: Delivery.DIGEST,
    Kind.PERMIT_EXPIRING: Delivery.DIGEST,
    Kind.PLACEMENT_ENDING: Delivery.DIGEST,
    Kind.MAX_STAY_REACHED: Delivery.DIGEST,
    Kind.FOLLOW_UP_DUE: Delivery.DIGEST,
    Kind.CONSENT_LAPSING: Delivery.DIGEST,
    Kind.APPOINTMENT_TOMORROW: Delivery.DIGEST,
    Kind.INCLUSION_CHECK_IN: Delivery.DIGEST,
    Kind.NEW_BROWSER_LOGIN: Delivery.IMMEDIATE,
    Kind.TWO_FACTOR_DISABLED: Delivery.IMMEDIATE,
    Kind.LOCKOUT: Delivery.IMMEDIATE,
    Kind.LOOKUPS_THROTTLED: Delivery.IMMEDIATE,
    Kind.HOUSEHOLD_MESSAGE: Delivery.IMMEDIATE,
    Kind.CONSENT_WITHDRAWAL_ASKED: Delivery.IMMEDIATE,
}

# The sections of the preferences page.
GROUPS = [
    (
        _("Segnalazioni e prese in carico"),
        [
            Kind.REFERRAL_SENT,
            Kind.REFERRAL_ACCEPTED,
            Kind.REFERRAL_DECLINED,
            Kind.REFERRAL_WITHDRAWN,
            Kind.CASE_OPENED,
            Kind.WORKER_ASSIGNED,
            Kind.HOUSEHOLD_MESSAGE,
            Kind.CONSENT_WITHDRAWAL_ASKED,
        ],
    ),
    (
        _("Scadenze"),
        [
            Kind.REVIEW_DUE,
            Kind.REVIEW_OVERDUE,
            Kind.ACTION_DUE,
            Kind.ACTION_OVERDUE,
            Kind.DOCUMENT_EXPIRING,
            Kind.ISEE_EXPIRING,
            Kind.PERMIT_EXPIRING,
            Kind.PLACEMENT_ENDING,
            Kind.MAX_STAY_REACHED,
            Kind.FOLLOW_UP_DUE,
            Kind.CONSENT_LAPSING,
            Kind.APPOINTMENT_TOMORROW,
            Kind.INCLUSION_CHECK_IN,
        ],
    ),
    (
        _("Il tuo account"),
        [Kind.NEW_BROWSER_LOGIN, Kind.TWO_FACTOR_DISABLED, Kind.LOCKOUT],
    ),
    (_("Il tuo ente"), [Kind.LOOKUPS_THROTTLED]),
]
