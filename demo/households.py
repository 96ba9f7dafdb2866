"""Demo households: about two hundred fictional households on the real network.

Everybody here is invented (Faker with the it_IT locale, and name lists for the
countries the network's migrant households most often come from); every household
carries DEMO_NOTE in its notes so nobody mistakes it for a real one. The households
are written through the services, as a referrer, a coordinator and a social worker
would, so that every rule holds and the audit trail exists; the dates are then moved
into the past along a plausible timeline (registered, referred, sent, assessed,
decided, taken in charge, closed).

Run after `load_network` and `demo.staff.create_demo_staff`; `manage.py load_demo`
calls it. Deterministic (seeded) and idempotent: if demo households exist, it adds
nothing.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker

from beneficiaries.models import (
    Case,
    CaseAssignment,
    Consent,
    Household,
    Person,
    Referral,
    ReferralEvent,
    Vulnerability,
    WaitingListEntry,
)
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.services import cases as cases_services
from beneficiaries.services import intake as intake_services
from core import audit
from core.models import AuditEvent
from core.validators import person_cf_check_char, validate_phone_number
from demo.staff import DEMO_STAFF
from partners.models import Organisation, StaffMembership
from projects.models import EligibilityQuestion, Participation, Project

DEMO_NOTE = "Nucleo dimostrativo: persone e dati fittizi."


DEMO_HOUSEHOLDS = 200


SEED = 2025


Role = StaffMembership.Role


Status = Referral.Status


Action = AuditEvent.Action


Sex = Person.Sex


Rel = Person.Relationship


Permit = Person.PermitKind


Kind = Vulnerability.Kind


Living = Household.LivingSituation


# How the households are spread over the pathway. "waiting" is accepted and on the
# waiting list; "open_case" and "closed_case" were accepted and taken in charge.
STATE_COUNTS = {
    "draft": 14,
    "sent": 22,
    "under_assessment": 24,
    "declined": 18,
    "withdrawn": 8,
    "waiting": 50,
    "open_case": 52,
    "closed_case": 12,
}


# Relative weight of each project of the seed network.
PROJECT_WEIGHTS = {
    "cohousing-adda-martesana": 4,
    "case-desio": 6,
    "abitiamo-vimercate": 6,
    "sistema-a-rete": 4,
}


@dataclass(frozen=True)
class Origin:
    country: str  # ISO 3166 code
    place_code: str  # "codice catastale" of the birthplace abroad, for the codice fiscale
    languages: str
    women: tuple[str, ...] = ()
    men: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    eu: bool = False


ORIGINS: tuple[tuple[Origin, int], ...] = (
    (Origin("IT", "", "italiano", eu=True), 42),
    (
        Origin(
            "MA",
            "Z330",
            "arabo, francese",
            ("Fatima", "Khadija", "Aicha", "Nadia", "Samira", "Latifa", "Zineb", "Hanane"),
            ("Mohamed", "Youssef", "Ahmed", "Rachid", "Hassan", "Said", "Karim", "Hamza"),
            ("El Amrani", "Benali", "Bouzid", "El Idrissi", "Ouali", "Tahiri", "Lahlou"),
        ),
        10,
    ),
    (
        Origin(
            "AL",
            "Z100",
            "albanese, italiano",
            ("Elira", "Anisa", "Blerta", "Mirela", "Arta", "Valbona", "Jonida", "Klea"),
            ("Arben", "Gentian", "Ilir", "Besnik", "Dritan", "Erion", "Fatmir", "Altin"),
            ("Hoxha", "Kola", "Shehu", "Gashi", "Leka", "Dervishi", "Marku", "Bregu"),
        ),
        7,
    ),
    (
        Origin(
            "RO",
            "Z129",
            "rumeno, italiano",
            ("Ioana", "Elena", "Andreea", "Mihaela", "Gabriela", "Cristina", "Alina"),
            ("Ion", "Andrei", "Mihai", "Constantin", "Florin", "Bogdan", "Marius"),
            ("Popescu", "Ionescu", "Dumitru", "Stoica", "Munteanu", "Rusu", "Moldovan"),
            eu=True,
        ),
        7,
    ),
    (
        Origin(
            "UA",
            "Z138",
            "ucraino, russo",
            ("Olena", "Iryna", "Oksana", "Natalia", "Tetiana", "Yuliia", "Kateryna"),
            ("Oleksandr", "Andrii", "Serhii", "Dmytro", "Volodymyr", "Mykola", "Ivan"),
            ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Boiko"),
        ),
        6,
    ),
    (
        Origin(
            "SN",
            "Z343",
            "wolof, francese",
            ("Aminata", "Fatou", "Awa", "Mariama", "Ndeye", "Khady", "Coumba", "Astou"),
            ("Mamadou", "Ousmane", "Cheikh", "Ibrahima", "Moustapha", "Abdoulaye", "Modou"),
            ("Diop", "Ndiaye", "Fall", "Sow", "Diallo", "Gueye", "Sarr", "Mbaye"),
        ),
        5,
    ),
    (
        Origin(
            "EG",
            "Z336",
            "arabo",
            ("Mona", "Heba", "Aya", "Nour", "Rania", "Dina", "Yasmin", "Mariam"),
            ("Mahmoud", "Mostafa", "Ahmed", "Amr", "Tarek", "Khaled", "Ibrahim", "Walid"),
            ("Hassan", "Abdelrahman", "Farouk", "Mansour", "Saleh", "Gamal", "Fathy"),
        ),
        5,
    ),
    (
        Origin(
            "PE",
            "Z611",
            "spagnolo, italiano",
            ("Rosa", "Carmen", "Milagros", "Lucía", "Gladys", "Maritza", "Yesenia", "Flor"),
            ("Luis", "Jorge", "Carlos", "José", "Víctor", "Wilmer", "César", "Edwin"),
            ("Quispe", "Flores", "Huamán", "Mamani", "Rojas", "Chávez", "Vargas", "Torres"),
        ),
        5,
    ),
    (
        Origin(
            "NG",
            "Z335",
            "inglese",
            ("Blessing", "Chioma", "Ngozi", "Adaeze", "Funmilayo", "Precious", "Joy", "Gift"),
            ("Chinedu", "Emeka", "Oluwaseun", "Ifeanyi", "Tunde", "Samuel", "Godwin", "Uche"),
            ("Okafor", "Adeyemi", "Okonkwo", "Eze", "Olawale", "Nwosu", "Obi", "Balogun"),
        ),
        5,
    ),
    (
        Origin(
            "PK",
            "Z236",
            "urdu, inglese",
            ("Ayesha", "Sana", "Rabia", "Nazia", "Saima", "Hina", "Amna"),
            ("Muhammad", "Ali", "Imran", "Bilal", "Usman", "Kashif", "Asif", "Naveed"),
            ("Khan", "Hussain", "Malik", "Iqbal", "Butt", "Raza", "Chaudhry"),
        ),
        4,
    ),
    (
        Origin(
            "BD",
            "Z249",
            "bengalese",
            ("Nasrin", "Shirin", "Rina", "Taslima", "Farzana", "Sumaiya", "Jannat"),
            ("Rahim", "Karim", "Shahid", "Jahangir", "Mizanur", "Sohel", "Rafiq"),
            ("Rahman", "Hossain", "Islam", "Uddin", "Akter", "Miah", "Sarkar"),
        ),
        4,
    ),
)


# Birthplaces in Italy, for the codice fiscale: Milano, Monza, Desio, Vimercate, Roma,
# Napoli, Palermo, Bari.
ITALIAN_PLACE_CODES = ("F205", "F704", "D286", "M052", "H501", "F839", "G273", "A662")


# Towns of each referring territory, for the demo addresses.
TOWNS = {
    "ambito-desio": (
        "Desio",
        "Cesano Maderno",
        "Limbiate",
        "Muggiò",
        "Nova Milanese",
        "Varedo",
        "Bovisio-Masciago",
    ),
    "ambito-vimercate-trezzo": (
        "Vimercate",
        "Trezzo sull'Adda",
        "Arcore",
        "Agrate Brianza",
        "Concorezzo",
        "Usmate Velate",
        "Bernareggio",
    ),
}


DEFAULT_TOWNS = ("Monza", "Desio", "Seregno", "Lissone", "Vimercate", "Brugherio")


_VOWELS = set("AEIOU")


_MONTHS = "ABCDEHLMPRST"


_OMOCODIA = "LMNPQRSTUV"


# Positions of the digits of a codice fiscale, rightmost first: omocodia replaces them
# with letters in this order.
_DIGIT_POSITIONS = (14, 13, 12, 10, 9, 7, 6)


def _letters(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text)
    return [c for c in folded.upper() if "A" <= c <= "Z"]


def _code_part(text: str, *, first_name: bool) -> str:
    letters = _letters(text)
    consonants = [c for c in letters if c not in _VOWELS]
    vowels = [c for c in letters if c in _VOWELS]
    if first_name and len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return "".join((consonants + vowels + ["X", "X", "X"])[:3])


def codice_fiscale(
    *, first_name: str, last_name: str, birth_date: datetime.date, sex: str, place: str
) -> str:
    """The codice fiscale of a person, computed as the Agenzia delle Entrate does (with
    its check character), before any omocodia."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    first15 = (
        _code_part(last_name, first_name=False)
        + _code_part(first_name, first_name=True)
        + f"{birth_date.year % 100:02d}{_MONTHS[birth_date.month - 1]}{day:02d}{place}"
    )
    return first15 + person_cf_check_char(first15)


