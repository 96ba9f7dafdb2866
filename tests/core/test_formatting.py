"""Dates, numbers and money the way each language writes them: one set of formats
(config/formats/) and one money filter (core/formatting.py) for every page."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import formats, translation

from core.formatting import euro, number

DAY = datetime.date(2026, 12, 1)
MOMENT = datetime.datetime(2026, 12, 1, 14, 30)


def render(text, **context):
    return engines["django"].from_string(text).render(context)


@pytest.mark.parametrize(
    ("language", "long", "short", "month"),
    [
        ("it", "1 dicembre 2026", "01/12/2026", "dicembre 2026"),
        ("en", "1 December 2026", "01/12/2026", "December 2026"),
    ],
)
def test_dates_in_each_language(language, long, short, month):
    with translation.override(language):
        assert formats.date_format(DAY) == long
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert formats.date_format(DAY, "YEAR_MONTH_FORMAT") == month
        # A date printed as it is in a template takes the long format too.
        assert render("{{ day }}", day=DAY) == long
        assert render('{{ day|date:"SHORT_DATE_FORMAT" }}', day=DAY) == short


def test_no_weekday_nor_leading_zero_in_italian_long_dates():
    with translation.override("it"):
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == "1 dicembre 2026, 14:30"
        assert formats.date_format(datetime.date(2026, 3, 9)) == "9 marzo 2026"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "01/12/2026 14:30"


def test_english_reads_typed_dates_day_first():
    with translation.override("en"):
        assert formats.get_format("DATE_INPUT_FORMATS")[:2] == ["%Y-%m-%d", "%d/%m/%Y"]


@pytest.mark.parametrize(
    ("language", "amount", "text"),
    [
        ("it", Decimal("4850"), "€\u00a04.850,00"),
        ("it", "1234567.5", "€\u00a01.234.567,50"),
        ("it", 0, "€\u00a00,00"),
        ("en", Decimal("4850"), "€4,850.00"),
        ("en", "1234567.5", "€1,234,567.50"),
    ],
)
def test_euro_amounts_with_thousands_separators(language, amount, text):
    with translation.override(language):
        assert euro(amount) == text
        assert render("{% load formatting %}{{ amount|euro }}", amount=amount) == text


def test_no_amount_is_a_dash_not_zero():
    with translation.override("it"):
        assert euro(None) == ""
        assert render('{% load formatting %}{{ a|euro|default:"—" }}', a=None) == "—"
        assert render('{% load formatting %}{{ a|euro|default:"—" }}', a="") == "—"


@pytest.mark.parametrize(
    ("language", "value", "text"),
    [
        ("it", 12, "12"),
        ("it", 12.0, "12"),
        ("it", Decimal("12.50"), "12,5"),
        ("it", 1234.04, "1.234"),
        ("en", 12.0, "12"),
        ("en", 12.5, "12.5"),
        ("en", 1234, "1,234"),
    ],
)
def test_quantities_without_a_spurious_zero_decimal(language, value, text):
    with translation.override(language):
        assert number(value) == text
        assert render("{% load formatting %}{{ v|number }}", v=value) == text
