"""The privacy registry's sweep (issue 10): every model of every app is declared, as
personal data or not, and every text, char, JSON or file field of a personal-data model is
exported, erased or kept with a reason. A new model or field that nobody declared fails
here, before it can silently stay out of the person's export and out of the erasure."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.test.utils import isolate_apps

from beneficiaries.models import Case, Household
from core import personal_data
from core.personal_data import MARK, Registry
from privacy import services as privacy_services
from tests.factories import PersonFactory

OUR_APPS = {"core", "users", "partners", "projects", "housing", "beneficiaries"}


def project_app_configs():
    """The apps that live in this repository (not Django's, not the libraries')."""
    base = Path(settings.BASE_DIR).resolve()
    return [a for a in apps.get_app_configs() if Path(a.path).resolve().parent == base]


def test_the_sweep_walks_our_apps():
    labels = {a.label for a in project_app_configs()}
    assert labels >= OUR_APPS
    models_found = [m for a in project_app_configs() for m in a.get_models()]
    assert len(models_found) > 30


def test_every_model_of_our_apps_is_declared_with_every_text_field():
    registry = personal_data.discover()
    models_found = [m for a in project_app_configs() for m in a.get_models()]
    assert registry.problems(models_found) == []


def test_every_third_party_model_is_declared_too():
    registry = personal_data.discover()
    assert registry.problems(apps.get_models()) == []


def test_the_declarations_of_the_household_models_lead_to_the_household():
    """Erasure reaches the rows through these paths: each must be a real lookup."""
    household = Household(pk=1)
    for declaration in personal_data.discover().personal():
        if declaration.household:
            # Building the query resolves the path (a wrong one raises FieldError).
            str(declaration.model.objects.filter(declaration.household_q(household)).query)


@isolate_apps("tests.privacy")
def test_the_sweep_catches_a_text_field_nobody_declared():
    class RentPayment(models.Model):  # noqa: DJ008
        household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
        paid_on = models.DateField()
        notes = models.TextField()
        receipt = models.FileField()
        payer_email = models.EmailField()
        reference = models.SlugField()

        class Meta:
            app_label = "rent"

    class RentAccount(models.Model):  # noqa: DJ008
        iban = models.CharField(max_length=34)

        class Meta:
            app_label = "rent"

    registry = Registry()
    registry.register(
        RentPayment,
        household="household",
        export=[("data", "paid_on"), ("note", "notes")],
        keep={"reference": "a receipt number"},
    )
    problems = registry.problems([RentPayment, RentAccount])
    assert problems == [
        "rent.RentPayment.receipt (FileField): in none of export, erase, keep",
        "rent.RentPayment.payer_email (EmailField): in none of export, erase, keep",
        "rent.RentAccount: not in the privacy registry",
    ]

    # Declared, it passes; declared as not personal, it passes without field lists.
    registry.remove(RentPayment)
    registry.register(
        RentPayment,
        household="household",
        export=["paid_on", "notes", "payer_email"],
        erase={"receipt": MARK},
        keep={"reference": "a receipt number"},
    )
    registry.not_personal(RentAccount, reason="the network's own bank account")
    assert registry.problems([RentPayment, RentAccount]) == []


@isolate_apps("tests.privacy")
def test_the_sweep_catches_a_declaration_of_a_field_that_does_not_exist():
    class Thing(models.Model):  # noqa: DJ008
        notes = models.TextField()

        class Meta:
            app_label = "rent"

    registry = Registry()
    registry.register(Thing, export=["notes"], keep={"note": "typo", "reason": ""})
    assert registry.problems([Thing]) == [
        "rent.Thing.note: declared but no such field",
        "rent.Thing.reason: declared but no such field",
        "rent.Thing.reason: kept without a reason",
    ]
    with pytest.raises(ValueError):
        registry.register(Thing)
    with pytest.raises(ValueError):
        registry.not_personal(Household, reason="")


@pytest.mark.django_db(transaction=True)
def test_a_new_declared_model_is_exported_and_erased_through_the_registry(carla, household_alfa):
    """Rent payments with notes (the example of issue 10): declared in the registry, a
    new model is in the person's export and erased with the household, and
    privacy/services.py does not change."""
    with isolate_apps("tests.privacy"):

        class RentPayment(models.Model):  # noqa: DJ008
            household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
            paid_on = models.DateField()
            notes = models.TextField()

            class Meta:
                app_label = "rent"

    with connection.schema_editor() as editor:
        editor.create_model(RentPayment)
    personal_data.registry.register(
        RentPayment,
        section="pagamenti_affitto",
        household="household",
        export=[("data", "paid_on"), ("note", "notes")],
        erase={"notes": MARK},
    )
    try:
        RentPayment.objects.create(
            household=household_alfa, paid_on="2014-03-01", notes="RENT-MARKER arretrato"
        )
        other = PersonFactory(first_name="Altro").household
        RentPayment.objects.create(household=other, paid_on="2014-03-01", notes="OTHER-RENT")
        fatima = household_alfa.members.get()
        data = privacy_services.person_export(user=carla, person=fatima)
        assert data["pagamenti_affitto"] == [
            {"data": "2014-03-01", "note": "RENT-MARKER arretrato"}
        ]

        Case.objects.filter(household=household_alfa).update(
            opened_on="2012-01-01", closed_on="2013-01-01"
        )
        privacy_services.household_anonymise(user=carla, household=household_alfa)
        assert list(RentPayment.objects.values_list("household_id", "notes").order_by("pk")) == [
            (household_alfa.pk, MARK),
            (other.pk, "OTHER-RENT"),
        ]
    finally:
        personal_data.registry.remove(RentPayment)
        RentPayment.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.delete_model(RentPayment)
    assert personal_data.registry.get(RentPayment) is None
