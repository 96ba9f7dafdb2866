"""Any table of the dashboard and of the caseloads page, as CSV or as an Excel workbook.

A Table is what the page shows: the same columns and the same values, rounded as the
page rounds them, so a figure read in the file is the figure read on the screen.
Numbers stay numbers (an Excel user can add them up); text that a spreadsheet would
take for a formula is written as text.

The CSV comes in two dialects: the Italian one by default ("csv": `;` between fields,
decimal comma, dates dd/mm/yyyy), which a spreadsheet with Italian settings opens in
columns, and the international one ("csv-intl": `,` and `.`, ISO dates). Both are UTF-8
with a byte-order mark, so that Excel reads the accents. In the workbook dates are
real date cells shown dd/mm/yyyy.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

FORMATS = ("csv", "csv-intl", "xlsx")


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal: str
    date_format: str | None  # strftime; None for ISO


CSV_DIALECTS = {
    "csv": CsvDialect(delimiter=";", decimal=",", date_format="%d/%m/%Y"),
    "csv-intl": CsvDialect(delimiter=",", decimal=".", date_format=None),
}
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """A table to export: a title, column headers, rows of values, and notes (label,
    text) such as the period and the definitions of the indicators."""

    name: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


class UnknownFormat(ValueError):
    pass


def filename(*parts: str, extension: str) -> str:
    stem = "-".join(slugify(str(part)) for part in parts if part)
    return f"{stem}.{extension}"


def response(table: Table, fmt: str, *, name_parts: list[str]) -> HttpResponse:
    if fmt in CSV_DIALECTS:
        content, content_type = to_csv(table, dialect=fmt), "text/csv; charset=utf-8"
        extension = "csv"
    elif fmt == "xlsx":
        content, content_type, extension = to_xlsx(table), XLSX_CONTENT_TYPE, "xlsx"
    else:
        raise UnknownFormat(fmt)
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = (
        f'attachment; filename="{filename(*name_parts, table.name, extension=extension)}"'
    )
    return result


def _text(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value, dialect: CsvDialect):
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        # No thousands separator: a spreadsheet reads "1234,5" as a number, and a
        # grouped "1.234,5" would be misread by the other dialect's users.
        return str(value).replace(".", dialect.decimal)
    if isinstance(value, datetime.datetime):
        # A spreadsheet has no time zones: the local time the page shows.
        value = timezone.make_naive(value) if timezone.is_aware(value) else value
        if dialect.date_format is None:
            return value.replace(microsecond=0).isoformat(sep=" ")
        return value.strftime(f"{dialect.date_format} %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime(dialect.date_format) if dialect.date_format else value.isoformat()
    return _text(value)


def to_csv(table: Table, *, dialect: str = "csv") -> bytes:
    """The table in the given CSV dialect (CSV_DIALECTS), UTF-8 with a byte-order mark."""
    chosen = CSV_DIALECTS[dialect]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=chosen.delimiter)
    writer.writerow([_text(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value, chosen) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str) -> str:
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")
    return cleaned[:31] or "Dati"


def to_xlsx(table: Table) -> bytes:
    """The table on the first sheet; its title, when it was made and its notes on a
    second sheet, "Informazioni"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_cell(value) for value in row])
    # openpyxl reads a string starting with "=" as a formula: make every text a text.
    # Dates are date cells (a spreadsheet sorts and filters them), shown as Italians
    # write them.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, datetime.datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = XLSX_DATE_FORMAT
    for index, column in enumerate(table.columns, start=1):
        longest = max([len(str(column))] + [len(str(r[index - 1] or "")) for r in table.rows[:200]])
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
            max(10, longest + 2), 60
        )
    sheet.freeze_panes = "B2"

    info = workbook.create_sheet(_sheet_title(_("Informazioni")))
    info.append([table.title])
    info["A1"].font = Font(bold=True, size=13)
    info.append([])
    made = formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
    for label, text in [*table.notes, (_("Esportato il"), made)]:
        info.append([str(label), str(text)])
    for row in info.iter_rows(min_row=3):
        for cell in row:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    info.column_dimensions["A"].width = 45
    info.column_dimensions["B"].width = 100

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # A workbook has no time zones: the local time the page shows.
        return timezone.make_naive(value)
    return value
