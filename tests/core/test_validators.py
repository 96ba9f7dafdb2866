"""Italian identifiers: a typo must be caught when it is typed."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    validate_istat_code,
    validate_organisation_codice_fiscale,
    validate_partita_iva,
    validate_person_codice_fiscale,
)


def error_of(validator, value):
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value


# Person: the codice fiscale -------------------------------------------------------------

# Check characters worked out by hand from the Agenzia delle Entrate tables, not with
# the code under test.
VALID_PERSON_CODES = [
    "RSSMRA85T10A562S",
    "MRTMTT25D09F205Z",
    # Omocodia: digits replaced by letters (5 → R, 0 → L) when two people would share a
    # code; the check character is computed on the letters.
    "MRTMTT25D09F20RU",
    "MRTMTT25D09F2LRF",
    "RSSMRA85T10A56NH",
]


@pytest.mark.parametrize("code", VALID_PERSON_CODES)
def test_valid_person_codes(code):
    validate_person_codice_fiscale(code)


def test_person_code_is_read_without_spaces_and_in_any_case():
    validate_person_codice_fiscale(" rssmra85t10a562s ")
    validate_person_codice_fiscale("RSS MRA 85T10 A562S")


@pytest.mark.parametrize(
    "code",
    [
        "RSSMRA85T10A562T",  # wrong check character
        "MRTMTT25D09F20RZ",  # omocodic, but with the check character of the original
        "RSSMRA85T10A526S",  # two digits swapped
    ],
)
def test_person_code_with_wrong_check_character(code):
    error = error_of(validate_person_codice_fiscale, code)
    assert error.code == "cf_check"
    assert "carattere di controllo non corrisponde" in error.messages[0]


@pytest.mark.parametrize(
    "code",
    [
        "RSSMRA85T10A562",  # 15 characters
        "RSSMRA85T10A562SX",  # 17
        "RSSMRA85Z10A562S",  # Z is not a month
        "RSSMRA8AT10A562S",  # A is not an omocodic letter
        "12345678901",  # an organisation's code is not a person's
        "",
    ],
)
def test_malformed_person_code(code):
    error = error_of(validate_person_codice_fiscale, code)
    assert error.code == "cf_format"
    assert "16 caratteri" in error.messages[0]


# Partita IVA ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "vat",
    ["01199250158", "06363391001", "00000000000", " 0119 9250 158 "],
)
def test_valid_partita_iva(vat):
    validate_partita_iva(vat)


@pytest.mark.parametrize("vat", ["01199250159", "01199250185", "10199250158"])
def test_partita_iva_with_wrong_check_digit(vat):
    error = error_of(validate_partita_iva, vat)
    assert error.code == "vat_check"
    assert "cifra di controllo non corrisponde" in error.messages[0]


@pytest.mark.parametrize("vat", ["0119925015", "011992501588", "IT01199250158", "ABCDEFGHIJK"])
def test_malformed_partita_iva(vat):
    error = error_of(validate_partita_iva, vat)
    assert error.code == "vat_format"
    assert error.messages == ["La partita IVA deve avere 11 cifre."]


# Organisation: the codice fiscale ---------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "01199250158",  # a legal entity: 11 digits
        "80012000826",
        "RSSMRA85T10A562S",  # a sole trader or an association may use a person's code
    ],
)
def test_valid_organisation_codes(code):
    validate_organisation_codice_fiscale(code)


def test_organisation_code_with_wrong_check_digit():
    error = error_of(validate_organisation_codice_fiscale, "80012000827")
    assert error.code == "cf_check"
    assert "cifra di controllo non corrisponde" in error.messages[0]


@pytest.mark.parametrize("code", ["8001200082", "800120008266", "123"])
def test_organisation_code_with_wrong_number_of_digits(code):
    error = error_of(validate_organisation_codice_fiscale, code)
    assert error.code == "cf_format"
    assert "11 cifre" in error.messages[0]


@pytest.mark.parametrize(
    ("code", "error_code"), [("RSSMRA85T10A562T", "cf_check"), ("AB12", "cf_format")]
)
def test_organisation_code_of_sixteen_characters_is_checked_like_a_person(code, error_code):
    assert error_of(validate_organisation_codice_fiscale, code).code == error_code


# ISTAT code ------------------------------------------------------------------------------


def test_istat_code_has_six_digits():
    validate_istat_code("015122")
    for code in ["15122", "0151220", "01512A"]:
        assert error_of(validate_istat_code, code).messages == [
            "Il codice ISTAT di un comune ha 6 cifre."
        ]
