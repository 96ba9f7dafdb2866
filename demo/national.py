"""The national data set: a whole network at the scale of a region or of Italy (issue 14).

`generate_national(households=100_000, seed=1)` adds to the real network (load_network)
fictional cooperatives, municipalities, districts and projects, big and small (one takes
about a fifth of all households), their staff (coordinators, municipal referrers and
social workers whose caseloads run from a few dozen to several hundred cases), and ten
years of pathways: households referred again and again, accepted, declined, withdrawn or
still pending, waiting for a unit, placed, leaving with a destination, followed up;
plans with goals and reviews, autonomy assessments, diaries short and long (a few cases
have hundreds of entries), some group activities shared by several households.

The shape at 100,000 households is about 255,000 people, 20,000 units, 280,000
placements, 318,000 cases and 2,000,000 diary entries; every figure scales with
`households`. The same seed gives the same data set (names, dates, public ids).

Speed: the pathways are simulated in memory, then every big table is written in one
pass with ids assigned here, through PostgreSQL's COPY (or batched executemany on
SQLite), and the sequences are moved past them at the end. It therefore assumes that
nobody else writes to the database while it runs: a development command.
"""

from __future__ import annotations

import datetime
import heapq
import json
import math
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from beneficiaries import autonomy
from beneficiaries.models import (
    AutonomyAssessment,
    AutonomyScore,
    Case,
    CaseAssignment,
    CaseExit,
    CaseNote,
    FollowUp,
    Goal,
    Household,
    LifeDomain,
    Person,
    Referral,
    Review,
    SupportPlan,
    WaitingListEntry,
    name_key,
)
from beneficiaries.services import pathway as pathway_services
from core.dates import add_months
from demo.benchmark import EXIT_REASONS, EXITS
from housing import ledger
from housing.models import (
    ContributionCharge,
    HousingUnit,
    Payment,
    Placement,
    PlaceOccupancy,
    Property,
)
from partners.models import Organisation, OrganisationMembership, StaffMembership
from partners.services import network_load
from projects.models import Participation, Project
from users.models import User

SLUG_PREFIX = "naz-"
YEARS = 10
CHUNK = 20_000

FIRST_NAMES_F = (
    "Amina", "Giulia", "Fatou", "Elena", "Sara", "Olena", "Maria", "Nadia", "Chiara",
    "Aisha", "Francesca", "Ioana", "Laura", "Mariam", "Sofia", "Grace", "Anna", "Leila",
)  # fmt: skip
FIRST_NAMES_M = (
    "Luca", "Omar", "Ivan", "Marco", "Samuel", "Karim", "Paolo", "Ahmed", "Giorgio",
    "Mamadou", "Andrea", "Bogdan", "Youssef", "Matteo", "Kofi", "Davide", "Ali", "Stefano",
)  # fmt: skip
LAST_NAMES = (
    "Rossi", "Bianchi", "Diallo", "Popescu", "Esposito", "Kovalenko", "Romano", "Traoré",
    "Colombo", "El Amrani", "Ricci", "Nguyen", "Marino", "Hossain", "Greco", "Mensah",
    "Bruno", "Shehu", "Gallo", "Costa", "Fontana", "Okafor", "Conti", "Ferrari",
)  # fmt: skip
TOWNS = ("Monza", "Desio", "Vimercate", "Seregno", "Lissone", "Cantù", "Lecco", "Bergamo")


# Writing rows fast ---------------------------------------------------------------------


class Table:
    """Rows of one model written with explicit ids: `add(values)` takes the values of
    `fields` (in that order) and returns the new row's id. Fields not named get their
    default (auto_now fields: now); unique fields must be named."""

    def __init__(self, writer: Writer, model, fields: Iterable[str], *, has_id: bool = True):
        self.writer, self.model, self.has_id = writer, model, has_id
        self.count = 0
        concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
        named = {name: i for i, name in enumerate(fields)}
        self.columns = (["id"] if has_id else []) + [f.column for f in concrete]
        now = timezone.now()
        self.template, self.slots, self.converters = [], [], []
        for field in concrete:
            name = field.attname if field.attname in named else field.name
            if name in named:
                self.slots.append(named[name])
                self.template.append(None)
            else:
                if field.unique and not field.null:
                    raise ValueError(f"{model.__name__}.{field.name} is unique: name it")
                default = (
                    now
                    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                    else field.get_default()
                )
                self.slots.append(None)
                self.template.append(default)
            self.converters.append(writer.converter(field))
        self.next_id = writer.next_id(model) if has_id else 0
        self.rows: list[tuple] = []

    def add(self, *values) -> int:
        row = []
        if self.has_id:
            new_id = self.next_id
            self.next_id += 1
            row.append(new_id)
        else:
            new_id = 0
        for slot, default, convert in zip(self.slots, self.template, self.converters, strict=True):
            value = default if slot is None else values[slot]
            row.append(value if value is None or convert is None else convert(value))
        self.rows.append(tuple(row))
        self.count += 1
        if len(self.rows) >= CHUNK:
            self.flush()
        return new_id

    def flush(self) -> None:
        if self.rows:
            self.writer.write(self.model._meta.db_table, self.columns, self.rows)
            self.rows = []


