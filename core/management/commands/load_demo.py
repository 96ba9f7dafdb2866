from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from partners.management.commands.load_network import write_report
from partners.services import network_load

# The demo, step by step, in order: each is the dotted path of a function that takes no
# arguments, writes its demo rows idempotently and returns the lines to show (anything
# printable). Later parts of the product append their steps (households, housing...).
DEMO_STEPS: tuple[str, ...] = (
    "partners.demo.create_demo_staff",
    "partners.demo.set_demo_max_stay",
    "beneficiaries.demo.create_demo_households",
    "housing.demo.create_demo_housing",
    "beneficiaries.support_demo.create_demo_support",
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
                for path in DEMO_STEPS:
                    self.stdout.write(self.style.MIGRATE_HEADING(path))
                    for line in import_string(path)():
                        self.stdout.write(str(line))
        except ValidationError as error:
            raise CommandError(
                _("I dati dimostrativi non sono stati caricati: %(errors)s")
                % {"errors": "; ".join(error.messages)}
            ) from error
        self.stdout.write(self.style.SUCCESS(_("Dati dimostrativi pronti.")))
