import datetime

import pytest

from household_view import services
from tests.factories import PersonFactory


@pytest.fixture
def member(household_alfa):
    """Fatima, the adult reference person of household_alfa."""
    person = household_alfa.members.get()
    person.birth_date = datetime.date(1985, 4, 2)
    person.save()
    return person


@pytest.fixture
def issued(rf, alice, case_alfa, member):
    """An access alice gave to Fatima, and its link's token."""
    request = rf.post("/")
    request.user = alice
    return services.access_issue(request=request, user=alice, case=case_alfa, person=member)


@pytest.fixture
def member_client(client, issued):
    """A browser with Fatima's household session (the link opened)."""
    _access, token = issued
    response = client.post(f"/percorso/entra/{token}/")
    assert response.status_code == 302
    return client


@pytest.fixture
def minor(household_alfa):
    return PersonFactory(
        household=household_alfa,
        relationship="child",
        first_name="Amina",
        birth_date=datetime.date.today() - datetime.timedelta(days=365 * 8),
        codice_fiscale="",
    )