def unique_codice_fiscale(code: str, taken: set[str]) -> str:
    """The code itself, or its omocodic variant if another person already has it: the
    way the Agenzia delle Entrate tells two people with the same data apart."""
    chars = list(code[:15])
    candidate = code
    for position in _DIGIT_POSITIONS:
        if candidate not in taken:
            break
        chars[position] = _OMOCODIA[int(chars[position])]
        first15 = "".join(chars)
        candidate = first15 + person_cf_check_char(first15)
    if candidate in taken:
        return ""
    taken.add(candidate)
    return candidate


@dataclass
class ProjectRoute:
    """Who does what for one project: the referring organisations with their referrer,
    the coordinator, and the organisations that may hold its cases with their workers."""

    project: Project
    referrers: list[tuple[Organisation, object]]
    coordinator: object
    holders: list[tuple[Organisation, list]] = field(default_factory=list)
    # The organisations that lead or coordinate the project: they evaluate referrals.
    coordinating: list[Organisation] = field(default_factory=list)


PROJECT_COORDINATORS = {
    spec.project_slug: spec.username for spec in DEMO_STAFF if spec.project_slug
}


def _frontline_user(organisation: Organisation):
    membership = (
        StaffMembership.objects.filter(
            organisation=organisation,
            is_active=True,
            user__is_active=True,
            role__in=(Role.MUNICIPAL_REFERRER, Role.SOCIAL_WORKER),
        )
        .select_related("user")
        .order_by("role", "user__username")
        .first()
    )
    return membership.user if membership else None


