"""Writes of the coordinators' caseloads page: assigning a worker to several cases at
once. Each case goes through beneficiaries.services.case_assign_workers, which checks
that the user may assign its workers, that it is open and that the worker works for
its holding organisation, and writes the audit trail; here the whole batch is one
transaction, so either every case changes or none does."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import Case
from beneficiaries.services import cases as cases_services
from core import audit
from dashboard.models import HomeVisit

# More than a page of the caseload table would be a mistake in the form, not a use.
MAX_CASES = 200


class AssignMode(models.TextChoices):
    ADD = "add", gettext_lazy("Aggiungi l'operatore a quelli già assegnati")
    REPLACE = "replace", gettext_lazy("Riassegna: l'operatore sostituisce quelli assegnati")


@transaction.atomic
def cases_assign_worker(*, user, cases: Iterable[Case], worker, mode: str) -> int:
    """Assign `worker` to each case (ADD), or make them its only worker (REPLACE).
    Returns how many cases changed; raises ValidationError, changing nothing, if any
    case cannot take the worker."""
    cases = list(cases)
    if not cases:
        raise ValidationError({"cases": _("Scegli almeno una presa in carico.")})
    if len(cases) > MAX_CASES:
        raise ValidationError(
            {
                "cases": _("Scegli al massimo %(max)d prese in carico alla volta.")
                % {"max": MAX_CASES}
            }
        )
    if mode not in AssignMode.values:
        raise ValidationError({"mode": _("Scegli se aggiungere l'operatore o riassegnare.")})
    changed = 0
    for case in cases:
        current = list(case.workers.all())
        if mode == AssignMode.REPLACE:
            wanted = [worker]
        else:
            wanted = current if worker in current else [*current, worker]
        if {w.pk for w in wanted} == {w.pk for w in current}:
            continue
        try:
            cases_services.case_assign_workers(user=user, case=case, workers=wanted)
        except ValidationError as error:
            raise ValidationError(
                _("%(household)s: %(error)s")
                % {"household": case.household, "error": " ".join(error.messages)}
            ) from error
        changed += 1
    return changed


def home_visited(*, user):
    """Record that `user` opened the home page now; returns when they had opened it
    before (None the first time). No audit row: it is the user's own reading mark."""
    now = timezone.now()
    visit, created = HomeVisit.objects.get_or_create(user=user, defaults={"seen_at": now})
    if created:
        return None
    before = visit.seen_at
    HomeVisit.objects.filter(pk=visit.pk).update(seen_at=now)
    return before


def siuss_exported(*, user, organisation) -> None:
    """Log that a referrer downloaded the SIUSS export of the households their
    organisation sent (the read log, as for a household's own pages)."""
    audit.record_view(actor=user, instance=organisation, household=None, page="siuss-export")
