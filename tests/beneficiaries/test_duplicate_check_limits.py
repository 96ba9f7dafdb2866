"""The duplicate check of a registration is no oracle (issue 11): asked only of a
complete registration, every look-up in the security log without personal data, at
most PERSON_LOOKUP_LIMIT per user and hour (counted in the shared database), and the
user's coordinators told when someone goes past it."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Household, Person
from core.models import SecurityEvent
from notifications.kinds import Kind as NotificationKind
from notifications.models import Notification
from partners.models import StaffMembership
from tests.beneficiaries.test_household_views import (
    FATIMA,
    GOOD_CF,
    household_post,
    person_post,
)
from tests.factories import PersonFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
CREATE = reverse("beneficiaries:household_create")
LIMIT = 3


@pytest.fixture
def low_limit(settings):
    settings.PERSON_LOOKUP_LIMIT = LIMIT
    return LIMIT


@pytest.fixture
def comune_coordinator(comune_uno):
    user = UserFactory(username="cora")
    StaffMembershipFactory(
        user=user, organisation=comune_uno, role=StaffMembership.Role.COORDINATOR
    )
    return user


def people_of_another_organisation(household_beta, count):
    """Real people registered by Beta, whom the referrer of Comune Uno may not see."""
    return [
        PersonFactory(
            household=household_beta,
            relationship=Person.Relationship.CHILD,
            # Letters only: a name holds no digit (core.validators.validate_person_name).
            first_name=f"Nome {chr(ord('A') + n)}",
            last_name=f"Cognome {chr(ord('A') + n)}",
        )
        for n in range(count)
    ]


def registration_of(person):
    return household_post(
        **{
            "person-first_name": person.first_name,
            "person-last_name": person.last_name,
            "person-birth_date": person.birth_date.isoformat(),
            "person-codice_fiscale": "",
        }
    )


def test_every_look_up_is_in_the_security_log_without_personal_data(
    client_for, alice, household_alfa, caplog
):
    with caplog.at_level(logging.INFO, logger="abitare.security"):
        response = client_for(alice).post(CREATE, household_post(**FATIMA))
    assert "Apri la scheda esistente" in response.text, "a visible match stays linkable"
    event = SecurityEvent.objects.get(kind=Kind.PERSON_LOOKUP)
    assert event.user == alice
    assert event.details == {"form": "household", "visible": 1, "hidden": 0}
    logged = " ".join(r.getMessage() for r in caplog.records) + str(event.details) + event.path
    for personal in ("fatima", "amrani", "1988"):
        assert personal not in logged.lower()


def test_a_registration_without_a_match_is_a_look_up_too(client_for, alice):
    response = client_for(alice).post(CREATE, household_post())
    assert response.status_code == 302
    assert SecurityEvent.objects.get(kind=Kind.PERSON_LOOKUP).details == {
        "form": "household",
        "visible": 0,
        "hidden": 0,
    }


def test_a_referrer_cannot_enumerate_the_network(
    client_for, marco, household_beta, comune_coordinator, low_limit
):
    """The report: a referrer confirmed 40 of 40 real people it may not open."""
    people = people_of_another_organisation(household_beta, LIMIT + 3)
    client = client_for(marco)
    answers = [client.post(CREATE, registration_of(p)).text for p in people]
    told = [a for a in answers if "già registrata da un altro ente della rete" in a]
    assert len(told) == LIMIT
    for refused in answers[LIMIT:]:
        assert "Hai fatto troppe verifiche" in refused
        assert 'data-testid="duplicates"' not in refused
    assert Household.objects.filter(registered_by__name="Comune Uno").count() == 0
    assert SecurityEvent.objects.filter(kind=Kind.PERSON_LOOKUP, user=marco).count() == LIMIT
    assert SecurityEvent.objects.filter(kind=Kind.PERSON_LOOKUP_THROTTLED, user=marco).count() == 3


def test_a_refused_registration_saves_nothing_even_without_a_match(client_for, alice, low_limit):
    client = client_for(alice)
    for n in range(LIMIT):
        client.post(
            CREATE,
            household_post(
                **{"person-codice_fiscale": "", "person-first_name": f"Nome {chr(ord('A') + n)}"}
            ),
        )
    before = Household.objects.count()
    response = client.post(CREATE, household_post(**{"person-codice_fiscale": ""}))
    assert response.status_code == 200
    assert "Hai fatto troppe verifiche" in response.text
    assert Household.objects.count() == before


def test_the_codice_fiscale_is_no_way_around_the_limit(
    client_for, alice, household_beta, low_limit
):
    giulia = household_beta.members.get()
    Person.objects.filter(pk=giulia.pk).update(codice_fiscale=GOOD_CF)
    client = client_for(alice)
    for n in range(LIMIT):
        client.post(
            CREATE,
            household_post(
                **{"person-codice_fiscale": "", "person-first_name": f"Nome {chr(ord('A') + n)}"}
            ),
        )
    response = client.post(CREATE, household_post())  # Giulia's codice fiscale
    assert "Hai fatto troppe verifiche" in response.text
    assert "già registrata" not in response.text


def test_adding_a_member_counts_against_the_same_limit(
    client_for, alice, household_alfa, low_limit
):
    client = client_for(alice)
    address = reverse("beneficiaries:person_create", args=[household_alfa.public_id])
    for n in range(LIMIT):
        client.post(
            CREATE,
            household_post(
                **{"person-codice_fiscale": "", "person-first_name": f"Nome {chr(ord('A') + n)}"}
            ),
        )
    response = client.post(address, person_post())
    assert response.status_code == 200
    assert "Hai fatto troppe verifiche" in response.text
    assert household_alfa.members.count() == 1


def test_coordinators_of_the_users_organisation_are_told_once(
    client_for, marco, carla, household_beta, comune_coordinator, low_limit
):
    people = people_of_another_organisation(household_beta, LIMIT + 3)
    client = client_for(marco)
    for person in people:
        client.post(CREATE, registration_of(person))
    alerts = Notification.objects.filter(kind=NotificationKind.LOOKUPS_THROTTLED)
    assert [n.recipient for n in alerts] == [comune_coordinator], "not Alfa's carla, not marco"
    assert alerts.get().detail == "marco"


def test_without_a_coordinator_the_admins_are_told(client_for, alice, admin_user, low_limit):
    StaffMembership.objects.filter(role=StaffMembership.Role.COORDINATOR).delete()
    client = client_for(alice)
    for n in range(LIMIT + 1):
        client.post(
            CREATE,
            household_post(
                **{"person-codice_fiscale": "", "person-first_name": f"Nome {chr(ord('A') + n)}"}
            ),
        )
    alert = Notification.objects.get(kind=NotificationKind.LOOKUPS_THROTTLED)
    assert alert.recipient == admin_user


def test_the_count_is_in_the_shared_database_and_ends_with_the_window(client_for, alice, low_limit):
    # Look-ups made through another node: rows of the security log, nothing in memory.
    SecurityEvent.objects.bulk_create(
        SecurityEvent(kind=Kind.PERSON_LOOKUP, user=alice, username="alice") for _ in range(LIMIT)
    )
    client = client_for(alice)
    assert "Hai fatto troppe verifiche" in client.post(CREATE, household_post()).text
    SecurityEvent.objects.update(at=timezone.now() - timedelta(hours=1, minutes=1))
    assert client.post(CREATE, household_post()).status_code == 302


def test_the_limit_is_per_user(client_for, alice, dave, low_limit):
    SecurityEvent.objects.bulk_create(
        SecurityEvent(kind=Kind.PERSON_LOOKUP, user=alice, username="alice") for _ in range(LIMIT)
    )
    assert client_for(dave).post(CREATE, household_post()).status_code == 302