def _routes() -> list[tuple[ProjectRoute, int]]:
    routes = []
    for slug, weight in PROJECT_WEIGHTS.items():
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            continue
        participations = list(project.participations.select_related("organisation"))
        referring = [
            p.organisation for p in participations if p.role == Participation.Role.REFERRING_BODY
        ]
        if not referring:
            # A network without referring bodies: its member cooperatives refer.
            referring = [
                p.organisation for p in participations if p.role == Participation.Role.PARTNER
            ]
        referrers = [(org, user) for org in referring if (user := _frontline_user(org))]
        coordinating = [
            p.organisation_id for p in participations if p.role in Participation.COORDINATING_ROLES
        ]
        coordinators = list(
            StaffMembership.objects.filter(
                organisation_id__in=coordinating, role=Role.COORDINATOR, is_active=True
            )
            .select_related("user")
            .order_by("user__username")
        )
        # The demo coordinator of this very project, when the demo staff names one.
        coordinators.sort(key=lambda m: m.user.username != PROJECT_COORDINATORS.get(slug))
        coordinator = coordinators[0] if coordinators else None
        holders = []
        for organisation in cases_services.case_holding_organisations(project=project).order_by(
            "slug"
        ):
            workers = list(
                cases_selectors.assignable_workers(organisations=[organisation]).order_by(
                    "username"
                )
            )
            if workers:
                # Social workers first: they are the ones usually assigned.
                workers.sort(key=lambda u: not u.username.startswith("operatore."))
                holders.append((organisation, workers))
        if referrers and coordinator and holders:
            leading = [
                p.organisation for p in participations if p.role in Participation.COORDINATING_ROLES
            ]
            routes.append(
                (ProjectRoute(project, referrers, coordinator.user, holders, leading), weight)
            )
    return routes


REASONS = {
    Living.EVICTION: (
        "Sfratto esecutivo per morosità incolpevole: l'esecuzione è fissata tra poche "
        "settimane e il nucleo non ha un'alternativa.",
        "Sfratto per finita locazione; il proprietario non rinnova e il nucleo non trova "
        "un alloggio in affitto con il proprio reddito.",
    ),
    Living.FAMILY_OR_FRIENDS: (
        "Ospiti presso parenti in un alloggio sovraffollato; la convivenza non è più sostenibile.",
        "Ospitalità temporanea presso conoscenti in scadenza, nessuna soluzione in vista.",
    ),
    Living.SHELTER: (
        "Accolti in struttura di prima accoglienza; il progetto di uscita richiede un "
        "alloggio con accompagnamento.",
        "Uscita da casa rifugio dopo il percorso antiviolenza: serve un alloggio protetto "
        "verso l'autonomia.",
    ),
    Living.HOMELESS: (
        "Senza dimora, accolto nel dormitorio invernale; lavora saltuariamente.",
        "Vive in auto da alcune settimane dopo la perdita dell'alloggio.",
    ),
    Living.PRECARIOUS: (
        "Alloggio inadeguato e insalubre (umidità, assenza di riscaldamento), con minori.",
        "Subaffitto irregolare di una stanza, a rischio di perderla da un giorno all'altro.",
    ),
    Living.RENTED: (
        "Affitto non più sostenibile dopo la perdita del lavoro; arretrati in crescita.",
        "Reddito insufficiente per affitto e utenze: serve un accompagnamento su lavoro e "
        "bilancio familiare.",
    ),
    Living.INSTITUTION: ("In dimissione da una comunità; nessuna rete familiare di appoggio.",),
}


DECLINE_REASONS = (
    "Il nucleo non risiede nel territorio servito dal progetto.",
    "ISEE superiore alla soglia di accesso prevista dal progetto.",
    "Il bisogno prevalente è sanitario: indicata la presa in carico dei servizi sociosanitari.",
    "Nessun posto adatto alla composizione del nucleo nei tempi indicati: segnalato ad "
    "altro progetto della rete.",
)


CLOSURE_REASONS = (
    WaitingListEntry.RemovalReason.WITHDRAWN,
    WaitingListEntry.RemovalReason.NO_LONGER_ELIGIBLE,
    WaitingListEntry.RemovalReason.OTHER,
)


