"""Fixtures of the support pathway tests (issue 5), imported by the test modules that
use them: the case of household_alfa, two more Alfa staff, private document storage."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.models import StaffMembership
from tests.factories import StaffMembershipFactory, UserFactory

Role = StaffMembership.Role

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name="carta-identita.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def all_levels(level=2, **overrides):
    from beneficiaries import autonomy

    levels = {d.value: level for d in autonomy.DOMAINS}
    levels.update(overrides)
    return levels


@pytest.fixture
def case_alfa(household_alfa):
    """household_alfa's open case in Casa Alfa, held by Alfa, assigned to alice."""
    return household_alfa.cases.select_related("household", "holding_organisation").get()


@pytest.fixture
def dave(coop_alfa):
    """A social worker of Alfa who is not assigned to household_alfa's case."""
    user = UserFactory(username="dave", first_name="Davide", last_name="Galli")
    StaffMembershipFactory(user=user, organisation=coop_alfa, role=Role.SOCIAL_WORKER)
    return user


@pytest.fixture
def alfa_admin(coop_alfa):
    """The organisation admin of Alfa: runs the organisation, does no casework."""
    user = UserFactory(username="olga")
    StaffMembershipFactory(user=user, organisation=coop_alfa, role=Role.ORGANISATION_ADMIN)
    return user


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def today():
    return timezone.localdate()
