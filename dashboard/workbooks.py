"""A workbook of several tables, one sheet each (the funder's report): the same cells as
dashboard.exports writes for one table, so a figure reads the same in either file."""

from __future__ import annotations

import datetime
import io

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from dashboard.exports import (
    XLSX_CONTENT_TYPE,
    XLSX_DATE_FORMAT,
    Table,
    _sheet_title,
    _xlsx_cell,
)


def to_workbook(tables: list[Table], *, title: str, notes: list[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    info = workbook.active
    info.title = _sheet_title(_("Informazioni"))
    info.append([title])
    info["A1"].font = Font(bold=True, size=13)
    info.append([])
    made = formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
    for label, text in [*notes, (_("Esportato il"), made)]:
        info.append([str(label), str(text)])
    for row in info.iter_rows(min_row=3):
        for cell in row:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    info.column_dimensions["A"].width = 45
    info.column_dimensions["B"].width = 100
    used = set()
    for table in tables:
        name = _sheet_title(table.title)
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append([str(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            # Labels of choices are lazy translations: the text, in the user's language.
            sheet.append([_xlsx_cell(str(v) if isinstance(v, Promise) else v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = XLSX_DATE_FORMAT
        for index in range(1, len(table.columns) + 1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPE = XLSX_CONTENT_TYPE
