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
