"""The little world of the multi-node test, written into its throwaway database by
`manage.py shell` (tests/multinode/test_multinode.py): a social worker of a cooperative
(no second factor required of that role) with one open case, whose plan has an overdue
action, and who wants overdue actions by e-mail at once (the reminders scan tells her, the
task worker sends the e-mail). Prints what the test needs."""

import datetime
import json

from notifications.kinds import Delivery, Kind
from notifications.models import EmailPreference
from partners.models import StaffMembership
from projects.models import Participation
from tests.factories import (
    ActionFactory,
    CaseAssignmentFactory,
    CaseFactory,
    GoalFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ReferralFactory,
    StaffMembershipFactory,
    SupportPlanFactory,
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
    ActionFactory(
        goal=GoalFactory(plan=SupportPlanFactory(case=case)),
        due_on=datetime.date.today() - datetime.timedelta(days=7),
    )
    EmailPreference.objects.create(
        user=worker, kind=Kind.ACTION_OVERDUE, delivery=Delivery.IMMEDIATE
    )
    print(
        json.dumps({"username": worker.username, "password": PASSWORD, "case": str(case.public_id)})
    )
