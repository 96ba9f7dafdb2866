"""The one place that decides what a user may see and do.

`access_for(user)` gives the user's `Access`: computed lazily, once per request (it hangs
on the request's user object, as healthchecks hangs the profile on the request), from the
user's active staff memberships (partners.StaffMembership) and their organisations'
participations in projects (projects.Participation); then frozen. Every rule is a named
method. Selectors build their querysets from its `*_q()` filters, services and views ask
its `may_*()` methods, and surfaces that gather several records (history, exports,
search, notifications, printouts) ask the same methods record by record. No other module
reads memberships to decide access, and none keeps its own copy of them.

An object outside the user's scope is a 404 (the selectors filter it out); a forbidden
action on an object in scope is a 403 (`Access.require`).

This module reads the models it guards (it sits beside the audit and the security log in
core, but it knows the domain's models); it imports no selector, service or view.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from beneficiaries.models import Case, CaseAssignment, Household, Referral
from partners.models import StaffMembership
from projects.models import Participation

Role = StaffMembership.Role

# Social workers and coordinators do casework: plans, diaries, documents, exits.
CASEWORK_ROLES = frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR})
# Those who register households and send referrals, and follow what they sent.
FRONTLINE_ROLES = frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MUNICIPAL_REFERRER})
# Organisations in these roles do the casework of a project, so their staff see its housing.
CASEWORK_PARTICIPATIONS = frozenset(
    {
        Participation.Role.LEAD,
        Participation.Role.OPERATIONAL_COORDINATOR,
        Participation.Role.PARTNER,
    }
)

# Who answers for the rights of a person in a household that no project has.
UNREFERRED_ROLES = frozenset({Role.COORDINATOR, Role.MUNICIPAL_REFERRER})

_ATTRIBUTE = "_abitare_access"


def _union(querysets: list, empty=None):
    """The UNION of `querysets` (one per way of seeing a row), or the one alone, or
    `empty` when there is none."""
    if not querysets:
        return empty
    return querysets[0].union(*querysets[1:]) if len(querysets) > 1 else querysets[0]


def access_for(user) -> Access:
    """The user's access, computed once for this user object (one per request)."""
    cached = getattr(user, _ATTRIBUTE, None)
    if cached is None:
        cached = Access(user)
        if getattr(user, "is_authenticated", False):
            setattr(user, _ATTRIBUTE, cached)
    return cached


def accesses_for(users) -> list[Access]:
    """The access of each of `users`, computed together in at most two queries whatever
    their number (who is told of an event): their memberships, and the projects their
    coordinating organisations coordinate. Each is kept on its user as `access_for`
    would keep it."""
    users = list(users)
    built = {id(u): getattr(u, _ATTRIBUTE) for u in users if hasattr(u, _ATTRIBUTE)}
    pending = [u for u in users if id(u) not in built]
    if pending:
        by_user = defaultdict(list)
        for membership in (
            StaffMembership.objects.filter(
                user__in=[u.pk for u in pending], is_active=True, organisation__is_active=True
            )
            .select_related("organisation")
            .order_by("organisation__name", "role")
        ):
            by_user[membership.user_id].append(membership)
        coordinating = {
            m.organisation_id for ms in by_user.values() for m in ms if m.role == Role.COORDINATOR
        }
        projects_of = defaultdict(set)
        if coordinating:
            for project_id, organisation_id in Participation.objects.filter(
                organisation_id__in=coordinating, role__in=Participation.COORDINATING_ROLES
            ).values_list("project_id", "organisation_id"):
                projects_of[organisation_id].add(project_id)
        for user in pending:
            access = Access(user)
            active = getattr(user, "is_authenticated", False) and user.is_active
            memberships = tuple(by_user.get(user.pk, ())) if active else ()
            # The two parts the cached properties would read, filled in from the batch.
            access.__dict__["memberships"] = memberships
            access.__dict__["coordinated_projects"] = frozenset(
                project_id
                for m in memberships
                if m.role == Role.COORDINATOR
                for project_id in projects_of[m.organisation_id]
            )
            built[id(user)] = access
            if active:
                setattr(user, _ATTRIBUTE, access)
    return [built[id(u)] for u in users]


