"""The household view's rows in a person's export and in the erasure."""

import pytest

from household_view.models import HouseholdAccess, MemberMessage, SelfAssessment
from privacy import services as privacy_services

pytestmark = pytest.mark.django_db


def test_the_members_accesses_messages_and_ratings_are_exported_and_erased(
    member_client, issued, carla, member
):
    member_client.post("/percorso/scrivi/", {"text": "MARKER-EXPORTED"})
    member_client.post("/percorso/come-sto/", {"work": "3"})
    exported = str(privacy_services.person_export(user=carla, person=member))
    assert "accessi_il_mio_percorso" in exported
    assert "MARKER-EXPORTED" in exported and "autovalutazioni" in exported
    access, token = issued
    assert access.link_token_hash not in exported and token not in exported

    from django.utils import timezone

    case = access.case
    case.closed_on = timezone.localdate().replace(year=timezone.localdate().year - 20)
    case.opened_on = case.closed_on
    case.save()
    privacy_services.household_anonymise(user=None, household=member.household)
    assert not HouseholdAccess.objects.exists()
    assert not MemberMessage.objects.exists() and not SelfAssessment.objects.exists()
