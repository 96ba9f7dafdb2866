from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partners.services import NetworkLoadReport, network_load


def write_report(command: BaseCommand, report: NetworkLoadReport) -> None:
    """Print one line per row created or updated, so a run can be checked by eye."""
    for change in report.changes:
        what = change.model._meta.verbose_name
        if change.action == "created":
            line = _("Creato: %(what)s «%(label)s»") % {"what": what, "label": change.label}
        else:
            fields = ", ".join(
                str(change.model._meta.get_field(name).verbose_name) for name in change.fields
            )
            line = _("Aggiornato: %(what)s «%(label)s» (%(fields)s)") % {
                "what": what,
                "label": change.label,
                "fields": fields,
            }
        command.stdout.write(line)
    command.stdout.write(
        command.style.SUCCESS(
            _("Rete caricata: %(created)d elementi creati, %(updated)d aggiornati.")
            % {"created": len(report.created), "updated": len(report.updated)}
        )
        if report.changes
        else command.style.SUCCESS(_("Rete già aggiornata: nessuna modifica."))
    )


class Command(BaseCommand):
    help = _(
        "Carica la rete reale (enti, adesioni, progetti, partecipazioni) descritta in "
        "DOMAIN.md. Si può ripetere: una seconda esecuzione non cambia nulla."
    )

    def handle(self, *args, **options):
        try:
            report = network_load()
        except ValidationError as error:
            raise CommandError(
                _("La rete non è stata caricata: %(errors)s")
                % {"errors": "; ".join(error.messages)}
            ) from error
        write_report(self, report)
