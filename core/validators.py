"""Validators for Italian identifiers (codice fiscale, partita IVA) and for personal
data: people's names, phone numbers, birth dates, documents' dates.

The identifiers carry a check character, so a typo is caught at the form rather than
discovered months later at the INPS or Agenzia delle Entrate desk. A person's codice
fiscale is decoded by python-codicefiscale (birth date, sex, place of birth: 30 February
or day 99 do not exist; omocodia is understood), phone numbers are read by phonenumbers
(Google's libphonenumber), with Italy as the default country.
"""

import datetime
import re
import unicodedata

import phonenumbers
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils import timezone
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
    decode_person_codice_fiscale(code)


def decode_person_codice_fiscale(value: str) -> dict:
    """python-codicefiscale's reading of a well-formed code (birthdate, gender, ...), or
    a ValidationError when the birth date or the place of birth it holds do not exist."""
    try:
        return codicefiscale.decode(normalise_code(value))
    except ValueError as error:
        # python-codicefiscale tells the causes apart only in its message.
        if "invalid date" in str(error):
            raise ValidationError(
                _("Il codice fiscale non è valido: la data di nascita che contiene non esiste."),
                code="cf_birth_date",
            ) from error
        if "birthplace" in str(error):
            raise ValidationError(
                _(
                    "Il codice fiscale non è valido: il codice del luogo di nascita "
                    "(%(place)s) non esiste."
                ),
                code="cf_birth_place",
                params={"place": normalise_code(value)[11:15]},
            ) from error
        raise ValidationError(_("Il codice fiscale non è valido."), code="cf_invalid") from error


def codice_fiscale_mismatches(
    value: str, *, birth_date: datetime.date | None, sex: str | None
) -> list[ValidationError]:
    """How a valid personal codice fiscale disagrees with the birth date and sex typed
    beside it (the code holds only the year's last two digits)."""
    try:
        decoded = decode_person_codice_fiscale(value)
    except ValidationError:
        return []
    problems = []
    born = decoded["birthdate"].date()
    if birth_date and (born.day, born.month, born.year % 100) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        problems.append(
            ValidationError(
                _(
                    "Il codice fiscale non corrisponde alla data di nascita: nel codice "
                    "è il %(date)s."
                ),
                code="cf_birth_date_mismatch",
                params={"date": born.strftime("%d/%m/%y")},
            )
        )
    if sex and decoded["gender"] != sex:
        problems.append(
            ValidationError(
                _("Il codice fiscale non corrisponde al sesso indicato: nel codice è %(sex)s."),
                code="cf_sex_mismatch",
                params={"sex": _("femmina") if decoded["gender"] == "F" else _("maschio")},
            )
        )
    return problems


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


# People's names ---------------------------------------------------------------------

# Inside a name: letters and their accents of any script, spaces, and the apostrophes,
# hyphens and dots names are written with. Joiners (ZWJ, ZWNJ) are needed in some
# scripts (Persian, the Indian ones). Anything else (control characters such as NUL or
# the ANSI escape, bidirectional overrides and isolates, digits, symbols) is refused.
_NAME_PUNCTUATION = frozenset(" '’‘ʼ`-‐‑.")
_NAME_JOINERS = frozenset("\u200c\u200d")


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".strip()


def validate_person_name(value: str) -> None:
    for char in value:
        if char in _NAME_PUNCTUATION or char in _NAME_JOINERS:
            continue
        category = unicodedata.category(char)
        if category[0] in "LM":
            continue
        if category[0] == "C" or category in ("Zl", "Zp"):
            raise ValidationError(
                _(
                    "Il nome contiene un carattere di controllo o invisibile non ammesso "
                    "(%(char)s): scrivilo di nuovo senza copiarlo e incollarlo."
                ),
                code="name_control",
                params={"char": _describe(char)},
            )
        raise ValidationError(
            _("Il nome contiene un carattere non ammesso: «%(char)s»."),
            code="name_character",
            params={"char": char},
        )
    if not any(unicodedata.category(c)[0] == "L" for c in value):
        raise ValidationError(_("Il nome deve contenere almeno una lettera."), code="name_empty")


def normalise_person_name(value: str) -> str:
    """One Unicode form (NFC) and single spaces, so that the same name is stored alike."""
    return " ".join(unicodedata.normalize("NFC", value or "").split(" ")).strip()


# Phone numbers ------------------------------------------------------------------------

PHONE_REGION = "IT"


def _parse_phone(value: str):
    try:
        return phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None


def normalise_phone(value: str) -> str:
    """A valid phone number in E.164 (+393331234567); anything else as it was typed, for
    the validator to refuse."""
    number = _parse_phone(value or "")
    if number is None or not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """A stored number as people read it: +39 333 123 4567."""
    number = _parse_phone(value or "")
    if number is None:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_phone_number(value: str) -> None:
    number = _parse_phone(value)
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Il numero di telefono non è valido: scrivilo come 333 123 4567 o 02 1234 "
                "5678, o con il prefisso internazionale (+33 6 12 34 56 78)."
            ),
            code="phone",
        )


# Dates --------------------------------------------------------------------------------

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# Documents (identity cards, residence permits, ISEE) still in use were issued after
# 1990 and expire within 20 years: an Italian identity card lasts at most 10 years and
# a few months, a long-term EU residence permit is renewed every 10.
EARLIEST_DOCUMENT_DATE = datetime.date(1990, 1, 1)
DOCUMENT_YEARS_AHEAD = 20


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _date(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def validate_birth_date(value: datetime.date) -> None:
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("La data di nascita non può essere prima del %(date)s."),
            code="birth_date_too_early",
            params={"date": _date(EARLIEST_BIRTH_DATE)},
        )
    if value > timezone.localdate():
        raise ValidationError(
            _("La data di nascita non può essere nel futuro."), code="birth_date_future"
        )


def latest_document_expiry() -> datetime.date:
    return _years_after(timezone.localdate(), DOCUMENT_YEARS_AHEAD)


def validate_document_expiry(value: datetime.date) -> None:
    if value < EARLIEST_DOCUMENT_DATE:
        raise ValidationError(
            _("La scadenza non può essere prima del %(date)s: controlla l'anno."),
            code="expiry_too_early",
            params={"date": _date(EARLIEST_DOCUMENT_DATE)},
        )
    if value > latest_document_expiry():
        raise ValidationError(
            _(
                "La scadenza non può essere oltre %(years)s anni da oggi (%(date)s): "
                "controlla l'anno."
            ),
            code="expiry_too_late",
            params={"years": DOCUMENT_YEARS_AHEAD, "date": _date(latest_document_expiry())},
        )


def validate_document_issue(value: datetime.date) -> None:
    if value < EARLIEST_DOCUMENT_DATE:
        raise ValidationError(
            _("La data di rilascio non può essere prima del %(date)s: controlla l'anno."),
            code="issue_too_early",
            params={"date": _date(EARLIEST_DOCUMENT_DATE)},
        )
    if value > timezone.localdate():
        raise ValidationError(
            _("La data di rilascio non può essere nel futuro."), code="issue_future"
        )
