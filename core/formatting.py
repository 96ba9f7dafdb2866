"""Money and amounts as people read them, in the user's language: one place, used by
the templates (core/templatetags/formatting.py) and by Python code that writes text.

Dates have no helper here: the named formats of config/formats/<lang>/formats.py
(DATE_FORMAT, SHORT_DATE_FORMAT...) through `|date` and `formats.date_format` do it."""

from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def euro(value) -> str:
    """ "€ 4.850,00" in Italian, "€4,850.00" in English; "" for no amount (so that
    `|euro|default:"—"` shows a dash)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    text = formats.number_format(amount, decimal_pos=2, force_grouping=True)
    # Translators: the euro sign and an amount already written with its separators;
    # Italian puts a space between them, English does not.
    written = gettext("€ %(amount)s") % {"amount": text}
    # The sign never ends a line apart from its amount.
    return written.replace(" ", "\u00a0")


def number(value, decimal_pos: int = 1) -> str:
    """A measured quantity (days, minutes, averages) with at most `decimal_pos`
    decimals and no spurious ",0": 12 → "12", 12.5 → "12,5", 1234 → "1.234"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    rounded = round(amount, decimal_pos)
    places = decimal_pos if rounded != rounded.to_integral_value() else 0
    return formats.number_format(rounded, decimal_pos=places, force_grouping=True)
