"""Reads of personal data: households, people, referrals, cases.

This module is the scoping layer for personal data. Every view reads households and
what hangs from them through these functions, which return only what the user may
see:

- a social worker sees the households whose case their organisation holds or to which
  they are assigned;
- a coordinator sees every case and every referral received (not drafts) of the
  projects their organisation leads or operationally coordinates, and the cases their
  organisation holds;
- a municipal referrer sees the referrals their organisation sent and the households
  in them, never the cases of other organisations;
- staff of the organisation that registered a household see it (it may still have
  only a draft referral).

Organisation admins and Django admins get nothing more here: personal data is not in
the Django admin.
"""

from __future__ import annotations

from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.http import Http404

from beneficiaries.models import (
    Case,
    CaseAssignment,
    Household,
    Person,
    Referral,
    Vulnerability,
)
from core import scoping
from partners.models import StaffMembership

Role = StaffMembership.Role


CASEWORK_ROLES = (Role.SOCIAL_WORKER, Role.COORDINATOR)


FRONTLINE_ROLES = (Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MUNICIPAL_REFERRER)


def _case_q(user) -> Q:
    return (
        Q(holding_organisation_id__in=scoping.organisation_ids(user, CASEWORK_ROLES))
        | Q(project_id__in=scoping.coordinated_project_ids(user))
        | Q(Exists(CaseAssignment.objects.filter(case_id=OuterRef("pk"), worker_id=user.pk)))
    )


def _referral_q(user) -> Q:
    sending = scoping.organisation_ids(user, FRONTLINE_ROLES)
    projects = scoping.coordinated_project_ids(user)
    return Q(referring_organisation_id__in=sending) | (
        Q(project_id__in=projects) & ~Q(status=Referral.Status.DRAFT)
    )


def _household_q(user) -> Q:
    return (
        Q(registered_by_id__in=scoping.organisation_ids(user, FRONTLINE_ROLES))
        | Q(Exists(Case.objects.filter(_case_q(user), household_id=OuterRef("pk"))))
        | Q(Exists(Referral.objects.filter(_referral_q(user), household_id=OuterRef("pk"))))
    )


def _nothing_for(user) -> bool:
    return not scoping.active_memberships(user)


def visible_cases(*, user) -> QuerySet[Case]:
    if _nothing_for(user):
        return Case.objects.none()
    return Case.objects.filter(_case_q(user))


def visible_referrals(*, user) -> QuerySet[Referral]:
    if _nothing_for(user):
        return Referral.objects.none()
    return Referral.objects.filter(_referral_q(user))


def visible_households(*, user) -> QuerySet[Household]:
    if _nothing_for(user):
        return Household.objects.none()
    return Household.objects.filter(_household_q(user))


def visible_people(*, user) -> QuerySet[Person]:
    return Person.objects.filter(household__in=visible_households(user=user))


def _members_prefetch() -> Prefetch:
    return Prefetch("household__members", queryset=Person.objects.order_by("birth_date"))


def household_file(*, user, public_id) -> Household:
    """The household file (scheda), with everything it shows, or 404 when the user may
    not see it. Related rows are scoped too: a user sees only the referrals and cases
    they may see, even of a household they may see."""
    queryset = (
        visible_households(user=user)
        .select_related("registered_by")
        .prefetch_related(
            Prefetch("members", queryset=Person.objects.order_by("birth_date")),
            "vulnerabilities",
            Prefetch(
                "consents",
                queryset=household_consents_queryset(),
            ),
            Prefetch(
                "referrals",
                queryset=visible_referrals(user=user)
                .select_related("project", "referring_organisation", "created_by")
                .prefetch_related("events__by")
                .order_by("-created_at"),
                to_attr="visible_referrals",
            ),
            Prefetch(
                "cases",
                queryset=visible_cases(user=user)
                .select_related("project", "holding_organisation")
                .prefetch_related("workers")
                .order_by("closed_on", "-opened_on"),
                to_attr="visible_cases",
            ),
        )
    )
    return get_or_404(queryset, public_id=public_id)


def household_consents_queryset():
    from beneficiaries.models import Consent

    return Consent.objects.select_related("given_by", "recorded_by").prefetch_related(
        "organisations"
    )


