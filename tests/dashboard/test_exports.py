"""The exported files open right in a spreadsheet: the Italian CSV dialect by default,
the international one on request, UTF-8 with a BOM, and real date cells in the workbook."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from dashboard import exports

DAY = datetime.date(2026, 12, 1)
MOMENT = datetime.datetime(2026, 12, 1, 13, 30, tzinfo=datetime.UTC)  # 14:30 in Rome


def table():
    return exports.Table(
        name="prova",
        title="Prova",
        columns=["Nome", "Quota", "Quota media", "Aperta il", "Ultimo contatto", "Persone"],
        rows=[
            ["Città di Liscate", Decimal("4850.00"), 12.5, DAY, MOMENT, 1234],
            ["=SUM(A1)", Decimal("-3.10"), None, None, None, 0],
        ],
    )


def parse(content: bytes, delimiter: str):
    assert content.startswith("\ufeff".encode()), "the BOM tells Excel it is UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_the_italian_csv_dialect_is_the_default():
    rows = parse(exports.to_csv(table()), ";")
    assert rows[0] == ["Nome", "Quota", "Quota media", "Aperta il", "Ultimo contatto", "Persone"]
    assert rows[1] == [
        "Città di Liscate",
        "4850,00",
        "12,5",
        "01/12/2026",
        "01/12/2026 14:30",
        "1234",
    ]
    assert rows[2] == ["'=SUM(A1)", "-3,10", "", "", "", "0"]
    # Every line splits on the semicolon into as many fields as there are columns.
    assert {len(row) for row in rows} == {6}


def test_the_international_csv_dialect():
    rows = parse(exports.to_csv(table(), dialect="csv-intl"), ",")
    assert rows[1] == [
        "Città di Liscate",
        "4850.00",
        "12.5",
        "2026-12-01",
        "2026-12-01 14:30:00",
        "1234",
    ]
    assert rows[2][:2] == ["'=SUM(A1)", "-3.10"]


def test_the_workbook_has_real_date_cells_shown_day_first():
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.to_xlsx(table()))).active
    opened, contact = sheet["D2"], sheet["E2"]
    assert opened.is_date and opened.value.date() == DAY
    assert opened.number_format == "dd/mm/yyyy"
    assert contact.is_date and contact.value == datetime.datetime(2026, 12, 1, 14, 30)
    assert contact.number_format == "dd/mm/yyyy hh:mm"
    assert sheet["B2"].value == 4850
    assert sheet["A3"].data_type == "s"


@pytest.mark.parametrize(
    ("fmt", "extension"), [("csv", "csv"), ("csv-intl", "csv"), ("xlsx", "xlsx")]
)
def test_the_response_names_the_file_by_its_kind(fmt, extension):
    response = exports.response(table(), fmt, name_parts=["carichi", "2026-12-01"])
    assert response["Content-Disposition"] == (
        f'attachment; filename="carichi-2026-12-01-prova.{extension}"'
    )


def test_an_unknown_format_is_refused():
    with pytest.raises(exports.UnknownFormat):
        exports.response(table(), "ods", name_parts=[])