PERMIT_WEIGHTS = (
    (Permit.WORK, 30),
    (Permit.FAMILY, 20),
    (Permit.LONG_TERM, 18),
    (Permit.INTERNATIONAL_PROTECTION, 10),
    (Permit.SPECIAL_PROTECTION, 6),
    (Permit.ASYLUM_REQUEST, 8),
    (Permit.RENEWAL_PENDING, 5),
    (Permit.NONE, 3),
)


# Newly arrived people often have no codice fiscale yet.
WITHOUT_CF_PERMITS = {Permit.ASYLUM_REQUEST, Permit.NONE}


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _years_ago(today: datetime.date, rng: random.Random, low: int, high: int) -> datetime.date:
    """A birth date of someone between `low` and `high` years old."""
    return today - datetime.timedelta(days=rng.randint(low * 365 + 1, high * 365 + 300))


@dataclass
class Timeline:
    """The days of one household's pathway, all in the past."""

    registered: datetime.date
    sent: datetime.date | None = None
    assessed: datetime.date | None = None
    decided: datetime.date | None = None
    opened: datetime.date | None = None
    closed: datetime.date | None = None


class _UncheckedFields(dict):
    """Per model, the fields whose check clean_fields would pay a query (foreign keys,
    which point at rows the demo has just made or read) or a scan of every country
    (citizenship, taken from ORIGINS above), for each row."""

    def __missing__(self, model):
        names = [f.name for f in model._meta.concrete_fields if f.is_relation]
        if model is Person:
            names.append("citizenship")
        self[model] = names
        return names


_UNCHECKED_FIELDS = _UncheckedFields()


