from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import validate_person_name


class User(AbstractUser):
    """A person who logs in: a social worker, a coordinator, a municipal referrer or an
    admin. What they may see follows from their staff memberships in organisations
    (partners.StaffMembership), never from this row alone."""

    # As AbstractUser's, but a name holds no control or invisible character.
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_person_name]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_person_name]
    )
    # Raised when the user's second factor is removed or replaced (core.two_factor): a
    # session verified under an older value is verified no more, on every node, at no
    # cost (the user's row is read on every request anyway).
    two_factor_epoch = models.PositiveIntegerField(
        _("generazione del secondo fattore"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username
