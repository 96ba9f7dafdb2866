"""The models of households and their pathway, one module per part of the pathway:

- households: the household, its members, vulnerabilities and consents;
- intake: referrals, their events and the waiting list;
- cases: the case (presa in carico) and its assigned workers;
- pathway: the individual plan, assessments, diary, documents, exit and follow-up;
- appointments: appointments, the rooms they book, the workers' calendar feeds.
"""

from beneficiaries.models.appointments import (  # noqa: F401
    Appointment,
    CalendarFeed,
    Room,
)
from beneficiaries.models.cases import (  # noqa: F401
    Case,
    CaseAssignment,
)
from beneficiaries.models.ethos import (  # noqa: F401
    ETHOS_DEFINITIONS,
    ETHOS_RANK,
    EthosLight,
)
from beneficiaries.models.households import (  # noqa: F401
    SPECIAL_CATEGORY_KINDS,
    Consent,
    Household,
    Person,
    Vulnerability,
    name_key,
    years_before,
)
from beneficiaries.models.intake import (  # noqa: F401
    Referral,
    ReferralEvent,
    WaitingListEntry,
)
from beneficiaries.models.pathway import (  # noqa: F401
    DESTINATION_GROUPS,
    Action,
    AutonomyAssessment,
    AutonomyReached,
    AutonomyScore,
    CaseExit,
    CaseNote,
    DestinationGroup,
    Document,
    ExitDestination,
    FollowUp,
    Goal,
    LifeDomain,
    Review,
    SupportPlan,
    destination_group,
    destination_group_expression,
)
