import factory
from django.utils.text import slugify

from partners.models import Organisation, OrganisationMembership, StaffMembership
from projects.models import Participation, Project
from users.models import User

# Valid 11-digit codes (check digit computed), reused by tests that need real ones.
VALID_VAT_NUMBERS = ["01234567897", "12345678903", "00000000000"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Cooperativa sociale Esempio {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.SOCIAL_COOPERATIVE


class MunicipalityFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Comune di Esempio {n}")
    kind = Organisation.Kind.MUNICIPALITY


class OrganisationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    member = factory.SubFactory(OrganisationFactory)
    parent = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.CONSORTIUM)


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = StaffMembership.Role.SOCIAL_WORKER


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Progetto di prova {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Project.Kind.TEMPORARY_HOUSING
    max_stay_months = 18


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Participation.Role.PARTNER


# Households and what hangs from them (issue 3) --------------------------------------

import datetime  # noqa: E402

from beneficiaries.models import (  # noqa: E402
    Case,
    CaseAssignment,
    Consent,
    Household,
    Person,
    Referral,
    WaitingListEntry,
)
from beneficiaries.models import name_key as _name_key  # noqa: E402


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    registered_by = factory.SubFactory(MunicipalityFactory)
    living_situation = Household.LivingSituation.EVICTION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    relationship = Person.Relationship.REFERENCE
    first_name = factory.Faker("first_name_female", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")
    birth_date = datetime.date(1988, 5, 17)
    sex = Person.Sex.FEMALE
    citizenship = "IT"
    name_key = factory.LazyAttribute(lambda o: _name_key(o.first_name, o.last_name))


class ConsentFactory(factory.django.DjangoModelFactory):
    """A consent in force for case management, signed by the reference person (pass
    organisations=[...] for the organisations it names)."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    purpose = Consent.Purpose.CASE_MANAGEMENT
    legal_basis = Consent.LegalBasis.CONSENT
    given_on = datetime.date(2026, 1, 2)
    given_by = factory.LazyAttribute(
        lambda o: o.household.members.filter(relationship=Person.Relationship.REFERENCE).first()
    )

    @factory.post_generation
    def organisations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organisations.set(extracted)


def give_consent(household, project, *organisations, purposes=None):
    """The household's consent, in force, for what `project` needs (case management and
    the project's extra purposes) with every organisation taking part in it and
    `organisations`: what the consent gate of the pathway asks before a referral is
    sent or accepted and a case opened."""
    from beneficiaries.selectors.households import consent_gaps

    if purposes is None and not any(
        consent_gaps(household=household, project=project, holding_organisation=o)
        for o in organisations or [None]
    ):
        return  # already consented: no second row
    names = [*Organisation.objects.filter(participations__project=project), *organisations]
    for purpose in purposes or project.consent_purposes:
        ConsentFactory(household=household, purpose=purpose, organisations=names)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral; the household consents to the project's organisations processing its
    data (the gate of beneficiaries.services.households.consent_require), unless
    consent=False."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    project = factory.SubFactory(ProjectFactory)
    referring_organisation = factory.LazyAttribute(lambda o: o.household.registered_by)
    reason = "Sfratto esecutivo, due figli minori."
    urgency = Referral.Urgency.HIGH
    status = Referral.Status.SENT

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            give_consent(obj.household, obj.project, obj.referring_organisation)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case; the household consents to the project's organisations and the holding
    one, unless consent=False."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    project = factory.SubFactory(ProjectFactory)
    holding_organisation = factory.SubFactory(OrganisationFactory)
    opened_on = datetime.date(2026, 1, 15)

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            give_consent(obj.household, obj.project, obj.holding_organisation)


class CaseAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAssignment

    case = factory.SubFactory(CaseFactory)
    worker = factory.SubFactory(UserFactory)


class WaitingListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitingListEntry

    referral = factory.SubFactory(ReferralFactory, status=Referral.Status.ACCEPTED)
    project = factory.LazyAttribute(lambda o: o.referral.project)
    household = factory.LazyAttribute(lambda o: o.referral.household)
    added_on = datetime.date(2026, 10, 1)


# Housing stock (issue 4) ------------------------------------------------------------

from beneficiaries.services.pathway import refresh_last_contact  # noqa: E402
from housing.models import HousingUnit, Property  # noqa: E402


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    name = factory.Sequence(lambda n: f"Casa Esempio {n}")
    address = factory.Sequence(lambda n: f"Via Esempio {n}")
    town = "Pozzuolo Martesana"
    owner = "Comune di Esempio"
    managing_organisation = factory.SubFactory(OrganisationFactory)


class HousingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HousingUnit

    property = factory.SubFactory(PropertyFactory)
    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Alloggio {n}")
    kind = HousingUnit.Kind.APARTMENT
    capacity = 4


# Support pathways (issue 5) ---------------------------------------------------------

from beneficiaries.models import (  # noqa: E402
    Action,
    AutonomyAssessment,
    CaseNote,
    Goal,
    Review,
    SupportPlan,
)


class SupportPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan

    case = factory.SubFactory(CaseFactory)
    agreed_on = datetime.date(2026, 2, 1)
    review_interval_months = 3


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(SupportPlanFactory)
    domain = "work"
    description = "Trovare un lavoro stabile"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    goal = factory.SubFactory(GoalFactory)
    description = "Iscrizione al centro per l'impiego"
    responsible_kind = Action.Responsible.ORGANISATION
    responsible_organisation = factory.LazyAttribute(
        lambda o: o.goal.plan.case.holding_organisation
    )
    due_on = datetime.date(2026, 3, 1)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    plan = factory.SubFactory(SupportPlanFactory)
    scheduled_on = datetime.date(2026, 5, 1)


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    happened_on = datetime.date(2026, 2, 10)
    kind = CaseNote.Kind.INTERVIEW
    duration_minutes = 45
    text = "Colloquio di monitoraggio."
    author_organisation = factory.LazyAttribute(lambda o: o.case.holding_organisation)

    @factory.post_generation
    def households(self, create, extracted, **kwargs):
        """The other households of a group activity: `CaseNoteFactory(households=[…])`.
        Then the cases' last contact is written, as the service writes it."""
        if not create:
            return
        if extracted:
            self.households.set(extracted)
        refresh_last_contact(
            household_ids=[self.case.household_id, *(h.pk for h in extracted or ())]
        )


class AutonomyAssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment with every domain at `level` (pass levels={...} to vary)."""

    class Meta:
        model = AutonomyAssessment
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    moment = AutonomyAssessment.Moment.ENTRY
    taken_on = datetime.date(2026, 2, 1)

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):
        from beneficiaries import autonomy
        from beneficiaries.models import AutonomyScore

        if not create:
            return
        chosen = extracted or {}
        AutonomyScore.objects.bulk_create(
            AutonomyScore(assessment=obj, domain=d.value, level=chosen.get(d.value, 2))
            for d in autonomy.DOMAINS
        )
