from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed."""

    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One entry of the audit trail: who did what to which record, and when.

    Changes to personal data keep the fields' old and new values; opening a household
    file is kept too (action VIEW). Every row names the household it concerns, so the
    history of a household is one indexed query."""

    class Action(models.TextChoices):
        CREATE = "create", _("Creazione")
        UPDATE = "update", _("Modifica")
        DELETE = "delete", _("Eliminazione")
        VIEW = "view", _("Consultazione")
        TRANSITION = "transition", _("Cambio di stato")
        ANONYMISE = "anonymise", _("Anonimizzazione")

    at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "users.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chi"),
    )
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices)
    model_label = models.CharField(_("tipo di dato"), max_length=100)
    object_id = models.CharField(_("identificativo"), max_length=64)
    object_repr = models.CharField(_("descrizione"), max_length=200, blank=True)
    household = models.ForeignKey(
        "beneficiaries.Household",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("nucleo familiare"),
    )
    changes = models.JSONField(_("modifiche"), default=dict, blank=True)
    # Set when the event is written (core.audit.record), so that every surface that shows
    # events (the history) filters on columns, never on the JSON of the changes.
    case = models.ForeignKey(
        "beneficiaries.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presa in carico"),
        help_text=_("La presa in carico a cui appartiene il dato, se appartiene a una."),
    )
    special_category = models.BooleanField(
        _("categoria particolare"),
        default=False,
        help_text=_("Dati sanitari o di violenza subita (GDPR art. 9)."),
    )
    confidential_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("riservato all'ente"),
        help_text=_("Per una nota riservata: l'ente che l'ha scritta, il solo che può leggerla."),
    )
    financial = models.BooleanField(
        _("dati contabili"),
        default=False,
        help_text=_(
            "Una riga del registro della quota di compartecipazione: la legge solo chi può "
            "leggere le quote della presa in carico."
        ),
    )

    class Meta:
        verbose_name = _("evento di audit")
        verbose_name_plural = _("eventi di audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "-at"], name="audit_household_at")]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_repr}"
        )


class SecurityEvent(models.Model):
    """One entry of the security log: a login, a failed login, a lockout, a logout, an
    access refused by the scoping layer, an export or a download of personal data.

    It answers who, what, when and from where. Unlike the audit trail it is not about a
    record: it is about how people use (or try to use) their access. Rows are written by
    `core.security_log` only, never edited, and purged after the retention period
    (`purge_security_log`)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Accesso")
        LOGIN_FAILED = "login_failed", _("Accesso non riuscito")
        LOCKOUT = "lockout", _("Blocco per troppi tentativi")
        LOGOUT = "logout", _("Uscita")
        ACCESS_DENIED = "access_denied", _("Accesso negato")
        EXPORT = "export", _("Esportazione di dati personali")
        DOWNLOAD = "download", _("Scaricamento di dati personali")
        TWO_FACTOR_SETUP = "2fa_setup", _("Autenticazione a due fattori attivata")
        TWO_FACTOR_VERIFIED = "2fa_verified", _("Secondo fattore verificato")
        TWO_FACTOR_FAILED = "2fa_failed", _("Codice del secondo fattore errato")
        RECOVERY_CODE_USED = "2fa_recovery_used", _("Accesso con un codice di recupero")
        RECOVERY_CODES_NEW = "2fa_codes_new", _("Nuovi codici di recupero")
        TWO_FACTOR_DISABLED = "2fa_disabled", _("Autenticazione a due fattori disattivata")
        ERASURE = "erasure", _("Anonimizzazione di dati personali")
        PASSWORD_CHANGED = "password_changed", _("Password cambiata")
        TWO_FACTOR_ACTIVATION = "2fa_activation", _("Codice di attivazione creato")
        PERSON_LOOKUP = "person_lookup", _("Verifica dei doppioni")
        PERSON_LOOKUP_THROTTLED = "lookup_throttled", _("Verifiche dei doppioni oltre il limite")
        # The household's own view (household_view/): its accesses and their uses.
        HOUSEHOLD_ACCESS_ISSUED = "hh_issued", _("Accesso del nucleo creato")
        HOUSEHOLD_ACCESS_OPENED = "hh_opened", _("Link del nucleo aperto")
        HOUSEHOLD_PIN_SET = "hh_pin_set", _("PIN del nucleo impostato")
        HOUSEHOLD_LOGIN = "hh_login", _("Accesso del nucleo con il PIN")
        HOUSEHOLD_LOGIN_FAILED = "hh_login_failed", _("PIN o link del nucleo errato")
        HOUSEHOLD_LOCKOUT = "hh_lockout", _("Accesso del nucleo bloccato")
        HOUSEHOLD_ACCESS_REVOKED = "hh_revoked", _("Accesso del nucleo revocato")
        HOUSEHOLD_MESSAGE = "hh_message", _("Messaggio dal nucleo")

    at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("evento"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        "users.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utente"),
    )
    # Kept apart from `user`: a failed login may name nobody who exists, and the name
    # must survive the deletion of the account.
    username = models.CharField(_("nome utente"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("indirizzo della pagina"), max_length=500, blank=True)
    details = models.JSONField(_("dettagli"), default=dict, blank=True)

    class Meta:
        verbose_name = _("evento di sicurezza")
        verbose_name_plural = _("registro di sicurezza")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="security_user_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class TwoFactorActivation(models.Model):
    """A one-time activation code an admin hands to a user who must use two factors,
    out of band (in person, on the phone), so that setting up the authenticator app
    needs more than the password: whoever stole the password before the first login
    cannot bring in their own app. Kept only as a hash; single use; it expires."""

    user = models.ForeignKey(
        "users.User",
        on_delete=models.CASCADE,
        related_name="two_factor_activations",
        verbose_name=_("utente"),
    )
    code_hash = models.CharField(_("impronta del codice"), max_length=128, editable=False)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    expires_at = models.DateTimeField(_("scade il"))
    used_at = models.DateTimeField(_("usato il"), null=True, blank=True)
    created_by = models.ForeignKey(
        "users.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creato da"),
    )

    class Meta:
        verbose_name = _("codice di attivazione della verifica in due passaggi")
        verbose_name_plural = _("codici di attivazione della verifica in due passaggi")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"

    def is_usable(self, now) -> bool:
        return self.used_at is None and self.expires_at > now
