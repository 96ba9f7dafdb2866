"""The contribution ledger for the administration office: every placement whose ledger
the user may read, with balance and ageing of the arrears, on a page and as CSV (the
Italian `;` dialect, or the international one) or XLSX. For the project's coordinators
and the holding organisation's workers (core.access.Access.contributions_q); never a
referrer's."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.access import access_for
from dashboard import exports
from dashboard.views.indicators import NAV, PAGE_SIZE, BadInput, _bad_request
from housing import selectors as housing_selectors
from housing.ledger import BUCKET_LABELS, money


def _rows(request, today):
    return housing_selectors.ledger_rows(user=request.user, today=today)


def _buckets(placement) -> list:
    # Sums come back from SQLite without their two places: every amount as euro cents.
    return [
        money(placement.overdue - placement.over_30),
        money(placement.over_30 - placement.over_60),
        money(placement.over_60 - placement.over_90),
        money(placement.over_90),
    ]


@require_GET
def contributions(request):
    access = access_for(request.user)
    access.require(access.may_do_casework())
    today = timezone.localdate()
    page_obj = Paginator(_rows(request, today), PAGE_SIZE).get_page(request.GET.get("page"))
    for placement in page_obj:
        placement.buckets = _buckets(placement)
    return render(
        request,
        "dashboard/contributions.html",
        {"page_obj": page_obj, "today": today, "bucket_labels": BUCKET_LABELS, **NAV},
    )


@require_GET
def contributions_export(request, fmt):
    access = access_for(request.user)
    access.require(access.may_do_casework())
    if fmt not in exports.FORMATS:
        return _bad_request(
            request,
            BadInput(
                _(
                    "Formato di esportazione sconosciuto: «%(format)s». Si può scaricare in CSV o XLSX."
                )
                % {"format": fmt[:20]}
            ),
            back=reverse("dashboard:contributions"),
        )
    today = timezone.localdate()
    rows = []
    for placement in _rows(request, today):
        rows.append(
            [
                placement.unit.project.display_name,
                str(placement.unit),
                str(placement.household),
                placement.start_date,
                placement.end_date,
                money(placement.charged),
                money(placement.paid),
                money(placement.balance),
                money(placement.overdue),
                *_buckets(placement),
            ]
        )
    table = exports.Table(
        name="quote",
        title=_("Quote di compartecipazione"),
        columns=[
            _("Progetto"),
            _("Alloggio"),
            _("Nucleo"),
            _("Ingresso"),
            _("Uscita"),
            _("Addebitato (€)"),
            _("Pagato (€)"),
            _("Saldo (€)"),
            _("Scaduto (€)"),
            *[_("Ritardo %(days)s giorni (€)") % {"days": label} for label in BUCKET_LABELS],
        ],
        rows=rows,
        notes=[
            (_("Alla data del"), formats.date_format(today, "SHORT_DATE_FORMAT")),
            (
                _("Come si calcola"),
                _(
                    "I pagamenti coprono per primi gli addebiti più vecchi; il ritardo si conta "
                    "dalla scadenza di ogni addebito (il giorno 10 del mese)."
                ),
            ),
        ],
    )
    return exports.response(table, fmt, name_parts=[_("quote"), today.isoformat()])
