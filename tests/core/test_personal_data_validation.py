"""Personal data is validated as such (issue 11, item 8): names refuse control and
invisible characters, phone numbers are phone numbers (stored in E.164), birth dates and
documents' dates stay in a plausible span, free text has a maximum length, and the
codice fiscale is a real one that agrees with the birth date and sex typed beside it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beneficiaries.forms.pathway import CaseNoteForm, DocumentForm
from beneficiaries.models import Document, Household, Person
from beneficiaries.services import households as households_services
from beneficiaries.services import pathway as pathway_services
from core.validators import (
    codice_fiscale_mismatches,
    format_phone,
    normalise_phone,
    person_cf_check_char,
    validate_birth_date,
    validate_document_expiry,
    validate_person_codice_fiscale,
    validate_person_name,
    validate_phone_number,
)
from tests.beneficiaries.pathway_helpers import pdf_upload
from tests.factories import UserFactory

TODAY = timezone.localdate()
# Amina Benali: a woman born on 4 March 1990 in Morocco (Z330).
AMINA_CF = "BNLMNA90C44Z330U"


def cf(first15: str) -> str:
    return first15 + person_cf_check_char(first15)


def messages(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


# Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,shown",
    [
        ("Mario\x1b[2J", "U+001B"),  # an ANSI escape sequence (clears a terminal)
        ("Ma\x00rio", "U+0000"),
        ("Fatima\u202egnp.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066Amina\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("Rossi\u202a", "U+202A"),
        ("Ros\tsi", "U+0009"),
        ("Ros\u2028si", "U+2028"),
    ],
)
def test_names_with_control_or_invisible_characters_are_refused(name, shown):
    [message] = messages(lambda: validate_person_name(name))
    assert message.startswith("Il nome contiene un carattere di controllo o invisibile")
    assert shown in message


@pytest.mark.parametrize("name", ["<script>", "Mario2", "Rossi; DROP", "Anna@"])
def test_names_with_symbols_or_digits_are_refused(name):
    [message] = messages(lambda: validate_person_name(name))
    assert message.startswith("Il nome contiene un carattere non ammesso: «")


@pytest.mark.parametrize(
    "name",
    ["Nicolò", "D'Angelo", "O’Brien", "Anne-Marie", "De Santis", "J.R.", "فاطمة", "Ngọc Ánh"]
    + ["\u0645\u0647\u200c\u0633\u0627", "Žofia", "Ольга", "王芳"],
)
def test_real_names_of_every_script_are_accepted(name):
    validate_person_name(name)


@pytest.mark.django_db
def test_the_person_form_refuses_an_escape_in_a_name_and_saves_nothing(
    client_for, alice, household_alfa
):
    fatima = household_alfa.members.get()
    response = client_for(alice).post(
        reverse("beneficiaries:person_update", args=[fatima.public_id]),
        {
            "person-relationship": "reference",
            "person-first_name": "Fatima\x1b[31m",
            "person-last_name": "El Amrani",
            "person-birth_date": "1988-05-17",
            "person-sex": "F",
        },
    )
    assert response.status_code == 200
    assert "Il nome contiene un carattere di controllo o invisibile" in response.text
    fatima.refresh_from_db()
    assert fatima.first_name == "Fatima"


@pytest.mark.django_db
def test_staff_names_are_checked_too():
    user = UserFactory.build(username="nuovo", first_name="Carla\u202e", last_name="Bianchi")
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    assert "first_name" in caught.value.message_dict


# Phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,stored,shown",
    [
        ("333 1234567", "+393331234567", "+39 333 123 4567"),
        ("0039 333 123 4567", "+393331234567", "+39 333 123 4567"),
        ("039 123 4567", "+390391234567", "+39 039 123 4567"),
        ("+33 6 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"),
        ("+212 6 61 23 45 67", "+212661234567", "+212 6 61 23 45 67"),
    ],
)
def test_phone_numbers_are_read_in_italian_or_international_form_and_stored_in_e164(
    typed, stored, shown
):
    validate_phone_number(typed)
    assert normalise_phone(typed) == stored
    assert format_phone(stored) == shown


@pytest.mark.parametrize("typed", ["1", "333 1", "12345678901234567", "chiamami", "+39 0"])
def test_what_is_not_a_phone_number_is_refused(typed):
    [message] = messages(lambda: validate_phone_number(typed))
    assert message.startswith("Il numero di telefono non è valido")


@pytest.mark.django_db
def test_the_service_stores_the_phone_in_e164_and_refuses_a_wrong_one(alice, household_alfa):
    fatima = household_alfa.members.get()
    households_services.person_update(user=alice, person=fatima, phone="333 123 4567")
    fatima.refresh_from_db()
    assert fatima.phone == "+393331234567"
    assert fatima.phone_display == "+39 333 123 4567"
    with pytest.raises(ValidationError) as caught:
        households_services.person_update(user=alice, person=fatima, phone="333 1")
    assert "phone" in caught.value.message_dict
    fatima.refresh_from_db()
    assert fatima.phone == "+393331234567"


# Dates ------------------------------------------------------------------------------------


def test_birth_dates_run_from_1900_to_today():
    validate_birth_date(datetime.date(1900, 1, 1))
    validate_birth_date(TODAY)
    assert messages(lambda: validate_birth_date(datetime.date(1899, 12, 31))) == [
        "La data di nascita non può essere prima del 01/01/1900."
    ]
    assert messages(lambda: validate_birth_date(TODAY + datetime.timedelta(days=1))) == [
        "La data di nascita non può essere nel futuro."
    ]


def test_document_expiry_dates_run_from_1990_to_twenty_years_ahead():
    validate_document_expiry(datetime.date(1990, 1, 1))
    validate_document_expiry(TODAY.replace(year=TODAY.year + 19))
    assert messages(lambda: validate_document_expiry(datetime.date(1989, 12, 31))) == [
        "La scadenza non può essere prima del 01/01/1990: controlla l'anno."
    ]
    [message] = messages(lambda: validate_document_expiry(datetime.date(TODAY.year + 21, 1, 1)))
    assert message.startswith("La scadenza non può essere oltre 20 anni da oggi")


@pytest.mark.django_db
def test_a_document_expiring_in_the_year_3026_is_refused_and_nothing_stored(
    alice, case_alfa, private_storage_root
):
    with pytest.raises(ValidationError) as caught:
        pathway_services.document_upload(
            user=alice,
            case=case_alfa,
            kind="identity",
            file=pdf_upload(),
            expires_on=datetime.date(3026, 1, 1),
        )
    assert "expires_on" in caught.value.message_dict
    assert not Document.objects.exists()
    assert not private_storage_root.exists() or not any(private_storage_root.rglob("*.pdf"))


@pytest.mark.django_db
def test_the_document_form_refuses_an_implausible_expiry(case_alfa):
    form = DocumentForm(
        {"kind": "identity", "expires_on": "1970-01-01"},
        {"file": pdf_upload()},
        members=Person.objects.none(),
        max_megabytes=10,
    )
    assert not form.is_valid()
    assert form.errors["expires_on"] == [
        "La scadenza non può essere prima del 01/01/1990: controlla l'anno."
    ]


@pytest.mark.django_db
def test_a_birth_date_before_1900_is_refused_by_the_service(alice, household_alfa):
    fatima = household_alfa.members.get()
    with pytest.raises(ValidationError) as caught:
        households_services.person_update(
            user=alice, person=fatima, birth_date=datetime.date(1850, 1, 1)
        )
    assert caught.value.message_dict["birth_date"] == [
        "La data di nascita non può essere prima del 01/01/1900."
    ]


# Free text --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_diary_entry_longer_than_ten_thousand_characters_is_refused(case_alfa):
    data = {"happened_on": "2026-03-03", "kind": "interview", "duration_minutes": "30"}
    households = Household.objects.none()
    assert CaseNoteForm({**data, "text": "x" * 10_000}, households=households).is_valid()
    form = CaseNoteForm({**data, "text": "x" * 10_001}, households=households)
    assert not form.is_valid()
    assert "10000" in form.errors["text"][0].replace(".", "")


@pytest.mark.django_db
def test_household_notes_are_capped_on_the_form():
    from beneficiaries.forms.households import HouseholdForm

    form = HouseholdForm({"notes": "n" * 5_001})
    assert not form.is_valid()
    assert "notes" in form.errors
    assert 'maxlength="5000"' in str(form["notes"])


# Codice fiscale ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first15",
    ["RSSMRA85B30A562", "RSSMRA85T99A562", "RSSMRA85T00A562", "RSSMRA85T35A562"],
    ids=["30-february", "day-99", "day-0", "day-35"],
)
def test_a_codice_fiscale_with_an_impossible_birth_date_is_refused(first15):
    # The check character is right: only the date is impossible.
    assert messages(lambda: validate_person_codice_fiscale(cf(first15))) == [
        "Il codice fiscale non è valido: la data di nascita che contiene non esiste."
    ]


def test_a_codice_fiscale_with_an_unknown_birthplace_is_refused():
    assert messages(lambda: validate_person_codice_fiscale(cf("RSSMRA85T10Z999"))) == [
        "Il codice fiscale non è valido: il codice del luogo di nascita (Z999) non esiste."
    ]


@pytest.mark.parametrize(
    "code", [AMINA_CF, "BNLMNA90C44Z33LX", cf("BNLMNA90C4QZ330"), cf("BNLMNAVLC44Z330")]
)
def test_omocodic_codes_are_still_accepted_and_match(code):
    validate_person_codice_fiscale(code)
    assert codice_fiscale_mismatches(code, birth_date=datetime.date(1990, 3, 4), sex="F") == []


def test_a_codice_fiscale_disagreeing_with_birth_date_or_sex_is_told_apart():
    [date] = codice_fiscale_mismatches(AMINA_CF, birth_date=datetime.date(1990, 4, 3), sex="F")
    assert date.messages == [
        "Il codice fiscale non corrisponde alla data di nascita: nel codice è il 04/03/90."
    ]
    [sex] = codice_fiscale_mismatches(AMINA_CF, birth_date=datetime.date(1990, 3, 4), sex="M")
    assert sex.messages == [
        "Il codice fiscale non corrisponde al sesso indicato: nel codice è femmina."
    ]
    # A century apart is the same code: it holds only the last two digits of the year.
    assert codice_fiscale_mismatches(AMINA_CF, birth_date=datetime.date(1990, 3, 4), sex="F") == []


@pytest.mark.django_db
def test_the_registration_refuses_a_code_of_another_birth_date_and_saves_nothing(
    client_for, marco, comune_uno
):
    before = (Household.objects.count(), Person.objects.count())
    response = client_for(marco).post(
        reverse("beneficiaries:household_create"),
        {
            "living_situation": "eviction",
            "person-first_name": "Amina",
            "person-last_name": "Benali",
            "person-birth_date": "1991-03-04",
            "person-sex": "M",
            "person-codice_fiscale": AMINA_CF,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Il codice fiscale non corrisponde alla data di nascita: nel codice è il 04/03/90." in page
    )
    assert "Il codice fiscale non corrisponde al sesso indicato: nel codice è femmina." in page
    assert (Household.objects.count(), Person.objects.count()) == before


@pytest.mark.django_db
def test_the_service_refuses_a_code_that_is_not_the_persons(alice, household_alfa):
    fatima = household_alfa.members.get()  # a woman born on 17 May 1988
    with pytest.raises(ValidationError) as caught:
        households_services.person_update(user=alice, person=fatima, codice_fiscale=AMINA_CF)
    assert caught.value.message_dict["codice_fiscale"] == [
        "Il codice fiscale non corrisponde alla data di nascita: nel codice è il 04/03/90."
    ]
    fatima.refresh_from_db()
    assert fatima.codice_fiscale == ""
