from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from demo.households import create_demo_households
from demo.housing import create_demo_housing
from demo.pathways import create_demo_support
from demo.staff import create_demo_staff, set_demo_max_stay
from partners.management.commands.load_network import write_report
from partners.services import network_load

# The demo, step by step, in order: each step writes its demo rows idempotently and
# returns the lines to show (anything printable).
DEMO_STEPS = (
    create_demo_staff,
    set_demo_max_stay,
    create_demo_households,
    create_demo_housing,
    create_demo_support,
)


class Command(BaseCommand):
    help = _(
        "Aggiunge alla rete reale i dati dimostrativi (personale fittizio con una password "
        "nota). Solo in sviluppo: si rifiuta di partire se DEBUG non è attivo."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "load_demo crea utenti con una password pubblica: si esegue solo in "
                    "sviluppo, con DEBUG attivo (DJANGO_DEBUG=true), mai in produzione."
                )
            )
        try:
            with transaction.atomic():
                # The demo rests on the real network: load it first (a no-op if loaded).
                write_report(self, network_load())
                for step in DEMO_STEPS:
                    self.stdout.write(
                        self.style.MIGRATE_HEADING(f"{step.__module__}.{step.__name__}")
                    )
                    for line in step():
                        self.stdout.write(str(line))
        except ValidationError as error:
            raise CommandError(
                _("I dati dimostrativi non sono stati caricati: %(errors)s")
                % {"errors": "; ".join(error.messages)}
            ) from error
        self.stdout.write(self.style.SUCCESS(_("Dati dimostrativi pronti.")))
