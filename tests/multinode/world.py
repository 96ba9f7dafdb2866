"""The little world of the multi-node test, written into its throwaway database by
`manage.py shell` (tests/multinode/test_multinode.py): a social worker of a cooperative
(no second factor required of that role) with one open case. Prints what the test needs."""

import json

from partners.models import StaffMembership
from projects.models import Participation
from tests.factories import (
    CaseAssignmentFactory,
    CaseFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"


def build():
    coop = OrganisationFactory(name="Cooperativa Nodi", slug="nodi")
    comune = MunicipalityFactory(name="Comune Nodi", slug="comune-nodi", istat_code="015099")
    project = ProjectFactory(name="Casa Nodi", slug="casa-nodi")
    ParticipationFactory(
        project=project, organisation=coop, role=Participation.Role.OPERATIONAL_COORDINATOR
    )
    ParticipationFactory(
        project=project, organisation=comune, role=Participation.Role.REFERRING_BODY
    )
    worker = UserFactory(username="operatrice-nodi", first_name="Nadia", last_name="Nodi")
    StaffMembershipFactory(user=worker, organisation=coop, role=StaffMembership.Role.SOCIAL_WORKER)
    person = PersonFactory(household__registered_by=comune, codice_fiscale="")
    referral = ReferralFactory(household=person.household, project=project, status="accepted")
    case = CaseFactory(
        household=person.household, project=project, referral=referral, holding_organisation=coop
    )
    CaseAssignmentFactory(case=case, worker=worker)
    print(
        json.dumps({"username": worker.username, "password": PASSWORD, "case": str(case.public_id)})
    )
