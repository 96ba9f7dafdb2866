"""Demo support pathways for the demo households (demo.households).

For every open case of a demo household: an individual plan agreed a few weeks after
the case opened, with goals and actions (some done, some late), the reviews held so
far and the next one scheduled, autonomy assessments at entry and at each review (some
households improve visibly, others hardly move), a diary of meetings, visits, calls and
group activities (some households not heard for over a month), and documents — small
generated PDFs saying they are fictional. For the closed cases: the exit, entry and exit
assessments, and the follow-ups at 3, 6 and 12 months, recorded when already due.

Everything is written through beneficiaries.services.pathway as the assigned worker
would write it, so the rules hold and the audit trail exists. Run after
`create_demo_households`. Deterministic (seeded) and idempotent: if the demo households
already have plans, it adds nothing.
"""

from __future__ import annotations

import datetime
import random
import unicodedata

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import autonomy
from beneficiaries.models import (
    Action,
    AutonomyAssessment,
    AutonomyScore,
    Case,
    CaseExit,
    CaseNote,
    Consent,
    Document,
    ExitDestination,
    FollowUp,
    Goal,
    Person,
    SupportPlan,
)
from beneficiaries.selectors.pathway import linkable_households
from beneficiaries.services import pathway as pathway_services
from core import audit
from core.dates import add_months
from demo.households import DEMO_NOTE

SEED = 2026


days = datetime.timedelta


# Goals the demo plans choose from, each with the actions that lead to it.
GOALS = {
    "housing": (
        "Trovare una casa in affitto a proprio nome",
        [
            "Domanda per la casa popolare (bando SAP)",
            "Ricerca degli annunci insieme all'operatore",
            "Colloquio con l'agenzia per l'abitare",
        ],
    ),
    "work": (
        "Trovare un lavoro stabile",
        [
            "Iscrizione al centro per l'impiego",
            "Scrivere il curriculum",
            "Tirocinio di inclusione",
        ],
    ),
    "income": (
        "Gestire il bilancio familiare senza nuovi debiti",
        [
            "Piano di rientro delle bollette arretrate",
            "Domanda dell'assegno di inclusione",
            "Quaderno delle spese del mese",
        ],
    ),
    "health": (
        "Avere un medico di base e seguire le cure",
        ["Scelta del medico di base", "Prenotazione della visita specialistica"],
    ),
    "children": (
        "Accompagnare i figli a scuola e nel tempo libero",
        ["Iscrizione a scuola", "Colloquio con gli insegnanti", "Iscrizione al doposcuola"],
    ),
    "documents": (
        "Mettere in regola i documenti",
        [
            "Rinnovo del permesso di soggiorno",
            "Richiesta della carta d'identità",
            "Attestazione ISEE aggiornata",
        ],
    ),
    "language": (
        "Migliorare l'italiano",
        ["Iscrizione al corso di italiano del CPIA", "Esame di italiano di livello A2"],
    ),
    "social_network": (
        "Conoscere persone e servizi del quartiere",
        ["Partecipare alla festa di quartiere", "Incontro con l'associazione dei genitori"],
    ),
    "home_care": (
        "Prendersi cura della casa e degli spazi comuni",
        ["Turni di pulizia degli spazi comuni", "Autolettura dei contatori"],
    ),
}


