"""`manage.py two_factor_activation <username>`: a new activation code for setting up
the second factor, printed once, to be handed to the user out of band."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import two_factor


class Command(BaseCommand):
    help = _(
        "Crea un codice di attivazione della verifica in due passaggi per un utente e lo "
        "stampa una volta: consegnalo di persona o per telefono."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None or not user.is_active:
            raise CommandError(
                _("Nessun utente attivo con questo nome: %(name)s") % {"name": username}
            )
        code = two_factor.activation_code_issue(user=user)
        self.stdout.write(
            _("Codice di attivazione per %(user)s (vale una volta, per %(hours)d ore): %(code)s")
            % {"user": user.get_username(), "hours": two_factor.activation_hours(), "code": code}
        )