def forget(user) -> None:
    """Drop the user's access (after their memberships or participations change)."""
    if hasattr(user, _ATTRIBUTE):
        delattr(user, _ATTRIBUTE)


class Access:
    """What one user may see and do. Each part is read from the database the first time
    a rule needs it and then kept for the rest of the request; nothing can be set."""

    __slots__ = ("__dict__", "user")

    def __init__(self, user):
        object.__setattr__(self, "user", user)

    def __setattr__(self, name, value):
        raise AttributeError("Access is frozen")

    # What it is computed from --------------------------------------------------------

    @cached_property
    def memberships(self) -> tuple[StaffMembership, ...]:
        user = self.user
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return ()
        return tuple(
            StaffMembership.objects.filter(user=user, is_active=True, organisation__is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "role")
        )

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def has_role(self, *wanted: str) -> bool:
        return bool(self.roles & set(wanted))

    def organisation_ids(self, roles=None) -> frozenset[int]:
        """The organisations in which the user holds one of `roles` (any role if None)."""
        return frozenset(
            m.organisation_id for m in self.memberships if roles is None or m.role in roles
        )

    @cached_property
    def casework_organisations(self) -> frozenset[int]:
        return self.organisation_ids(CASEWORK_ROLES)

    @cached_property
    def frontline_organisations(self) -> frozenset[int]:
        return self.organisation_ids(FRONTLINE_ROLES)

    @cached_property
    def coordinating_organisations(self) -> frozenset[int]:
        return self.organisation_ids({Role.COORDINATOR})

    @cached_property
    def coordinated_projects(self) -> frozenset[int]:
        """Projects whose casework the user coordinates: they are a coordinator of an
        organisation that leads (capofila) or operationally coordinates the project."""
        if not self.coordinating_organisations:
            return frozenset()
        return frozenset(
            Participation.objects.filter(
                organisation_id__in=self.coordinating_organisations,
                role__in=Participation.COORDINATING_ROLES,
            ).values_list("project_id", flat=True)
        )

    @cached_property
    def _housing_projects(self) -> tuple[frozenset[int], frozenset[int]]:
        organisations = self.organisation_ids()
        if not organisations:
            return frozenset(), frozenset()
        known, viewable = set(), set()
        for project_id, organisation_id in Participation.objects.filter(
            organisation_id__in=organisations, role__in=CASEWORK_PARTICIPATIONS
        ).values_list("project_id", "organisation_id"):
            known.add(project_id)
            if organisation_id in self.casework_organisations:
                viewable.add(project_id)
        return frozenset(known), frozenset(viewable | self.coordinated_projects)

    @property
    def known_projects(self) -> frozenset[int]:
        """Projects in which the user's organisations work (lead, operational coordinator,
        partner): their housing is known to the user (outside them a unit or a property is
        a 404). An organisation that only refers households to a project, or funds it,
        does not learn that its units exist."""
        return self._housing_projects[0]

    @property
    def housing_projects(self) -> frozenset[int]:
        """Projects whose housing (units, boards, placements) the user may see."""
        return self._housing_projects[1]

    # Who the user is in the network ---------------------------------------------------

    @property
    def in_network(self) -> bool:
        return bool(self.memberships)

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.roles

    @property
    def does_casework(self) -> bool:
        return bool(self.roles & CASEWORK_ROLES)

    @property
    def is_frontline(self) -> bool:
        return bool(self.roles & FRONTLINE_ROLES)

    # Which records: filters for the selectors ------------------------------------------

    def cases_q(self) -> Q:
        """Cases the user may see: held by their organisation (social worker or
        coordinator), of a project they coordinate, or assigned to them.

        Written as `id IN (… UNION …)`, each part answered by its own index: an `OR` of
        the organisation test and an `EXISTS` of the assignment makes PostgreSQL read
        the whole table (and JIT-compile the plan) at national size (docs/performance.md).
        """
        return Q(pk__in=self.case_values("pk"))

    def case_values(self, field: str):
        """The values of `field` (a path from Case: "pk", "project_id",
        "assignments__worker_id") over the cases the user may see, as the same UNION
        as `cases_q`: one part per way of seeing a case, each answered by its own index
        (case_holding_project, case_assignment_worker_case). What a list of cases offers
        to filter by (its projects, its workers) is read so, without joining every
        visible case (a worker's organisation holds 23,000 at national size)."""
        through_assignment = "case_id" if field == "pk" else f"case__{field}"
        parts = [CaseAssignment.objects.filter(worker_id=self.user.pk).values(through_assignment)]
        if self.casework_organisations:
            parts.append(
                Case.objects.filter(holding_organisation_id__in=self.casework_organisations).values(
                    field
                )
            )
        if self.coordinated_projects:
            parts.append(
                Case.objects.filter(project_id__in=self.coordinated_projects).values(field)
            )
        return _union(parts)

    def project_cases_q(self, project_id: int) -> Q:
        """`cases_q` within one project. Its coordinators see every case of it, so for
        them this is the project alone, with no UNION of every case they may see
        elsewhere (a coordinator's page of one project reads only that project)."""
        if project_id in self.coordinated_projects:
            return Q(project_id=project_id)
        return Q(project_id=project_id) & self.cases_q()

    def referrals_q(self) -> Q:
        """Referrals the user's organisation sent, and those (not drafts) received by a
        project they coordinate."""
        return Q(referring_organisation_id__in=self.frontline_organisations) | (
            Q(project_id__in=self.coordinated_projects) & ~Q(status=Referral.Status.DRAFT)
        )

    def referral_parts(self) -> list[Q]:
        """`referrals_q` as disjoint parts (their union is it, and no referral is in two),
        each answered by its own index (referral_sender_status, referral_project_status):
        for counting the referrals by status from the indexes alone, where the `OR`
        reads every row (77,000 of a big project at national size)."""
        parts = []
        if self.frontline_organisations:
            parts.append(Q(referring_organisation_id__in=self.frontline_organisations))
        if self.coordinated_projects:
            received = Q(project_id__in=self.coordinated_projects) & ~Q(
                status=Referral.Status.DRAFT
            )
            if self.frontline_organisations:
                received &= ~Q(referring_organisation_id__in=self.frontline_organisations)
            parts.append(received)
        return parts

    def households_q(self) -> Q:
        """Households registered by the user's organisation, or with a case or a
        referral the user may see.

        Kept as correlated `EXISTS` on purpose: the household file looks up one
        household, and then PostgreSQL checks that household's few cases; the
        `UNION` of `cases_q` would compute every visible case id first (measured: the
        household file went from 48 to 622 ms, docs/performance.md)."""
        return (
            Q(registered_by_id__in=self.frontline_organisations)
            | Q(Exists(Case.objects.filter(self.case_rows_q(), household_id=OuterRef("pk"))))
            | Q(Exists(Referral.objects.filter(self.referrals_q(), household_id=OuterRef("pk"))))
        )

    def may_see_referral(self, referral) -> bool:
        """`referrals_q` for one referral in hand, without a query (who is told of it)."""
        return referral.referring_organisation_id in self.frontline_organisations or (
            referral.project_id in self.coordinated_projects
            and referral.status != Referral.Status.DRAFT
        )

    def may_see_case(self, case, assigned_worker_ids) -> bool:
        """`cases_q` for one case in hand, given the ids of its assigned workers."""
        return (
            case.holding_organisation_id in self.casework_organisations
            or case.project_id in self.coordinated_projects
            or self.user.pk in assigned_worker_ids
        )

    def case_rows_q(self) -> Q:
        """`cases_q` as a test of each row (for correlated subqueries)."""
        return (
            Q(holding_organisation_id__in=self.casework_organisations)
            | Q(project_id__in=self.coordinated_projects)
            | Q(
                Exists(
                    CaseAssignment.objects.filter(case_id=OuterRef("pk"), worker_id=self.user.pk)
                )
            )
        )

    def notes_q(self) -> Q:
        """Diary entries the user may read: open ones, and confidential ones written by
        the user's own organisation."""
        return Q(is_confidential=False) | Q(author_organisation_id__in=self.casework_organisations)

    # The rules ------------------------------------------------------------------------

    @staticmethod
    def require(allowed: bool) -> None:
        """A forbidden action on a record the user may see: 403."""
        if not allowed:
            raise PermissionDenied

    def may_register_households(self) -> bool:
        """Referrers, workers and coordinators register households and refer them."""
        return self.is_frontline

    def may_edit_household(self, household) -> bool:
        """Referrers, workers and coordinators who see a household may correct its data."""
        return self.is_frontline

    def may_write_household(self, household) -> bool:
        """What services check before they write: the household was found through the
        scoping layer (404 first), and is checked again here with a query, so that no
        caller can write to a household its user cannot see."""
        return (
            self.may_edit_household(household)
            and Household.objects.filter(self.households_q(), pk=household.pk).exists()
        )

    def may_do_casework(self) -> bool:
        """The pathway (plan, diary, documents, exit) is casework: never a referrer's."""
        return self.does_casework

    def may_write_pathway(self, case) -> bool:
        """Plans, assessments, diary and documents are written by the social workers and
        coordinators who follow the case (the case comes from a casework selector)."""
        return self.does_casework

    def may_correct_document(self, document) -> bool:
        """Deleting a wrong upload or replacing a document by a newer version: the social
        workers and coordinators of the organisation that holds the case (who keep its
        file), and the coordinators of its project. Narrower than uploading: a worker
        of another organisation assigned to the case adds documents, but the holder
        answers for what the file keeps."""
        case = document.case
        return (
            case.holding_organisation_id in self.casework_organisations
            or case.project_id in self.coordinated_projects
        )

    def may_close(self, case) -> bool:
        """Closing a case and its follow-up belong to the workers assigned to it and to
        the coordinators of its project or of its holding organisation."""
        return (
            case.project_id in self.coordinated_projects
            or case.holding_organisation_id in self.coordinating_organisations
            or case.assignments.filter(worker_id=self.user.pk).exists()
        )

    def may_assign_workers(self, case) -> bool:
        """The project's coordinators, or the holding organisation's coordinators."""
        return (
            case.project_id in self.coordinated_projects
            or case.holding_organisation_id in self.coordinating_organisations
        )

    def _assignable_case_parts(self) -> list[Q]:
        """The ways a case is the user's to assign: of a project they coordinate, or held
        by an organisation they coordinate for (the parts whose lists are not empty)."""
        parts = []
        if self.coordinated_projects:
            parts.append(Q(project_id__in=self.coordinated_projects))
        if self.coordinating_organisations:
            parts.append(Q(holding_organisation_id__in=self.coordinating_organisations))
        return parts

    def assignable_cases_q(self) -> Q:
        """The cases of `may_assign_workers`, as a filter (the coordinators' caseloads)."""
        parts = self._assignable_case_parts()
        return functools.reduce(operator.or_, parts) if parts else Q(pk__in=[])

    def assignable_case_values(self, field: str):
        """The values of `field` (a path from Case) over the open cases of
        `assignable_cases_q`, as a UNION of its parts, each read from its own index
        (case_project_open, case_holding_project): what the caseloads page offers to
        filter by, without joining every case of a big project."""
        return _union(
            [
                Case.objects.filter(part, closed_on__isnull=True).values(field)
                for part in self._assignable_case_parts()
            ],
            empty=Case.objects.none().values(field),
        )

    def may_move_referral(self, referral, to_status: str) -> bool:
        """Sending and withdrawing belong to the referring organisation; assessing and
        deciding to the coordinators of the project."""
        if to_status in (Referral.Status.SENT, Referral.Status.WITHDRAWN):
            return referral.referring_organisation_id in self.frontline_organisations
        return referral.project_id in self.coordinated_projects

    def may_follow_referral(self, referral) -> bool:
        """The pathway of a household, as a timeline of facts (sent, decided, waiting,
        taken in charge, placed, exited, followed up), belongs to the organisation that
        referred it: its referrers, workers and coordinators. Never the diary, the plan,
        special categories or documents: the timeline holds none of them."""
        return (
            referral.referring_organisation_id in self.frontline_organisations
            and referral.status != Referral.Status.DRAFT
        )

    def may_coordinate(self, project) -> bool:
        """Evaluating referrals, the waiting list, the project's dashboard."""
        return getattr(project, "pk", project) in self.coordinated_projects

    def may_place(self, project) -> bool:
        """Placing, moving and ending belong to the project's coordinators."""
        return self.may_coordinate(project)

    def may_renew_placement(self, placement) -> bool:
        """Renewing a temporary-housing placement beyond its planned end is a decision
        of the project's coordinators, like placing."""
        return self.may_place(placement.unit.project_id)

    def may_see_reporting(self, project) -> bool:
        """The reporting owed to the Ambiti and the funders (Housing First, ETHOS,
        temporary housing, the funder's report): the project's coordinators."""
        return self.may_coordinate(project)

    def may_export_for_ambito(self, organisation) -> bool:
        """The export for the Ambito's social-services information system (SIUSS):
        the frontline staff of the referring organisation, for the households it sent."""
        return getattr(organisation, "pk", organisation) in self.frontline_organisations

    def may_see_housing(self, project) -> bool:
        return getattr(project, "pk", project) in self.housing_projects

    def may_see_dashboards(self) -> bool:
        """The dashboards and the caseloads are for coordinators."""
        return self.is_coordinator

    def may_view_history(self, household) -> bool:
        """The audit history of a household is for coordinators who may see it."""
        return self.is_coordinator

    def may_read_special(self, household) -> bool:
        """Whether the user may read the household's special categories of data (health,
        disability, domestic violence: GDPR art. 9), on the household file, in its forms,
        its history and any export.

        Those who need them to do the work: the social workers and coordinators of an
        organisation that holds (or held) a case of the household, the workers assigned
        to one, and the coordinators of a project that has a case of it or received a
        referral of it (they weigh them on the waiting list). Not municipal referrers, nor
        the staff of the organisation that registered the household, nor anyone else who
        happens to see the household. Uses the cases and referrals that the household
        file prefetched (`visible_cases`, `visible_referrals`), so it costs no query there.
        """
        if not self.in_network or household.pk is None:
            return False
        cases = getattr(household, "visible_cases", None)
        if cases is not None:
            has_case = bool(cases)
        else:
            # One household's few cases, each tested on its row.
            has_case = Case.objects.filter(self.case_rows_q(), household_id=household.pk).exists()
        if has_case:
            return True
        if not self.coordinated_projects:
            return False
        referrals = getattr(household, "visible_referrals", None)
        if referrals is not None:
            return any(
                r.project_id in self.coordinated_projects and r.status != Referral.Status.DRAFT
                for r in referrals
            )
        return (
            Referral.objects.filter(
                household_id=household.pk, project_id__in=self.coordinated_projects
            )
            .exclude(status=Referral.Status.DRAFT)
            .exists()
        )

    def may_read_note(self, note) -> bool:
        """An open diary entry, or a confidential one of the user's own organisation."""
        return (
            not note.is_confidential or note.author_organisation_id in self.casework_organisations
        )

    def may_exercise_rights(self, household) -> bool:
        """Who answers a person's requests about their data (access, portability,
        erasure) for the network: the coordinators of a project that holds a case of the
        household or received (not a draft) a referral of it. A household that no project
        has is answered for by the organisation that registered it: its coordinators and
        its municipal referrers (a municipality's social service usually has no
        coordinator in Abitare, and it is the one that registered the household)."""
        coordinated = self.coordinated_projects
        if coordinated:
            cases = getattr(household, "visible_cases", None)
            referrals = getattr(household, "visible_referrals", None)
            if cases is not None and referrals is not None:  # the household file's prefetch
                if any(c.project_id in coordinated for c in cases) or any(
                    r.project_id in coordinated and r.status != Referral.Status.DRAFT
                    for r in referrals
                ):
                    return True
            elif (
                Case.objects.filter(household=household, project_id__in=coordinated).exists()
                or Referral.objects.filter(household=household, project_id__in=coordinated)
                .exclude(status=Referral.Status.DRAFT)
                .exists()
            ):
                return True
        if household.registered_by_id not in self.organisation_ids(UNREFERRED_ROLES):
            return False
        # No project has the household: no case, and no referral beyond drafts.
        return not (
            Case.objects.filter(household=household).exists()
            or Referral.objects.filter(household=household)
            .exclude(status=Referral.Status.DRAFT)
            .exists()
        )

    # The contribution ledger (quota di compartecipazione) ---------------------------

    def contributions_q(self) -> Q:
        """Placements whose contributions the user may see (a filter on Placement): those
        of the projects they coordinate and those of cases held by their organisation,
        for its social workers and coordinators. Never a referrer's."""
        return Q(unit__project_id__in=self.coordinated_projects) | Q(
            case__holding_organisation_id__in=self.casework_organisations
        )

    def contributions_by_case_q(self) -> Q:
        """contributions_q with the holding organisation's cases as a subquery, for a
        filter over many placements that does not otherwise read their case ("La mia
        giornata"'s arrears): joined to each placement, PostgreSQL read the whole case
        table to test the organisation of a coordinator's 7,000 cases (60 of the
        box's 128 ms). Correlated to one case (the caseloads' per-project arrears),
        contributions_q's join is the faster. Held equal by
        tests/housing/test_scoping_matrix_contributions.py."""
        return Q(unit__project_id__in=self.coordinated_projects) | Q(
            case_id__in=Case.objects.filter(
                holding_organisation_id__in=self.casework_organisations
            ).values("pk")
        )

    def may_read_contributions(self, placement) -> bool:
        """Charges, payments, arrears and repayment plans of a placement: financial data,
        for the project's coordinators and the holding organisation's workers."""
        return (
            placement.unit.project_id in self.coordinated_projects
            or placement.case.holding_organisation_id in self.casework_organisations
        )

    def may_read_case_contributions(self, case) -> bool:
        """The ledger of the placements of a case, gathered on a page of the case."""
        return (
            case.project_id in self.coordinated_projects
            or case.holding_organisation_id in self.casework_organisations
        )

    def contribution_cases_q(self) -> Q:
        """`may_read_case_contributions` as a filter on Case (the ledger's events in the
        household's history): a placement's unit is of its case's project."""
        return Q(project_id__in=self.coordinated_projects) | Q(
            holding_organisation_id__in=self.casework_organisations
        )

    def may_record_payment(self, placement) -> bool:
        """Charging months, recording and reversing payments, suspensions, changes of the
        amount and repayment plans: the same people who read the ledger."""
        return self.may_read_contributions(placement)

    # The household's own view ("Il mio percorso", household_view/) ----------------

    def may_issue_household_access(self, case) -> bool:
        """Giving an adult member of the household a link to its own view of the
        pathway, and revoking it: the workers assigned to the case and the coordinators
        of its project or of its holding organisation (those who answer for the case, as
        for closing it). Never a referrer."""
        return self.does_casework and (
            case.project_id in self.coordinated_projects
            or case.holding_organisation_id in self.coordinating_organisations
            or case.assignments.filter(worker_id=self.user.pk).exists()
        )

    def may_see_household_accesses(self, case) -> bool:
        """Who has access to the household's view, and what the household wrote: the
        casework staff who may open the case's pathway (the case comes from a casework
        selector)."""
        return self.does_casework

    # Appointments (issue 18 A) --------------------------------------------------------

    def may_manage_appointments(self, case) -> bool:
        """Seeing, planning, changing and recording the appointments of a case: the
        same people who write its diary (the case comes from a casework selector)."""
        return self.may_write_pathway(case)

    def may_see_project_week(self, project) -> bool:
        """The week of a project's appointments (who is where): its coordinators."""
        return self.may_coordinate(project)

    def may_have_calendar(self) -> bool:
        """A week and a private calendar feed: whoever does casework."""
        return self.does_casework