NOTES = {
    CaseNote.Kind.INTERVIEW: [
        "Colloquio di monitoraggio: rivisti insieme gli obiettivi del progetto.",
        "Colloquio in ufficio: la persona racconta una settimana faticosa ma serena.",
        "Colloquio sul bilancio familiare: controllate le spese del mese.",
    ],
    CaseNote.Kind.HOME_VISIT: [
        "Visita domiciliare: la casa è in ordine, i bambini fanno i compiti.",
        "Visita domiciliare: segnalato un guasto alla caldaia, avvisato il gestore.",
    ],
    CaseNote.Kind.PHONE_CALL: [
        "Telefonata per confermare l'appuntamento della prossima settimana.",
        "Telefonata: chiede informazioni sul bando per la casa popolare.",
    ],
    CaseNote.Kind.ACCOMPANIMENT: [
        "Accompagnamento in questura per il rinnovo del permesso di soggiorno.",
        "Accompagnamento al centro per l'impiego per l'iscrizione.",
        "Accompagnamento al CAF per l'ISEE.",
    ],
    CaseNote.Kind.GROUP_ACTIVITY: [
        "Cena condivisa del co-housing: ogni famiglia ha portato un piatto del proprio paese.",
        "Laboratorio di gestione del budget familiare con altri nuclei.",
    ],
    CaseNote.Kind.COMMUNITY_ACTIVITY: [
        "Festa di quartiere: il nucleo ha aiutato a preparare i tavoli.",
        "Pulizia del parco con i vicini e l'associazione del quartiere.",
    ],
    CaseNote.Kind.TEAM_MEETING: [
        "Riunione d'équipe: discusso l'andamento del progetto e i prossimi passi.",
    ],
}


NOTE_KINDS = [
    (CaseNote.Kind.INTERVIEW, 5),
    (CaseNote.Kind.HOME_VISIT, 3),
    (CaseNote.Kind.PHONE_CALL, 4),
    (CaseNote.Kind.ACCOMPANIMENT, 2),
    (CaseNote.Kind.GROUP_ACTIVITY, 1),
    (CaseNote.Kind.COMMUNITY_ACTIVITY, 1),
    (CaseNote.Kind.TEAM_MEETING, 1),
]


DURATIONS = {
    CaseNote.Kind.PHONE_CALL: (5, 20),
    CaseNote.Kind.GROUP_ACTIVITY: (90, 180),
    CaseNote.Kind.COMMUNITY_ACTIVITY: (120, 240),
    CaseNote.Kind.ACCOMPANIMENT: (60, 180),
}