class Writer:
    """COPY on PostgreSQL, executemany elsewhere; sequences reset at the end."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.tables: list[Table] = []

    def table(self, model, fields, *, has_id: bool = True) -> Table:
        table = Table(self, model, fields, has_id=has_id)
        self.tables.append(table)
        return table

    def converter(self, field) -> Callable | None:
        if field.get_internal_type() == "JSONField":
            # As text on both databases (COPY would take a list for an array).
            return lambda value: json.dumps(value, cls=DjangoJSONEncoder)
        if self.postgres:
            return None  # psycopg adapts dates, uuids, decimals and booleans itself
        internal = field.get_internal_type()
        if internal == "DateField":
            return datetime.date.isoformat
        if internal == "DateTimeField":
            return lambda value: connection.ops.adapt_datetimefield_value(value)
        if internal == "UUIDField":
            return lambda value: value.hex
        if internal == "BooleanField":
            return int
        if internal == "DecimalField":
            return str
        return None

    def next_id(self, model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            return cursor.fetchone()[0] + 1

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608

    def finish(self) -> None:
        for table in self.tables:
            table.flush()
        sql = connection.ops.sequence_reset_sql(
            no_style(), [t.model for t in self.tables if t.has_id]
        )
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


# The network --------------------------------------------------------------------------


def _weights_zipf(n: int, big_share: float) -> list[float]:
    """One project with `big_share` of the households, the rest on a Zipf curve."""
    rest = [1 / (i + 1) for i in range(n - 1)]
    total = sum(rest)
    return [big_share] + [(1 - big_share) * w / total for w in rest]


def _build_network(rng: random.Random, households: int, today: datetime.date) -> dict:
    network_load()
    n_coops = max(3, households // 2000)
    n_municipalities = max(6, households // 500)
    n_districts = max(2, households // 5000)
    n_projects = max(3, households // 2500)

    def orgs(kind, label, n):
        return Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"{label} {i} (nazionale)",
                    slug=f"{SLUG_PREFIX}{kind}-{i}",
                    kind=kind,
                    town=rng.choice(TOWNS) if kind == Organisation.Kind.MUNICIPALITY else "",
                )
                for i in range(1, n + 1)
            ],
            batch_size=1000,
        )

    Kind = Organisation.Kind
    coops = orgs(Kind.SOCIAL_COOPERATIVE, "Cooperativa sociale Esempio", n_coops)
    municipalities = orgs(Kind.MUNICIPALITY, "Comune di Prova", n_municipalities)
    districts = orgs(Kind.TERRITORIAL_DISTRICT, "Ambito territoriale Prova", n_districts)
    OrganisationMembership.objects.bulk_create(
        [
            OrganisationMembership(member=m, parent=districts[i % n_districts])
            for i, m in enumerate(municipalities)
        ],
        batch_size=1000,
    )

    kinds = list(Project.Kind.values)
    projects = Project.objects.bulk_create(
        [
            Project(
                name=f"Progetto nazionale {i}" + (" (grande)" if i == 1 else ""),
                slug=f"{SLUG_PREFIX}progetto-{i}",
                kind=Project.Kind.TEMPORARY_HOUSING if i == 1 else rng.choice(kinds),
                max_stay_months=rng.choice((12, 18, 24, None)),
            )
            for i in range(1, n_projects + 1)
        ]
    )
    participations = []
    for project in projects:
        lead, *partners = rng.sample(coops, min(len(coops), rng.randint(1, 4)))
        participations.append(Participation(project=project, organisation=lead, role="lead"))
        participations += [
            Participation(project=project, organisation=p, role="partner") for p in partners
        ]
        referrers = rng.sample(municipalities, min(len(municipalities), rng.randint(3, 12)))
        participations += [
            Participation(project=project, organisation=m, role="referring_body") for m in referrers
        ]
    Participation.objects.bulk_create(participations, batch_size=1000)

    # Every project, the real ones too (with a small share of the households).
    all_projects = list(Project.objects.order_by("pk"))
    casework, referring = defaultdict(list), defaultdict(list)
    for part in Participation.objects.select_related("organisation"):
        if part.role in ("lead", "operational_coordinator", "partner"):
            casework[part.project_id].append(part.organisation_id)
        elif part.organisation.kind == Kind.MUNICIPALITY or part.role == "referring_body":
            referring[part.project_id].append(part.organisation_id)
    usable = [p for p in all_projects if casework[p.pk]]
    ours = [p for p in usable if p.slug.startswith(SLUG_PREFIX)]
    real = [p for p in usable if not p.slug.startswith(SLUG_PREFIX)]
    weights = dict(zip([p.pk for p in ours], _weights_zipf(len(ours), 0.2), strict=True))
    for p in real:
        weights[p.pk] = 0.005
    for p in usable:
        referring[p.pk] = referring[p.pk] or casework[p.pk]
    return {
        "projects": usable,
        "weights": [weights[p.pk] for p in usable],
        "casework": casework,
        "referring": referring,
        "coops": coops,
        "municipalities": municipalities,
    }


def _build_staff(rng, net, cases_by_org: Counter) -> dict:
    """Coordinators of every lead, a referrer per referring municipality, and social
    workers for each casework organisation in proportion to its cases, each with a
    weight (log-uniform between 30 and 900) that makes caseloads uneven."""
    users, memberships = [], []
    Role = StaffMembership.Role
    leads = {
        org_id
        for org_id, role in Participation.objects.filter(
            role__in=Participation.COORDINATING_ROLES
        ).values_list("organisation_id", "role")
    }
    for org_id in sorted(leads):
        for i in (1, 2):
            users.append(
                User(
                    username=f"{SLUG_PREFIX}coord-{org_id}-{i}",
                    first_name="Coordinatrice",
                    last_name=f"Prova {org_id}-{i}",
                )
            )
            memberships.append((len(users) - 1, org_id, Role.COORDINATOR))
    referring = sorted({o for orgs in net["referring"].values() for o in orgs})
    for org_id in referring:
        users.append(
            User(
                username=f"{SLUG_PREFIX}invio-{org_id}",
                first_name="Assistente",
                last_name=f"Sociale {org_id}",
            )
        )
        memberships.append((len(users) - 1, org_id, Role.MUNICIPAL_REFERRER))
    workers_of: dict[int, list[tuple[int, float]]] = {}
    worker_index = []
    for org_id, cases in sorted(cases_by_org.items()):
        n = max(1, math.ceil(cases / 250))
        rows = []
        for i in range(n):
            users.append(
                User(
                    username=f"{SLUG_PREFIX}op-{org_id}-{i}",
                    first_name=rng.choice(FIRST_NAMES_F + FIRST_NAMES_M),
                    last_name=rng.choice(LAST_NAMES),
                )
            )
            memberships.append((len(users) - 1, org_id, Role.SOCIAL_WORKER))
            rows.append((len(users) - 1, math.exp(rng.uniform(math.log(30), math.log(900)))))
        workers_of[org_id] = rows
        worker_index.extend(r[0] for r in rows)
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users, batch_size=1000)
    StaffMembership.objects.bulk_create(
        [StaffMembership(user=users[i], organisation_id=o, role=r) for i, o, r in memberships],
        batch_size=1000,
    )
    return {
        org: ([users[i].pk for i, _ in rows], [w for _, w in rows])
        for org, rows in workers_of.items()
    }


# The pathways --------------------------------------------------------------------------


def generate_national(
    *, households: int = 100_000, seed: int = 1, today: datetime.date | None = None, log=None
) -> dict:
    """Write the national data set; returns the number of rows of each kind."""
    log = log or (lambda message: None)
    rng = random.Random(seed)  # noqa: S311 - fictional data, not secrets
    today = today or timezone.localdate()
    start_of_data = today - datetime.timedelta(days=YEARS * 365)

    def days(low, high):
        return datetime.timedelta(days=rng.randint(low, high))

    def new_uuid():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def noon(d):
        return timezone.make_aware(datetime.datetime.combine(d, datetime.time(11)))

    net = _build_network(rng, households, today)
    projects = net["projects"]
    log(f"Rete: {len(projects)} progetti, {len(net['coops'])} cooperative di prova.")
    w = Writer()

    # Places: about one unit every five households, in proportion to each project.
    T_property = w.table(Property, ["name", "address", "town", "owner", "managing_organisation_id"])
    T_unit = w.table(HousingUnit, ["property_id", "project_id", "name", "kind", "capacity"])
    unit_total = max(len(projects), households // 5)
    free: dict[tuple[int, int], list] = defaultdict(list)  # (project, capacity) -> heap
    capacity_of_unit = {}
    for index, project in enumerate(projects):
        share = net["weights"][index] / sum(net["weights"])
        # The big project has fewer places than it has households: a long waiting list.
        n_units = max(2, round(unit_total * share * (0.45 if index == 0 else 1.05)))
        manager = net["casework"][project.pk][0]
        property_id = None
        for u in range(n_units):
            if u % 12 == 0:
                property_id = T_property.add(
                    f"Stabile {project.pk}-{u // 12}",
                    f"Via della Prova {project.pk}/{u // 12}",
                    rng.choice(TOWNS),
                    "Comune",
                    manager,
                )
            capacity = rng.choice((2, 3, 4, 4, 5, 6))
            unit_id = T_unit.add(
                property_id, project.pk, f"Alloggio {u + 1}", "apartment", capacity
            )
            capacity_of_unit[unit_id] = capacity
            heapq.heappush(free[project.pk, capacity], (start_of_data, unit_id))
    T_property.flush()
    T_unit.flush()

    # Households and people.
    T_household = w.table(Household, ["public_id", "registered_by_id", "living_situation"])
    T_person = w.table(
        Person,
        ["public_id", "household_id", "relationship", "first_name", "last_name",
         "birth_date", "sex", "name_key"],
    )  # fmt: skip
    members: dict[int, list[int]] = {}
    home: dict[int, int] = {}
    situations = Household.LivingSituation.values
    for _ in range(households):
        p = rng.choices(range(len(projects)), weights=net["weights"])[0]
        project = projects[p]
        hh = T_household.add(
            new_uuid(), rng.choice(net["referring"][project.pk]), rng.choice(situations)
        )
        home[hh] = p
        size = rng.choices((1, 2, 3, 4, 5), weights=(30, 20, 25, 15, 10))[0]
        woman = rng.random() < 0.6
        last = rng.choice(LAST_NAMES)
        people = []
        for position in range(size):
            if position == 0:
                relationship, female, born = "reference", woman, today - days(7300, 23725)
            elif position == 1 and size > 2 and rng.random() < 0.5:
                relationship, female, born = "partner", not woman, today - days(7300, 23725)
            else:
                relationship, female, born = "child", rng.random() < 0.5, today - days(365, 6200)
            first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
            people.append(
                T_person.add(
                    new_uuid(),
                    hh,
                    relationship,
                    first,
                    last,
                    born,
                    "F" if female else "M",
                    name_key(first, last),
                )  # fmt: skip
            )
        members[hh] = people
    T_household.flush()
    T_person.flush()
    log(f"{T_household.count} nuclei, {T_person.count} persone, {T_unit.count} alloggi.")

    # Ten years of referrals, simulated in the order they happen, so that the units of
    # each project are taken first come, first served and never by two at once.
    events = [(start_of_data + days(0, YEARS * 365 - 20), hh) for hh in members]
    heapq.heapify(events)
    S = Referral.Status
    referrals, cases = [], []  # plain tuples, written below
    cases_by_org = Counter()
    while events:
        sent, hh = heapq.heappop(events)
        p = (
            home[hh]
            if rng.random() < 0.75
            else rng.choices(range(len(projects)), weights=net["weights"])[0]
        )
        project = projects[p]
        referrer = rng.choice(net["referring"][project.pk])
        recent = (today - sent).days
        if recent < 20:
            status = rng.choice((S.DRAFT, S.SENT, S.UNDER_ASSESSMENT))
        else:
            status = rng.choices((S.ACCEPTED, S.DECLINED, S.WITHDRAWN), weights=(85, 11, 4))[0]
        decided = sent + days(3, 15) if status in (S.ACCEPTED, S.DECLINED) else None
        referral = len(referrals)
        referrals.append((hh, project.pk, referrer, status, sent, decided))
        if status != S.ACCEPTED:
            if status in (S.DECLINED, S.WITHDRAWN) and rng.random() < 0.6:
                nxt = sent + days(30, 400)
                if nxt < today - datetime.timedelta(days=1):
                    heapq.heappush(events, (nxt, hh))
            continue
        opened = min(today, decided + days(0, 10))
        holder = rng.choice(net["casework"][project.pk])
        cases_by_org[holder] += 1
        case = {
            "hh": hh, "project": project.pk, "referral": referral, "holder": holder,
            "opened": opened, "closed": None, "placement": None, "exit": None,
            "waiting": False,
        }  # fmt: skip
        cases.append(case)
        size = len(members[hh])
        end_of_case = None
        if rng.random() < 0.92:
            fitting = [c for c in range(size, 7) if free.get((project.pk, c))]
            wanted = opened + days(3, 40)
            if fitting:
                capacity = min(fitting, key=lambda c: free[project.pk, c][0])
                free_from, unit = heapq.heappop(free[project.pk, capacity])
                start = max(wanted, free_from)
                if start > today:
                    heapq.heappush(free[project.pk, capacity], (free_from, unit))
                    case["waiting"] = True
                else:
                    length = int(rng.triangular(30, 420, 120))
                    end = start + datetime.timedelta(days=length)
                    if end >= today:
                        case["placement"] = (unit, start, None)
                        heapq.heappush(free[project.pk, capacity], (datetime.date.max, unit))
                    else:
                        case["placement"] = (unit, start, end)
                        heapq.heappush(free[project.pk, capacity], (end + days(1, 15), unit))
                        end_of_case = end
            else:
                case["waiting"] = True
        else:
            end = opened + days(60, 500)
            if end < today:
                end_of_case = end
        if end_of_case is not None:
            closed = min(today, end_of_case + days(0, 10))
            case["closed"] = closed
            if rng.random() < 0.92:
                nxt = closed + days(15, 200)
                if nxt < today - datetime.timedelta(days=1):
                    heapq.heappush(events, (nxt, hh))
    log(f"Simulati {len(referrals)} invii e {len(cases)} prese in carico.")

    workers = _build_staff(rng, net, cases_by_org)

    T_referral = w.table(
        Referral,
        ["public_id", "household_id", "project_id", "referring_organisation_id", "reason",
         "urgency", "status", "sent_at", "decided_at", "decision_notes"],
    )  # fmt: skip
    urgencies = Referral.Urgency.values
    referral_ids = []
    for hh, project_id, referrer, status, sent, decided in referrals:
        referral_ids.append(
            T_referral.add(
                new_uuid(),
                hh,
                project_id,
                referrer,
                "Emergenza abitativa (dati di prova).",
                rng.choice(urgencies),
                status,
                None if status == S.DRAFT else noon(sent),
                noon(decided) if decided else None,
                "Requisiti non soddisfatti." if status == S.DECLINED else "",
            )  # fmt: skip
        )
    T_referral.flush()

    T_case = w.table(
        Case,
        ["public_id", "household_id", "project_id", "referral_id", "holding_organisation_id",
         "opened_on", "closed_on"],
    )  # fmt: skip
    T_assign = w.table(CaseAssignment, ["case_id", "worker_id", "assigned_on"])
    T_wait = w.table(WaitingListEntry, ["referral_id", "project_id", "household_id", "added_on"])
    T_placement = w.table(
        Placement,
        ["public_id", "household_id", "case_id", "unit_id", "start_date", "end_date",
         "exit_reason", "destination", "agreement_signed_on", "monthly_contribution"],
    )  # fmt: skip
    T_charge = w.table(
        ContributionCharge,
        ["placement_id", "month", "amount", "days_charged", "days_in_month", "due_on"],
    )
    T_payment = w.table(Payment, ["placement_id", "paid_on", "amount", "method", "receipt_number"])
    T_members = w.table(Placement.members.through, ["placement_id", "person_id"])
    T_occupancy = w.table(
        PlaceOccupancy, ["unit_id", "slot", "placement_id", "person_id", "start_date", "end_date"]
    )
    T_exit = w.table(
        CaseExit, ["case_id", "closed_on", "reason", "destination", "autonomy_reached"]
    )
    T_follow = w.table(
        FollowUp,
        ["case_id", "months_after_exit", "due_on", "done_on", "still_housed",
         "housing_situation"],
    )  # fmt: skip
    T_plan = w.table(SupportPlan, ["case_id", "agreed_on"])
    T_goal = w.table(Goal, ["plan_id", "domain", "description", "status", "closed_on"])
    T_review = w.table(Review, ["plan_id", "scheduled_on", "held_on", "outcome"])
    T_assessment = w.table(AutonomyAssessment, ["case_id", "moment", "taken_on"])
    T_score = w.table(AutonomyScore, ["assessment_id", "domain", "level"])
    T_note = w.table(
        CaseNote,
        ["case_id", "happened_on", "kind", "duration_minutes", "text", "is_confidential",
         "author_id", "author_organisation_id"],
    )  # fmt: skip
    T_note_households = w.table(CaseNote.households.through, ["casenote_id", "household_id"])

    destinations = [d for d, _ in EXITS]
    destination_weights = [weight for _, weight in EXITS]
    domains = LifeDomain.values
    autonomy_domains = [d.value for d in autonomy.DOMAINS]
    note_kinds = CaseNote.Kind.values
    household_ids = list(members)
    for case in cases:
        hh, until = case["hh"], case["closed"] or today
        case_id = T_case.add(
            new_uuid(), hh, case["project"], referral_ids[case["referral"]], case["holder"],
            case["opened"], case["closed"],
        )  # fmt: skip
        pool, weights = workers[case["holder"]]
        assigned = []
        if rng.random() < 0.95:
            assigned = list({rng.choices(pool, weights=weights)[0] for _ in range(
                2 if rng.random() < 0.1 else 1)})  # fmt: skip
            for worker in assigned:
                T_assign.add(case_id, worker, case["opened"])
        if case["waiting"] and case["closed"] is None:
            T_wait.add(referral_ids[case["referral"]], case["project"], hh, case["opened"])
        exit_reason = rng.choice(EXIT_REASONS)
        destination = rng.choices(destinations, weights=destination_weights)[0]
        if case["placement"]:
            unit, start, end = case["placement"]
            # Six households in ten pay a contribution (quota di compartecipazione).
            monthly = Decimal(rng.choice(CONTRIBUTIONS)) if rng.random() < 0.6 else Decimal(0)
            placement_id = T_placement.add(
                new_uuid(), hh, case_id, unit, start, end,
                exit_reason[0] if end else "", destination if end else "", start, monthly,
            )  # fmt: skip
            for slot, person in enumerate(members[hh], start=1):
                T_members.add(placement_id, person)
                T_occupancy.add(unit, slot, placement_id, person, start, end)
            if monthly:
                _ledger(rng, T_charge, T_payment, placement_id, start, end, monthly, today)
        if case["closed"]:
            T_exit.add(
                case_id, case["closed"], exit_reason[1], destination,
                rng.choice(("yes", "partly", "no")),
            )  # fmt: skip
            if (today - case["closed"]).days < 3 * 365:
                for months in (3, 6, 12):
                    due = case["closed"] + datetime.timedelta(days=30 * months)
                    done = due + days(0, 14)
                    if done < today and rng.random() < 0.9:
                        housed = rng.choices(("yes", "no", "unknown"), weights=(75, 15, 10))[0]
                        T_follow.add(
                            case_id, months, due, done, housed,
                            "own_rented_home" if housed == "yes" else "",
                        )  # fmt: skip
                    else:
                        T_follow.add(case_id, months, due, None, "", "")
        # The plan, its goals and reviews.
        agreed = min(until, case["opened"] + days(7, 30))
        plan_id = T_plan.add(case_id, agreed)
        for _ in range(rng.randint(1, 3)):
            closed_on = agreed + days(30, 400)
            if closed_on <= until and (case["closed"] or rng.random() < 0.4):
                status = rng.choices(("achieved", "partly_achieved", "abandoned"), (5, 3, 2))[0]
            else:
                status, closed_on = "open", None
            T_goal.add(plan_id, rng.choice(domains), "Obiettivo di prova", status, closed_on)
        review_day = agreed + datetime.timedelta(days=91)
        held = 0
        while review_day <= until and held < 4:
            T_review.add(plan_id, review_day, review_day, "Fatta.")
            review_day += datetime.timedelta(days=91)
            held += 1
        if case["closed"] is None:
            late = rng.random() < 0.1
            T_review.add(plan_id, today - days(1, 40) if late else max(review_day, today), None, "")
        # Autonomy at entry (and at exit) for a quarter of the cases.
        if rng.random() < 0.25:
            entry = {d: rng.randint(1, 3) for d in autonomy_domains}
            assessment = T_assessment.add(case_id, "entry", case["opened"])
            for d, level in entry.items():
                T_score.add(assessment, d, level)
            if case["closed"] and rng.random() < 0.8:
                assessment = T_assessment.add(case_id, "exit", case["closed"])
                for d, level in entry.items():
                    T_score.add(assessment, d, max(1, min(5, level + rng.randint(-1, 2))))
        # The diary: mostly short, some long, a few very long.
        roll = rng.random()
        if roll < 0.001:
            n_notes = rng.randint(400, 900)
        elif roll < 0.03:
            n_notes = rng.randint(10, 60)
        else:
            n_notes = rng.randint(0, 10)
        span = max(0, (until - case["opened"]).days)
        author = assigned[0] if assigned else None
        for _ in range(n_notes):
            kind = rng.choice(note_kinds)
            note_id = T_note.add(
                case_id, case["opened"] + datetime.timedelta(days=rng.randint(0, span)), kind,
                rng.choice((15, 30, 45, 60, 90)), "Nota di prova.", rng.random() < 0.05,
                author, case["holder"],
            )  # fmt: skip
            if kind in CaseNote.GROUP_KINDS and rng.random() < 0.05:
                for other in rng.sample(household_ids, 2):
                    if other != hh:
                        T_note_households.add(note_id, other)
    w.finish()
    # Every case's last contact, from the diaries just written (one UPDATE).
    pathway_services.refresh_last_contact()
    log("Ultimo contatto di ogni presa in carico scritto.")
    counts = {
        "nuclei": T_household.count,
        "persone": T_person.count,
        "alloggi": T_unit.count,
        "segnalazioni": T_referral.count,
        "prese in carico": T_case.count,
        "assegnazioni": T_assign.count,
        "in lista d'attesa": T_wait.count,
        "inserimenti": T_placement.count,
        "uscite": T_exit.count,
        "follow-up": T_follow.count,
        "obiettivi": T_goal.count,
        "verifiche": T_review.count,
        "valutazioni": T_assessment.count,
        "note di diario": T_note.count,
        "addebiti della quota": T_charge.count,
        "pagamenti": T_payment.count,
        "operatori": sum(len(p) for p, _ in workers.values()),
    }
    return counts


# Monthly contributions (€) and how households pay them: most on time, some stop paying
# for their last months (arrears of every age), a few have paid nothing for half a year.
CONTRIBUTIONS = ("50", "80", "120", "150", "200", "250", "300")
PAYMENT_METHODS = ("transfer", "cash", "postal", "card")


def _ledger(rng, T_charge, T_payment, placement_id, start, end, monthly, today) -> None:
    """The charges of a stay's last twelve months (housing.ledger.month_charge, as
    charges_generate writes them) and the payments of a household that pays on time
    (80 %), has stopped for its last 1-4 months (15 %) or for its last 6 (5 %)."""
    last_day = min(end or today, today)
    month = ledger.first_of_month(max(start, add_months(ledger.first_of_month(today), -11)))
    kind = rng.choices(("good", "late", "bad"), weights=(80, 15, 5))[0]
    unpaid = {"good": 0, "late": rng.randint(1, 4), "bad": 6}[kind] if end is None else 0
    charges = []
    while month <= last_day:
        charge = ledger.month_charge(
            month=month, stay_start=start, stay_end=end, rates=[(start, monthly)]
        )
        if charge is not None:
            charges.append(charge)
            T_charge.add(
                placement_id, charge.month, charge.amount, charge.days_charged,
                charge.days_in_month, charge.due_on,
            )  # fmt: skip
        month = ledger.next_month(month)
    for charge in charges[: len(charges) - unpaid]:
        paid_on = charge.due_on + datetime.timedelta(days=rng.randint(-5, 12))
        if paid_on <= today:
            T_payment.add(
                placement_id, paid_on, charge.amount, rng.choice(PAYMENT_METHODS),
                f"R-{placement_id}-{charge.month:%Y%m}",
            )  # fmt: skip


def national_exists() -> bool:
    return Organisation.objects.filter(slug__startswith=SLUG_PREFIX).exists()