class _Generator:
    def __init__(self, routes, today: datetime.date):
        self.routes = routes
        self.today = today
        self.yesterday = today - datetime.timedelta(days=1)
        self.rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
        self.fake = Faker("it_IT")
        self.fake.seed_instance(SEED)
        # Rows to write, per model, in the order they were made; the audit rows as
        # (row, action, actor, household, when, snapshot or changes).
        self.rows = defaultdict(list)
        self.events = []
        self.referral_events = []
        self.consent_organisations = []
        self.taken_cf = set(
            Person.objects.exclude(codice_fiscale="").values_list("codice_fiscale", flat=True)
        )
        self.counts = Counter()
        self.questions = {}

    # Who ------------------------------------------------------------------------------

    def _name(self, origin: Origin, sex: str, surname: str | None = None) -> tuple[str, str]:
        if origin.country == "IT":
            first = (
                self.fake.first_name_female() if sex == Sex.FEMALE else self.fake.first_name_male()
            )
            return first, surname or self.fake.last_name()
        first = self.rng.choice(origin.women if sex == Sex.FEMALE else origin.men)
        return first, surname or self.rng.choice(origin.surnames)

    def _person(
        self, origin: Origin, relationship: str, sex: str, birth_date, *, surname=None, arrived=None
    ) -> dict:
        first, last = self._name(origin, sex, surname)
        born_in_italy = origin.country == "IT" or (arrived is not None and birth_date > arrived)
        person = {
            "relationship": relationship,
            "first_name": first,
            "last_name": last,
            "birth_date": birth_date,
            "sex": sex,
            "citizenship": origin.country,
            "languages": "italiano"
            if born_in_italy and origin.country != "IT"
            else origin.languages,
        }
        adult = (self.today - birth_date).days >= 18 * 365
        if origin.eu:
            if adult:
                person["residence_permit_kind"] = Permit.NOT_NEEDED
        else:
            person.update(self._permit(adult))
        if relationship == Rel.REFERENCE:
            person["phone"] = self._phone()
            if self.rng.random() < 0.3:
                person["email"] = (
                    f"{_ascii(first)}.{_ascii(last)}{self.rng.randint(1, 99)}@example.org"
                )
        has_cf = not (
            person.get("residence_permit_kind") in WITHOUT_CF_PERMITS and self.rng.random() < 0.7
        )
        if origin.country == "IT":
            has_cf = self.rng.random() < 0.97
        if has_cf:
            place = self.rng.choice(ITALIAN_PLACE_CODES) if born_in_italy else origin.place_code
            code = codice_fiscale(
                first_name=first, last_name=last, birth_date=birth_date, sex=sex, place=place
            )
            person["codice_fiscale"] = unique_codice_fiscale(code, self.taken_cf)
        return person

    def _phone(self) -> str:
        # Faker's Italian numbers are not all real ones (a few have a digit too many):
        # the person form refuses those, so the demo draws again.
        while True:
            number = self.fake.phone_number()
            try:
                validate_phone_number(number)
            except ValidationError:
                continue
            return number

    def _permit(self, adult: bool) -> dict:
        kind = _weighted(self.rng, PERMIT_WEIGHTS) if adult else Permit.FAMILY
        if kind == Permit.NONE:
            return {"residence_permit_kind": kind}
        issued = self.today - datetime.timedelta(days=self.rng.randint(60, 4 * 365))
        roll = self.rng.random()
        if kind == Permit.RENEWAL_PENDING or roll < 0.15:
            expires = self.today - datetime.timedelta(days=self.rng.randint(1, 200))
        elif roll < 0.32:
            expires = self.today + datetime.timedelta(days=self.rng.randint(0, 60))
        elif kind == Permit.LONG_TERM:
            expires = issued + datetime.timedelta(days=10 * 365)
        else:
            expires = self.today + datetime.timedelta(days=self.rng.randint(90, 730))
        issued = min(issued, expires - datetime.timedelta(days=30))
        return {
            "residence_permit_kind": kind,
            "residence_permit_issued_on": issued,
            "residence_permit_expires_on": expires,
        }

    def _members(self, project: Project) -> tuple[list[dict], set[str]]:
        """The members (reference person first) and the vulnerabilities of a household."""
        rng, today = self.rng, self.today
        origin = _weighted(self.rng, ORIGINS)
        if project.kind == Project.Kind.CO_HOUSING:
            shape = _weighted(rng, (("mother", 7), ("woman", 1), ("couple", 1), ("father", 1)))
        else:
            shape = _weighted(
                rng,
                (
                    ("mother", 5),
                    ("couple", 5),
                    ("man", 5),
                    ("woman", 3),
                    ("elderly", 2),
                    ("with_parent", 2),
                    ("father", 1),
                ),
            )
        arrived = (
            None
            if origin.country == "IT"
            else today - datetime.timedelta(days=rng.randint(200, 20 * 365))
        )
        kinds = set()
        ref_sex = {
            "mother": Sex.FEMALE,
            "woman": Sex.FEMALE,
            "man": Sex.MALE,
            "father": Sex.MALE,
        }.get(shape, rng.choice([Sex.FEMALE, Sex.MALE]))
        age_range = {"elderly": (66, 82), "with_parent": (30, 55), "man": (20, 64)}.get(
            shape, (22, 48)
        )
        ref_birth = _years_ago(today, rng, *age_range)
        reference = self._person(origin, Rel.REFERENCE, ref_sex, ref_birth, arrived=arrived)
        members = [reference]
        surname = reference["last_name"]
        if shape in ("couple", "elderly") or (shape == "with_parent" and rng.random() < 0.3):
            partner_sex = Sex.MALE if ref_sex == Sex.FEMALE else Sex.FEMALE
            partner_birth = ref_birth + datetime.timedelta(days=rng.randint(-5 * 365, 5 * 365))
            partner_birth = min(partner_birth, today - datetime.timedelta(days=19 * 365))
            members.append(
                self._person(origin, Rel.PARTNER, partner_sex, partner_birth, arrived=arrived)
            )
        if shape in ("mother", "couple", "father"):
            mother_age = (today - ref_birth).days // 365
            oldest = max(min(mother_age - 19, 17), 0)
            for _i in range(rng.choice([1, 1, 2, 2, 3, 4] if shape == "couple" else [1, 1, 2, 3])):
                birth = today - datetime.timedelta(days=rng.randint(30, oldest * 365 + 300))
                members.append(
                    self._person(
                        origin,
                        Rel.CHILD,
                        rng.choice([Sex.FEMALE, Sex.MALE]),
                        birth,
                        surname=surname,
                        arrived=arrived,
                    )
                )
            if shape in ("mother", "father") and rng.random() < 0.85:
                kinds.add(Kind.SINGLE_PARENT)
        if shape == "with_parent":
            parent_birth = ref_birth - datetime.timedelta(days=rng.randint(20 * 365, 35 * 365))
            members.append(
                self._person(
                    origin,
                    Rel.PARENT,
                    rng.choice([Sex.FEMALE, Sex.MALE]),
                    parent_birth,
                    arrived=arrived,
                )
            )
            if rng.random() < 0.5:
                kinds.add(Kind.DISABILITY)
        if ref_sex == Sex.FEMALE and shape in ("mother", "woman") and rng.random() < 0.25:
            kinds.add(Kind.DOMESTIC_VIOLENCE)
        for kind, chance in (
            (Kind.DISABILITY, 0.07),
            (Kind.HEALTH, 0.12),
            (Kind.UNEMPLOYMENT, 0.3),
        ):
            if rng.random() < chance:
                kinds.add(kind)
        return members, kinds

    def _household_fields(self, project: Project, kinds: set[str], town: str) -> dict:
        rng, today = self.rng, self.today
        situations = {
            Project.Kind.CO_HOUSING: (
                (Living.FAMILY_OR_FRIENDS, 4),
                (Living.SHELTER, 3),
                (Living.EVICTION, 3),
                (Living.PRECARIOUS, 2),
            ),
            Project.Kind.TEMPORARY_HOUSING: (
                (Living.EVICTION, 5),
                (Living.HOMELESS, 2),
                (Living.SHELTER, 2),
                (Living.PRECARIOUS, 2),
                (Living.FAMILY_OR_FRIENDS, 2),
            ),
            Project.Kind.ANTI_POVERTY: (
                (Living.RENTED, 4),
                (Living.PRECARIOUS, 3),
                (Living.HOMELESS, 2),
                (Living.EVICTION, 2),
            ),
        }.get(
            project.kind,
            tuple((situation, 1) for situation in Living.values if situation != Living.OTHER),
        )
        if Kind.DOMESTIC_VIOLENCE in kinds and rng.random() < 0.6:
            living = Living.SHELTER
        else:
            living = _weighted(rng, situations)
        if living == Living.EVICTION:
            kinds.add(Kind.EVICTION)
        if living == Living.HOMELESS:
            kinds.add(Kind.HOMELESS)
            address = ""
        else:
            address = f"{self.fake.street_address()}, {town}"
        fields = {
            "living_situation": living,
            "current_address": address,
            "notes": DEMO_NOTE,
        }
        if rng.random() < 0.75:
            issued = today - datetime.timedelta(days=rng.randint(10, 600))
            fields.update(
                isee_value=Decimal(rng.randint(0, 1_800_000)) / 100,
                isee_issued_on=issued,
                # An ISEE is valid until the 31 December of the year it was issued.
                isee_expires_on=datetime.date(issued.year, 12, 31),
            )
        return fields

    # When -----------------------------------------------------------------------------

    def _timeline(self, state: str) -> Timeline:
        rng, last = self.rng, self.yesterday
        days = datetime.timedelta

        def before(day, low, high):
            return day - days(rng.randint(low, high))

        if state == "draft":
            return Timeline(registered=before(last, 0, 30))
        if state == "sent":
            sent = before(last, 0, 20)
            return Timeline(registered=before(sent, 0, 10), sent=sent)
        if state == "under_assessment":
            assessed = before(last, 0, 30)
            sent = before(assessed, 1, 10)
            return Timeline(registered=before(sent, 0, 10), sent=sent, assessed=assessed)
        if state == "closed_case":
            closed = before(last, 1, 200)
            opened = before(closed, 90, 420)
        elif state == "open_case":
            closed, opened = None, before(last, 1, 400)
        else:
            closed = opened = None
        decided = before(opened, 0, 45) if opened is not None else before(last, 0, 300)
        assessed = before(decided, 3, 30)
        sent = before(assessed, 1, 10)
        return Timeline(
            registered=before(sent, 0, 14),
            sent=sent,
            assessed=assessed,
            decided=decided,
            opened=opened,
            closed=closed,
        )

    def _eligibility_answers(self, project, members, town) -> list[dict]:
        """The answers to the project's own intake questions (the Co-housing's), read
        from the household itself: no random draw, so the rest of the demo is the same."""
        if project.pk not in self.questions:
            self.questions[project.pk] = list(project.eligibility_questions.all())
        questions = self.questions[project.pk]
        if not questions:
            return []
        ages = [Person(birth_date=m["birth_date"]).age(self.today) for m in members]
        minor_ages = [age for age in ages if age < 18]
        reference = next((m for m in members if m["relationship"] == Rel.REFERENCE), None)
        answers = {}
        for question in questions:
            Kind = EligibilityQuestion.Kind
            if question.kind == Kind.YES_NO:
                answers[question.pk] = bool(
                    minor_ages and reference is not None and reference["sex"] == Sex.FEMALE
                )
            elif question.kind == Kind.NUMBER and minor_ages:
                answers[question.pk] = min(minor_ages)
            elif question.kind == Kind.CHOICE:
                options = question.option_list()
                answers[question.pk] = town if town in options else options[-1]
        return intake_services.checked_eligibility_answers(project=project, answers=answers)

    # One household ------------------------------------------------------------------

    def household(self, route: ProjectRoute, state: str) -> None:
        rng = self.rng
        project = route.project
        organisation, referrer = rng.choice(route.referrers)
        coordinator = route.coordinator
        when = self._timeline(state)
        town = organisation.town or rng.choice(TOWNS.get(organisation.slug, DEFAULT_TOWNS))

        members, kinds = self._members(project)
        fields = self._household_fields(project, kinds, town)
        registered_at = _at(when.registered, 9, rng.randint(0, 40))
        household = self._new(
            Household(registered_by=organisation, **fields),
            actor=referrer,
            at=registered_at,
        )
        household.reference = None  # set below; names the household in its audit row
        for person_fields in members:
            person = self._new(
                Person(household=household, **person_fields),
                actor=referrer,
                household=household,
                at=registered_at,
            )
            if person.relationship == Rel.REFERENCE:
                household.reference = person
        for kind in sorted(kinds):
            self._new(
                Vulnerability(household=household, kind=kind),
                actor=referrer,
                household=household,
                at=registered_at,
            )

        # The consent names the organisations that will process the household's data:
        # the referrer's, the project's coordinating ones and those that may hold its
        # case (the gate of beneficiaries.services.households.consent_require).
        consent_organisations = list(
            dict.fromkeys(
                [organisation, *route.coordinating, *(holder for holder, _workers in route.holders)]
            )
        )
        purposes = [(Consent.Purpose.CASE_MANAGEMENT, Consent.LegalBasis.CONSENT, 365)]
        if kinds & {Kind.DOMESTIC_VIOLENCE, Kind.HEALTH, Kind.DISABILITY}:
            purposes.append((Consent.Purpose.SPECIAL_CATEGORIES, Consent.LegalBasis.CONSENT, 365))
        if rng.random() < 0.5:
            purposes.append((Consent.Purpose.REPORTING, Consent.LegalBasis.PUBLIC_TASK, None))
        consents = [
            self._consent(
                household, referrer, consent_organisations, purpose, basis, when.registered, days
            )
            for purpose, basis, days in purposes
        ]

        referral = self._new(
            Referral(
                household=household,
                project=project,
                referring_organisation=organisation,
                created_by=referrer,
                reason=rng.choice(REASONS[fields["living_situation"]]),
                urgency=_weighted(
                    rng,
                    (
                        (Referral.Urgency.LOW, 2),
                        (Referral.Urgency.MEDIUM, 4),
                        (Referral.Urgency.HIGH, 3),
                        (Referral.Urgency.EMERGENCY, 1),
                    ),
                ),
                status=Status.DRAFT,
                eligibility_answers=self._eligibility_answers(project, members, town),
            ),
            actor=referrer,
            household=household,
            at=_at(when.registered, 10, rng.randint(0, 59)),
        )
        self.referral_events.append(
            ReferralEvent(
                referral=referral, to_status=Status.DRAFT, by=referrer, at=referral.created_at
            )
        )
        if when.sent:
            self._move(referral, Status.SENT, referrer, _at(when.sent, 11, rng.randint(0, 59)))
        if when.assessed:
            self._move(
                referral,
                Status.UNDER_ASSESSMENT,
                coordinator,
                _at(when.assessed, 12, rng.randint(0, 59)),
            )
        decided_at = when.decided and _at(when.decided, 15, rng.randint(0, 59))
        entry = None
        if state == "withdrawn":
            self._move(referral, Status.WITHDRAWN, referrer, decided_at)
        elif state == "declined":
            self._move(
                referral, Status.DECLINED, coordinator, decided_at, rng.choice(DECLINE_REASONS)
            )
        elif when.decided:
            self._move(
                referral,
                Status.ACCEPTED,
                coordinator,
                decided_at,
                _("Requisiti verificati in équipe: il nucleo entra in lista d'attesa."),
            )
            entry = WaitingListEntry(
                referral=referral, project=project, household=household, added_on=when.decided
            )
            entry.created_at = entry.updated_at = decided_at
            self.rows[WaitingListEntry].append(entry)

        if when.opened:
            self._case(route, referral, household, when, consent_organisations, entry)
        elif state in ("declined", "withdrawn") and rng.random() < 0.3:
            # Some households who leave the pathway also withdraw their consent.
            day = min(when.decided + datetime.timedelta(days=rng.randint(1, 20)), self.yesterday)
            self._update(consents[0], referrer, _at(day, 17), withdrawn_on=day)
        self.counts[state] += 1

    def _case(self, route, referral, household, when, consent_organisations, entry):
        rng = self.rng
        organisation, workers = rng.choice(route.holders)
        team = workers[:1] if len(workers) == 1 or rng.random() < 0.75 else workers[:2]
        opened_at = _at(when.opened, 16, rng.randint(0, 59))
        case = self._new(
            Case(
                household=household,
                project=route.project,
                referral=referral,
                holding_organisation=organisation,
                opened_on=when.opened,
            ),
            actor=route.coordinator,
            household=household,
            at=opened_at,
        )
        for worker in team:
            self._new(
                CaseAssignment(case=case, worker=worker, assigned_on=when.opened),
                actor=route.coordinator,
                household=household,
                at=opened_at,
            )
        renewal = when.registered + datetime.timedelta(days=rng.randint(330, 370))
        if when.closed is None and renewal <= self.yesterday and rng.random() < 0.7:
            # Most open cases renewed the yearly consent; the others show it lapsed.
            self._consent(
                household,
                team[0],
                [*consent_organisations, organisation],
                Consent.Purpose.CASE_MANAGEMENT,
                Consent.LegalBasis.CONSENT,
                renewal,
                365,
            )
        if when.closed:
            self._update(
                case,
                route.coordinator,
                _at(when.closed, 17, rng.randint(0, 59)),
                closed_on=when.closed,
            )
            entry.removed_on = when.closed
            entry.removal_reason = rng.choice(CLOSURE_REASONS)

    # Rows, and their audit trail -------------------------------------------------------

    def _new(self, obj, *, actor, at, household=None):
        """Queue a new row, checked as full_clean would check it (the database checks
        the constraints), with the audit row its service would write."""
        obj.clean_fields(exclude=_UNCHECKED_FIELDS[type(obj)])
        obj.clean()
        if hasattr(obj, "created_at"):
            obj.created_at = obj.updated_at = at
        self.rows[type(obj)].append(obj)
        # The values as created; the ids of rows not yet saved are filled in on saving.
        snapshot = audit.snapshot(obj)
        self.events.append((obj, Action.CREATE, actor, household or obj, at, snapshot))
        return obj

    def _update(self, obj, actor, at, **changes):
        before = {name: getattr(obj, name) for name in changes}
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.clean_fields(exclude=_UNCHECKED_FIELDS[type(obj)])
        obj.clean()
        obj.updated_at = at
        diff = {name: [_plain(before[name]), _plain(value)] for name, value in changes.items()}
        self.events.append((obj, Action.UPDATE, actor, obj.household, at, diff))

    def _consent(self, household, user, organisations, purpose, basis, given_on, days):
        consent = self._new(
            Consent(
                household=household,
                given_by=household.reference,
                purpose=purpose,
                legal_basis=basis,
                given_on=given_on,
                expires_on=given_on + datetime.timedelta(days=days) if days else None,
                recorded_by=user,
            ),
            actor=user,
            household=household,
            at=_at(given_on, 9, 50),
        )
        self.consent_organisations.extend((consent, org) for org in dict.fromkeys(organisations))
        return consent

    def _move(self, referral, to_status, user, at, notes=""):
        if not referral.can_move_to(to_status):  # the demo follows the referral's rules
            raise AssertionError(f"{referral.status} → {to_status}")
        diff = {"status": [referral.status, to_status]}
        self.referral_events.append(
            ReferralEvent(
                referral=referral,
                from_status=referral.status,
                to_status=to_status,
                by=user,
                at=at,
                notes=notes,
            )
        )
        referral.status = to_status
        if to_status == Status.SENT:
            diff["sent_at"] = [None, at.isoformat()]
            referral.sent_at = at
        if to_status in (Status.ACCEPTED, Status.DECLINED):
            diff["decided_at"] = [None, at.isoformat()]
            referral.decided_at = at
            if notes:
                diff["decision_notes"] = ["", notes]
            referral.decision_notes = notes
        referral.updated_at = at
        self.events.append((referral, Action.TRANSITION, user, referral.household, at, diff))

    # Writing --------------------------------------------------------------------------

    def save(self) -> None:
        """Write every queued row in a few bulk queries, then the audit trail."""
        with _story_timestamps(
            Household, Person, Consent, Referral, WaitingListEntry, Case, AuditEvent
        ):
            self._save()

    def _save(self) -> None:
        for model in (
            Household,
            Person,
            Vulnerability,
            Consent,
            Referral,
            WaitingListEntry,
            Case,
            CaseAssignment,
        ):
            # Foreign keys to the rows saved by the previous inserts are resolved here.
            model.objects.bulk_create(self.rows[model], batch_size=500)
        Consent.organisations.through.objects.bulk_create(
            Consent.organisations.through(consent_id=consent.pk, organisation_id=org.pk)
            for consent, org in self.consent_organisations
        )
        ReferralEvent.objects.bulk_create(self.referral_events, batch_size=500)

        events = []
        for obj, action, actor, household, when, diff in self.events:
            if action == Action.CREATE:
                snapshot = diff
                for field in obj._meta.concrete_fields:
                    if field.is_relation:
                        snapshot[field.attname] = getattr(obj, field.attname)
                diff = {k: [None, v] for k, v in snapshot.items() if v not in (None, "")}
            events.append(
                AuditEvent(
                    at=when,
                    actor=actor,
                    action=action,
                    model_label=obj._meta.label,
                    object_id=str(obj.pk),
                    object_repr=self._repr(obj)[:200],
                    household_id=household.pk,
                    changes=diff,
                )
            )
        AuditEvent.objects.bulk_create(events, batch_size=500)

    @staticmethod
    def _repr(obj) -> str:
        if isinstance(obj, Household):
            # As Household.__str__, from the reference person in hand (no query).
            return _("Nucleo %(name)s") % {"name": obj.reference.full_name}
        return str(obj)