REVIEW_OUTCOMES = [
    "Obiettivi confermati; il nucleo si impegna con costanza.",
    "Passi avanti sul lavoro; resta da sistemare il bilancio familiare.",
    "Periodo difficile: ridefinite insieme le priorità e le scadenze.",
    "Buoni progressi: si comincia a cercare casa.",
]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in folded if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode()
    )


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small valid one-page PDF with a title and a few lines of text."""

    def escape(text: str) -> str:
        return _ascii(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = [f"BT /F1 18 Tf 72 760 Td ({escape(title)}) Tj ET"]
    for n, line in enumerate(lines):
        text.append(f"BT /F1 12 Tf 72 {720 - 20 * n} Td ({escape(line)}) Tj ET")
    stream = "\n".join(text)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")


class _Pathways:
    def __init__(self, today: datetime.date):
        self.rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
        self.today = today
        self.yesterday = today - days(1)
        self.counts = {"plans": 0, "assessments": 0, "notes": 0, "documents": 0, "exits": 0}

    # Open cases -----------------------------------------------------------------------

    def open_case(self, case: Case, worker, improving: bool, quiet: bool) -> None:
        rng = self.rng
        agreed = case.opened_on + days(rng.randint(7, 25))
        if agreed > self.yesterday - days(7):
            return  # just taken in charge: the plan is still being agreed
        plan = pathway_services.plan_create(
            user=worker,
            case=case,
            agreed_on=agreed,
            review_interval_months=rng.choice([2, 3, 3, 4]),
            summary=rng.choice(
                [
                    "Arrivare a una casa propria entro la fine dell'accoglienza.",
                    "Stabilizzare lavoro e reddito per poter pagare un affitto.",
                    "Rimettere in ordine documenti e bilancio, poi cercare casa.",
                ]
            ),
        )
        self.counts["plans"] += 1
        self._goals(case, plan, worker)
        levels = {d.value: rng.choice([1, 1, 2, 2, 3]) for d in autonomy.DOMAINS}
        self._assess(worker, case, "entry", agreed, levels)
        # The reviews held so far, each with its assessment; the next one stays due.
        while True:
            review = plan.reviews.filter(held_on__isnull=True).get()
            held = review.scheduled_on + days(rng.randint(0, 6))
            if held > self.yesterday - days(rng.randint(0, 20)):
                break
            pathway_services.review_record(
                user=worker, review=review, held_on=held, outcome=rng.choice(REVIEW_OUTCOMES)
            )
            levels = self._next_levels(levels, improving)
            self._assess(worker, case, "review", held, levels, review=review)
        self._diary(case, worker, quiet)
        self._documents(case, worker)

    def _goals(self, case: Case, plan: SupportPlan, worker) -> None:
        rng = self.rng
        reference = Person.objects.filter(
            household=case.household, relationship=Person.Relationship.REFERENCE
        ).first()
        domains = rng.sample(sorted(GOALS), rng.randint(2, 4))
        for domain in domains:
            description, actions = GOALS[domain]
            goal = pathway_services.goal_add(
                user=worker, plan=plan, domain=domain, description=description
            )
            due = plan.agreed_on
            for text in rng.sample(actions, rng.randint(1, len(actions))):
                due = due + days(rng.randint(20, 75))
                kind = rng.choice(["worker", "member", "member", "organisation"])
                action = pathway_services.action_add(
                    user=worker,
                    goal=goal,
                    description=text,
                    due_on=due,
                    responsible_kind=kind if reference or kind != "member" else "worker",
                    responsible_worker=worker,
                    responsible_person=reference,
                    responsible_organisation=case.holding_organisation,
                )
                if due < self.today and rng.random() < 0.75:
                    done = min(due - days(rng.randint(0, 10)), self.yesterday)
                    done = max(done, plan.agreed_on)
                    pathway_services.action_set_status(
                        user=worker, action=action, status=Action.Status.DONE, done_on=done
                    )
                elif due >= self.today and rng.random() < 0.4:
                    pathway_services.action_set_status(
                        user=worker, action=action, status=Action.Status.IN_PROGRESS
                    )
            if due < self.today - days(30) and rng.random() < 0.5:
                pathway_services.goal_close(
                    user=worker,
                    goal=goal,
                    status=rng.choice([Goal.Status.ACHIEVED, Goal.Status.PARTLY_ACHIEVED]),
                    closed_on=min(due + days(5), self.yesterday),
                )

    def _next_levels(self, levels: dict, improving: bool) -> dict:
        rng = self.rng
        # An improving household gains a level in about a third of the domains at each
        # review; the others go up and down.
        step = (lambda: rng.choice([0, 0, 1])) if improving else (lambda: rng.choice([-1, 0, 0, 1]))
        return {
            domain: min(autonomy.MAX_LEVEL, max(autonomy.MIN_LEVEL, level + step()))
            for domain, level in levels.items()
        }

    def _assess(self, worker, case, moment, day, levels, review=None) -> None:
        pathway_services.assessment_record(
            user=worker, case=case, moment=moment, taken_on=day, levels=levels, review=review
        )
        self.counts["assessments"] += 1

    def _diary(self, case: Case, worker, quiet: bool) -> None:
        rng = self.rng
        # A quiet household has not been heard for over a month.
        last = self.yesterday - days(rng.randint(35, 60)) if quiet else self.yesterday
        day = case.opened_on + days(rng.randint(1, 7))
        others = None
        while day <= last:
            kind = rng.choices(*zip(*NOTE_KINDS, strict=True))[0]
            households = []
            if kind in CaseNote.GROUP_KINDS:
                if others is None:
                    others = list(linkable_households(user=worker, case=case)[:20])
                households = rng.sample(others, min(len(others), rng.randint(1, 3)))
            low, high = DURATIONS.get(kind, (30, 75))
            pathway_services.case_note_create(
                user=worker,
                case=case,
                happened_on=day,
                kind=kind,
                duration_minutes=rng.randint(low, high) // 5 * 5 or 5,
                text=rng.choice(NOTES[kind]),
                is_confidential=rng.random() < 0.1,
                households=households,
            )
            self.counts["notes"] += 1
            day += days(rng.randint(6, 24))

    def _documents(self, case: Case, worker) -> None:
        rng = self.rng
        reference = (
            Person.objects.filter(household=case.household, relationship="reference")
            .order_by("pk")
            .first()
        )
        if reference is None:
            return
        name = reference.full_name
        # An identity document; some of them are about to expire.
        expires = self.today + (
            days(rng.randint(3, 28)) if rng.random() < 0.15 else days(rng.randint(200, 3000))
        )
        self._upload(
            case,
            worker,
            Document.Kind.IDENTITY,
            reference,
            "Carta d'identità",
            expires,
            [f"Titolare: {name}", f"Scadenza: {expires:%d/%m/%Y}"],
        )
        if reference.residence_permit_expires_on and reference.residence_permit_kind not in (
            "",
            Person.PermitKind.NOT_NEEDED,
        ):
            self._upload(
                case,
                worker,
                Document.Kind.RESIDENCE_PERMIT,
                reference,
                "Permesso di soggiorno",
                reference.residence_permit_expires_on,
                [f"Titolare: {name}", f"Tipo: {reference.get_residence_permit_kind_display()}"],
            )
        if rng.random() < 0.5:
            # The ISEE certificate is valid until 31 December of its year.
            year_end = datetime.date(self.today.year, 12, 31)
            self._upload(
                case,
                worker,
                Document.Kind.ISEE,
                None,
                f"ISEE {self.today.year}",
                year_end,
                [f"Nucleo di {name}", "Attestazione ISEE ordinaria"],
            )
        self._upload(
            case,
            worker,
            Document.Kind.HOSTING_AGREEMENT,
            None,
            "Patto di accoglienza firmato",
            None,
            [f"Nucleo di {name}", f"Progetto: {case.project.display_name}"],
        )

    def _upload(self, case, worker, kind, person, title, expires, lines) -> None:
        content = demo_pdf(title, [*lines, "DOCUMENTO DIMOSTRATIVO: DATI FITTIZI"])
        filename = f"{_ascii(title).lower().replace(' ', '-').replace(chr(39), '')}.pdf"
        pathway_services.document_upload(
            user=worker,
            case=case,
            kind=kind,
            file=SimpleUploadedFile(filename, content, content_type="application/pdf"),
            person=person,
            title=title,
            expires_on=expires,
        )
        self.counts["documents"] += 1

    # Closed cases ---------------------------------------------------------------------

    def closed_case(self, case: Case, worker) -> None:
        """The exit of a case the demo households closed, with its assessments and
        follow-ups. The case is already closed, so these rows are written here, each
        with its audit row, as the services would."""
        rng = self.rng
        household = case.household
        improving = rng.random() < 0.7
        entry_levels = {d.value: rng.choice([1, 2, 2, 3]) for d in autonomy.DOMAINS}
        exit_levels = dict(entry_levels)
        for _step in range(3):
            exit_levels = self._next_levels(exit_levels, improving)
        self._closed_assessment(case, worker, "entry", case.opened_on + days(14), entry_levels)
        self._closed_assessment(case, worker, "exit", case.closed_on, exit_levels)
        destination = (
            rng.choice([ExitDestination.OWN_RENTED_HOME, ExitDestination.PUBLIC_HOUSING])
            if improving
            else rng.choice(
                [
                    ExitDestination.FAMILY_OR_FRIENDS,
                    ExitDestination.ANOTHER_PROJECT,
                    ExitDestination.UNKNOWN,
                ]
            )
        )
        case_exit = CaseExit(
            case=case,
            closed_on=case.closed_on,
            reason=CaseExit.Reason.GOALS_REACHED if improving else CaseExit.Reason.MAX_STAY,
            destination=destination,
            autonomy_reached="yes" if improving else rng.choice(["partly", "no"]),
            recorded_by=worker,
        )
        case_exit.full_clean()
        case_exit.save()
        audit.record_create(actor=worker, instance=case_exit, household=household)
        self.counts["exits"] += 1
        consent = Consent(
            household=household,
            purpose=Consent.Purpose.FOLLOW_UP,
            legal_basis=Consent.LegalBasis.CONSENT,
            given_on=case.closed_on,
            expires_on=add_months(case.closed_on, 13),
            recorded_by=worker,
        )
        consent.full_clean()
        consent.save()
        consent.organisations.set([case.holding_organisation])
        audit.record_create(actor=worker, instance=consent, household=household)
        for months in pathway_services.FOLLOW_UP_MONTHS:
            due = add_months(case.closed_on, months)
            follow_up = FollowUp(case=case, months_after_exit=months, due_on=due)
            # The follow-ups already due were made, but the last one: still to do.
            if due < self.today - days(10):
                housed = improving or rng.random() < 0.4
                follow_up.done_on = due + days(rng.randint(0, 7))
                follow_up.still_housed = "yes" if housed else rng.choice(["no", "unknown"])
                # A household still housed lives somewhere that is a home.
                follow_up.housing_situation = (
                    (
                        ExitDestination.OWN_RENTED_HOME
                        if destination in FollowUp.HOMELESS_SITUATIONS
                        else destination
                    )
                    if housed
                    else ""
                )
                follow_up.recorded_by = worker
            follow_up.full_clean()
            follow_up.save()
            audit.record_create(actor=worker, instance=follow_up, household=household)

    def _closed_assessment(self, case, worker, moment, day, levels) -> None:
        day = max(case.opened_on, min(day, case.closed_on))
        assessment = AutonomyAssessment(case=case, moment=moment, taken_on=day, assessed_by=worker)
        assessment.full_clean()
        assessment.save()
        AutonomyScore.objects.bulk_create(
            AutonomyScore(assessment=assessment, domain=domain, level=level)
            for domain, level in levels.items()
        )
        audit.record_create(actor=worker, instance=assessment, household=case.household)
        self.counts["assessments"] += 1


def _worker(case: Case):
    assignment = case.assignments.select_related("worker").order_by("pk").first()
    return assignment.worker if assignment else None


@transaction.atomic
def create_demo_support() -> list[str]:
    """Write the demo support pathways, once. Returns the lines to show."""
    cases = (
        Case.objects.filter(household__notes=DEMO_NOTE)
        .select_related("household", "project", "holding_organisation")
        .order_by("pk")
    )
    if (
        SupportPlan.objects.filter(case__in=cases).exists()
        or CaseExit.objects.filter(case__in=cases).exists()
    ):
        return [_("Percorsi dimostrativi già presenti: nessuna modifica.")]
    if not cases.exists():
        return [_("Nessuna presa in carico dimostrativa: crea prima i nuclei dimostrativi.")]
    pathways = _Pathways(timezone.localdate())
    workers = {}
    for case in cases:
        worker = _worker(case)
        if worker is None:
            continue
        # One user object per worker, so the scoping layer reads their roles once.
        worker = workers.setdefault(worker.pk, worker)
        if case.closed_on is None:
            pathways.open_case(
                case,
                worker,
                improving=pathways.rng.random() < 0.6,
                quiet=pathways.rng.random() < 0.15,
            )
        else:
            pathways.closed_case(case, worker)
    counts = pathways.counts
    return [
        _(
            "Percorsi dimostrativi: %(plans)d progetti individualizzati, %(assessments)d "
            "valutazioni dell'autonomia, %(notes)d note di diario, %(documents)d documenti, "
            "%(exits)d uscite con i loro follow-up."
        )
        % counts
    ]
