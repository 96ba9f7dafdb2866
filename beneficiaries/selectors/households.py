"""Reads of personal data: households, people, referrals, cases.

Every view reads households and what hangs from them through these functions, which
return only what the user may see, as the access object (core/access.py) decides:

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

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from beneficiaries.models import (
    SPECIAL_CATEGORY_KINDS,
    Case,
    Consent,
    Household,
    Person,
    Referral,
    Vulnerability,
    WaitingListEntry,
    name_key,
)
from core.access import access_for
from core.models import AuditEvent
from core.shortcuts import get_or_404
from partners.models import Organisation
from projects.models import Participation


def visible_cases(*, user, project=None) -> QuerySet[Case]:
    """The cases the user may see; with `project`, only that project's (read without
    the network-wide set when the user coordinates it)."""
    access = access_for(user)
    if not access.in_network:
        return Case.objects.none()
    if project is not None:
        return Case.objects.filter(access.project_cases_q(project.pk))
    return Case.objects.filter(access.cases_q())


def visible_case_values(*, user, field: str) -> QuerySet:
    """The values of `field` over the cases the user may see (`Access.case_values`):
    for `pk__in`, as the choices a list of cases offers to filter by."""
    access = access_for(user)
    if not access.in_network:
        return Case.objects.none().values(field)
    return access.case_values(field)


def visible_case_rows(*, user) -> QuerySet[Case]:
    """`visible_cases` tested row by row: for looking up one case by its key (a page of a
    case), where the set of every visible case would cost more than the case."""
    access = access_for(user)
    if not access.in_network:
        return Case.objects.none()
    return Case.objects.filter(access.case_rows_q())


def visible_case_q(*, user, field: str = "case") -> Q:
    """A filter on rows that point to a case (`field`): those whose case the user may
    see, tested row by row (`Access.case_rows_q`). For reads keyed by a household or a
    case, where the rows are few: `visible_cases` would first compute every case the
    user may see (at national size, tens of thousands for a coordinator)."""
    access = access_for(user)
    if not access.in_network:
        return Q(pk__in=[])
    return Q(Exists(Case.objects.filter(access.case_rows_q(), pk=OuterRef(f"{field}_id"))))


def visible_referrals(*, user) -> QuerySet[Referral]:
    access = access_for(user)
    if not access.in_network:
        return Referral.objects.none()
    return Referral.objects.filter(access.referrals_q())


def visible_households(*, user) -> QuerySet[Household]:
    access = access_for(user)
    if not access.in_network:
        return Household.objects.none()
    return Household.objects.filter(access.households_q())


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
                # Row by row: the prefetch reads one household's cases (the UNION of
                # cases_q would first list every case the user may see).
                queryset=Case.objects.filter(access_for(user).case_rows_q())
                .select_related("project", "holding_organisation")
                .prefetch_related("workers")
                .order_by("closed_on", "-opened_on"),
                to_attr="visible_cases",
            ),
        )
    )
    return get_or_404(queryset, public_id=public_id)


def household_consents_queryset():
    return Consent.objects.select_related("given_by", "recorded_by").prefetch_related(
        "organisations"
    )


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


def shown_vulnerabilities(*, user, household) -> list[Vulnerability]:
    """The household's vulnerabilities the user may read."""
    vulnerabilities = list(household.vulnerabilities.all())
    if access_for(user).may_read_special(household):
        return vulnerabilities
    return [v for v in vulnerabilities if v.kind not in SPECIAL_CATEGORY_KINDS]


def likely_duplicates(*, user, codice_fiscale="", first_name="", last_name="", birth_date=None):
    """People already in the network who are probably the same person.

    Returns (visible, hidden_count): the matches the user may see, and how many more
    exist that they may not — of those nothing is told but that they exist, so the user
    can ask a coordinator instead of registering the person twice."""
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