def get_or_404(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def household_for_user(*, user, public_id) -> Household:
    return get_or_404(visible_households(user=user), public_id=public_id)


def person_for_user(*, user, public_id) -> Person:
    return get_or_404(visible_people(user=user).select_related("household"), public_id=public_id)


def consent_for_user(*, user, pk):
    """A consent of a household the user may see, or 404."""
    return get_or_404(
        household_consents_queryset()
        .filter(household__in=visible_households(user=user))
        .select_related("household"),
        pk=pk,
    )


def can_view_history(*, user) -> bool:
    """The audit history of a record is for coordinators."""
    return scoping.has_role(user, Role.COORDINATOR)


# Vulnerabilities that are health data or reveal violence suffered: read only by those
# who work on the case (see can_see_special_categories).
SPECIAL_CATEGORY_KINDS = frozenset(
    {
        Vulnerability.Kind.HEALTH,
        Vulnerability.Kind.DISABILITY,
        Vulnerability.Kind.DOMESTIC_VIOLENCE,
    }
)


def can_see_special_categories(*, user, household) -> bool:
    """Whether the user may read the household's special categories of data (health,
    disability, domestic violence: GDPR art. 9) — on the household file, in its forms,
    its history and any export.

    Those who need them to do the work: the social workers and coordinators of an
    organisation that holds (or held) a case of the household, the workers assigned to
    one, and the coordinators of a project that has a case of it or received a referral
    of it (they weigh them on the waiting list). Not municipal referrers, nor the staff
    of the organisation that registered the household (they follow the referral, not
    the care), not organisation admins, not anyone else who happens to see the
    household. So these data are recorded once a project has the household: not on the
    registration form.

    Uses the cases and referrals household_file() prefetched, so the household file
    costs no extra query."""
    if _nothing_for(user) or household.pk is None:
        return False
    coordinated = scoping.coordinated_project_ids(user)
    cases = getattr(household, "visible_cases", None)
    if cases is not None:
        has_case = bool(cases)
    else:
        has_case = visible_cases(user=user).filter(household_id=household.pk).exists()
    if has_case:
        return True
    if not coordinated:
        return False
    referrals = getattr(household, "visible_referrals", None)
    if referrals is not None:
        return any(
            r.project_id in coordinated and r.status != Referral.Status.DRAFT for r in referrals
        )
    return (
        Referral.objects.filter(household_id=household.pk, project_id__in=coordinated)
        .exclude(status=Referral.Status.DRAFT)
        .exists()
    )


def shown_vulnerabilities(*, user, household) -> list[Vulnerability]:
    """The household's vulnerabilities the user may read."""
    vulnerabilities = list(household.vulnerabilities.all())
    if can_see_special_categories(user=user, household=household):
        return vulnerabilities
    return [v for v in vulnerabilities if v.kind not in SPECIAL_CATEGORY_KINDS]


def can_edit_household(*, user, household) -> bool:
    """Referrers, workers and coordinators who see a household may correct its data."""
    return scoping.has_role(user, *FRONTLINE_ROLES)


def likely_duplicates(*, user, codice_fiscale="", first_name="", last_name="", birth_date=None):
    """People already in the network who are probably the same person.

    Returns (visible, hidden_count): the matches the user may see, and how many more
    exist that they may not — of those nothing is told but that they exist, so the user
    can ask a coordinator instead of registering the person twice."""
    from beneficiaries.models import name_key

    conditions = Q()
    if codice_fiscale:
        conditions |= Q(codice_fiscale="".join(codice_fiscale.split()).upper())
    key = name_key(first_name, last_name)
    if key and birth_date:
        conditions |= Q(name_key=key, birth_date=birth_date)
    if not conditions:
        return [], 0
    matches = Person.objects.filter(conditions)
    visible = list(
        matches.filter(household__in=visible_households(user=user)).select_related("household")
    )
    hidden_count = matches.count() - len(visible)
    return visible, hidden_count


def reference_name(household_ref):
    """The reference person's name of a household, as a subquery: one query per box of
    "La mia giornata" instead of one more to fetch every household's members."""
    return Subquery(
        Person.objects.filter(
            household_id=household_ref, relationship=Person.Relationship.REFERENCE
        )
        .annotate(full=Concat("first_name", Value(" "), "last_name", output_field=CharField()))
        .values("full")[:1],
        output_field=CharField(),
    )