@contextmanager
def _story_timestamps(*models):
    """Let bulk_create keep the dates the demo gives its rows.

    auto_now and auto_now_add fields are stamped with the present on insert; the demo's
    rows carry the dates of their story instead (registered, sent, decided...), so
    those flags are off while it writes, and back on right after. Only the demo, a
    one-off command, does this."""
    fields = [
        f
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    flags = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in flags:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _ascii(text: str) -> str:
    return "".join(_letters(text)).lower()


@transaction.atomic
def create_demo_households() -> list[str]:
    """Write the demo households, once. Returns the lines to show."""
    if Household.objects.filter(notes=DEMO_NOTE).exists():
        return [_("Nuclei dimostrativi già presenti: nessuna modifica.")]
    routes = _routes()
    if not routes:
        return [
            _(
                "Nessun progetto con inviante, coordinatore e operatori dimostrativi: "
                "nuclei dimostrativi non creati."
            )
        ]
    generator = _Generator(routes, timezone.localdate())
    states = [state for state, count in STATE_COUNTS.items() for _i in range(count)]
    generator.rng.shuffle(states)
    for state in states:
        generator.household(_weighted(generator.rng, routes), state)
    generator.save()
    counts = generator.counts
    return [
        _("Creati %(count)d nuclei dimostrativi.") % {"count": sum(counts.values())},
        _(
            "Segnalazioni: %(draft)d in bozza, %(sent)d inviate, %(assessment)d in "
            "valutazione, %(declined)d non accolte, %(withdrawn)d ritirate; %(waiting)d "
            "nuclei in lista d'attesa; %(open)d prese in carico aperte e %(closed)d chiuse."
        )
        % {
            "draft": counts["draft"],
            "sent": counts["sent"],
            "assessment": counts["under_assessment"],
            "declined": counts["declined"],
            "withdrawn": counts["withdrawn"],
            "waiting": counts["waiting"],
            "open": counts["open_case"],
            "closed": counts["closed_case"],
        },
    ]