def history_of(*, user, household) -> QuerySet:
    """The audit events of a household that the user may read: an event about a record of
    a case only if the user may open that case's pages; special categories only for who
    may read them on the household file; confidential diary notes only for the staff of
    the organisation that wrote them; the contribution ledger only for who may read the
    contributions of its case. The same rules as the record pages, on columns the audit
    trail fills in as it is written."""
    access = access_for(user)
    events = AuditEvent.objects.filter(household=household).select_related("actor")
    if not access.may_read_special(household):
        events = events.filter(special_category=False)
    events = events.filter(
        Q(confidential_organisation__isnull=True)
        | Q(confidential_organisation_id__in=access.casework_organisations)
    )
    # The household's events name few cases: each is tested on its row (visible_case_q),
    # never against every case the user may see.
    events = events.filter(
        Q(case__isnull=True)
        | (visible_case_q(user=user) if access.may_do_casework() else Q(pk__in=[]))
    )
    # Financial data is narrower than the case: a worker of another organisation assigned
    # to it sees the placement, not its charges and payments. A ledger event that lost
    # its case is shown to nobody.
    events = events.filter(
        Q(financial=False)
        | Q(Exists(Case.objects.filter(access.contribution_cases_q(), pk=OuterRef("case_id"))))
    )
    # A referral, and its place on a waiting list, only for who may open the referral:
    # a coordinator of another project reads none of the household's referrals elsewhere.
    hidden_referrals = Referral.objects.filter(household=household)
    if access.in_network:
        hidden_referrals = hidden_referrals.exclude(access.referrals_q())
    as_text = Cast("pk", output_field=CharField())
    events = events.exclude(
        model_label=Referral._meta.label,
        object_id__in=hidden_referrals.annotate(key=as_text).values("key"),
    ).exclude(
        model_label=WaitingListEntry._meta.label,
        object_id__in=WaitingListEntry.objects.filter(referral__in=hidden_referrals)
        .annotate(key=as_text)
        .values("key"),
    )
    return events.order_by("-at", "-id")


# Consent: what a project needs, and what is lapsed --------------------------------------


def valid_consents_q(day: datetime.date) -> Q:
    """Consents in force on `day`: started, not expired, not withdrawn."""
    return (
        Q(given_on__lte=day)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    )


@dataclass(frozen=True)
class ConsentGap:
    """A purpose the household has no valid consent for, with the organisations it
    does not cover (empty: no consent for the purpose at all)."""

    purpose: str
    organisations: tuple

    @property
    def purpose_label(self) -> str:
        return str(Consent.Purpose(self.purpose).label)

    @property
    def organisation_names(self) -> str:
        return ", ".join(o.display_name for o in self.organisations)


def consent_organisations(*, project, holding_organisation=None) -> list[Organisation]:
    """The organisations a household's consent must name for a project: those that
    lead or coordinate it (they evaluate the referral and run the waiting list) and,
    once a case is opened, the organisation that holds it."""
    organisations = list(
        Organisation.objects.filter(
            participations__project=project,
            participations__role__in=Participation.COORDINATING_ROLES,
        )
        .distinct()
        .order_by("name")
    )
    if holding_organisation is not None and holding_organisation not in organisations:
        organisations.append(holding_organisation)
    return organisations


def consent_gaps(
    *, household, project, holding_organisation=None, on: datetime.date | None = None
) -> list[ConsentGap]:
    """What is missing for the household's data to be processed in `project`: for each
    purpose the project needs (case management, and what the project adds), the
    organisations that no consent (or other legal basis) in force covers. Empty: all
    is in order. Three queries whatever the number of consents."""
    on = on or timezone.localdate()
    purposes = project.consent_purposes
    needed = consent_organisations(project=project, holding_organisation=holding_organisation)
    valid = Consent.objects.filter(valid_consents_q(on), household=household, purpose__in=purposes)
    covered: dict[str, set[int]] = {purpose: set() for purpose in purposes}
    for purpose, organisation_id in Consent.organisations.through.objects.filter(
        consent__in=valid
    ).values_list("consent__purpose", "organisation_id"):
        covered[purpose].add(organisation_id)
    gaps = []
    for purpose in purposes:
        if not covered[purpose]:
            gaps.append(ConsentGap(purpose, tuple(needed)))
            continue
        missing = tuple(o for o in needed if o.pk not in covered[purpose])
        if missing:
            gaps.append(ConsentGap(purpose, missing))
    return gaps


def lapsed_consents(consents, today: datetime.date) -> list[Consent]:
    """Of a household's consents (newest first within each purpose, as the model
    orders them), the purposes whose most recent consent is withdrawn or expired."""
    lapsed, seen = [], set()
    for consent in sorted(consents, key=lambda c: (c.purpose, -c.given_on.toordinal())):
        if consent.purpose in seen:
            continue
        seen.add(consent.purpose)
        if consent.is_lapsed(today):
            lapsed.append(consent)
    return lapsed


def consent_alerts_for(*, household, today: datetime.date | None = None) -> list[Consent]:
    """The lapsed consents of a household that the case and plan pages show (whoever
    sees the page sees the household): one query."""
    today = today or timezone.localdate()
    return lapsed_consents(Consent.objects.filter(household=household), today)
