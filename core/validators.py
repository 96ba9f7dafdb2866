"""Validators for Italian identifiers: codice fiscale and partita IVA.

Both carry a check character, so a typo is caught at the form rather than discovered
months later at the INPS or Agenzia delle Entrate desk.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PERSON_CF = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
# Values of a character in an odd (1st, 3rd, ...) position of the codice fiscale.
_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        + [
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            2,
            4,
            18,
            20,
            11,
            3,
            6,
            8,
            12,
            14,
            16,
            10,
            22,
            25,
            24,
            23,
        ],
        strict=True,
    )
)


def _even_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A")


def person_cf_check_char(first15: str) -> str:
    """The check character (16th) of a personal codice fiscale."""
    total = sum(_ODD[c] if i % 2 == 0 else _even_value(c) for i, c in enumerate(first15))
    return chr(ord("A") + total % 26)


def numeric_check_digit(first10: str) -> str:
    """The check digit of an 11-digit partita IVA / codice fiscale of a legal entity."""
    total = 0
    for i, c in enumerate(first10):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def normalise_code(value: str) -> str:
    return "".join(value.split()).upper()


def validate_person_codice_fiscale(value: str) -> None:
    code = normalise_code(value)
    if not _PERSON_CF.match(code):
        raise ValidationError(
            _("Il codice fiscale deve avere 16 caratteri nel formato RSSMRA85T10A562S."),
            code="cf_format",
        )
    if person_cf_check_char(code[:15]) != code[15]:
        raise ValidationError(
            _("Il codice fiscale non è valido: il carattere di controllo non corrisponde."),
            code="cf_check",
        )


def validate_partita_iva(value: str) -> None:
    code = normalise_code(value)
    if not re.fullmatch(r"\d{11}", code):
        raise ValidationError(_("La partita IVA deve avere 11 cifre."), code="vat_format")
    if numeric_check_digit(code[:10]) != code[10]:
        raise ValidationError(
            _("La partita IVA non è valida: la cifra di controllo non corrisponde."),
            code="vat_check",
        )


def validate_organisation_codice_fiscale(value: str) -> None:
    """An organisation's codice fiscale: 11 digits (legal entity) or 16 characters."""
    code = normalise_code(value)
    if re.fullmatch(r"\d+", code):
        if len(code) != 11:
            raise ValidationError(
                _("Il codice fiscale di un ente ha 11 cifre (o 16 caratteri)."),
                code="cf_format",
            )
        if numeric_check_digit(code[:10]) != code[10]:
            raise ValidationError(
                _("Il codice fiscale non è valido: la cifra di controllo non corrisponde."),
                code="cf_check",
            )
        return
    validate_person_codice_fiscale(code)


def validate_istat_code(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value):
        raise ValidationError(_("Il codice ISTAT di un comune ha 6 cifre."), code="istat")
