"""Demo staff for the real network: fictional people, clearly so (surnames "Esempio" and
"Prova", e-mail addresses at example.org), one shared password.

Only `manage.py load_demo` calls this, and it refuses to run unless DEBUG is on: a
password printed in the README must never reach a production database.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, two_factor
from partners import network
from partners.models import Organisation, StaffMembership
from projects.models import Participation, Project
from users.models import User

Role = StaffMembership.Role


# Public on purpose (it is in the README); load_demo refuses to run without DEBUG.
DEMO_PASSWORD = "abitare-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str = ""
    # The organisation the user works for; for a coordinator, the project instead:
    # they work for the organisation that leads or operationally coordinates it.
    organisation_slug: str = ""
    project_slug: str = ""
    is_superuser: bool = False


DEMO_STAFF: tuple[DemoUser, ...] = (
    DemoUser("admin", "Amministratrice", "Esempio", is_superuser=True),
    # One social worker per cooperative, and one per consortium.
    DemoUser("operatore.pop", "Giulia", "Esempio", Role.SOCIAL_WORKER, network.POP),
    DemoUser("operatore.meta", "Luca", "Prova", Role.SOCIAL_WORKER, "meta"),
    DemoUser("operatore.sociosfera", "Sara", "Esempio", Role.SOCIAL_WORKER, "sociosfera"),
    DemoUser("operatore.treeeffe", "Paolo", "Prova", Role.SOCIAL_WORKER, "treeeffe"),
    DemoUser("operatore.novomillennio", "Elena", "Esempio", Role.SOCIAL_WORKER, "novo-millennio"),
    DemoUser("operatore.natur", "Davide", "Prova", Role.SOCIAL_WORKER, "natur"),
    DemoUser("operatore.spaziogiovani", "Chiara", "Esempio", Role.SOCIAL_WORKER, "spazio-giovani"),
    DemoUser("operatore.ccb", "Andrea", "Prova", Role.SOCIAL_WORKER, network.CCB),
    DemoUser("operatore.csel", "Irene", "Esempio", Role.SOCIAL_WORKER, network.CSEL),
    # One coordinator per project.
    DemoUser("coord.rete", "Marta", "Esempio", Role.COORDINATOR, project_slug="sistema-a-rete"),
    DemoUser(
        "coord.cohousing",
        "Francesca",
        "Prova",
        Role.COORDINATOR,
        project_slug="cohousing-adda-martesana",
    ),
    DemoUser("coord.desio", "Roberto", "Esempio", Role.COORDINATOR, project_slug="case-desio"),
    DemoUser(
        "coord.vimercate", "Silvia", "Prova", Role.COORDINATOR, project_slug="abitiamo-vimercate"
    ),
    # One referrer per municipality of the Union, and one per territorial district.
    DemoUser(
        "referente.bellinzago",
        "Anna",
        "Esempio",
        Role.MUNICIPAL_REFERRER,
        "comune-bellinzago-lombardo",
    ),
    DemoUser("referente.liscate", "Marco", "Prova", Role.MUNICIPAL_REFERRER, "comune-liscate"),
    DemoUser(
        "referente.pozzuolo",
        "Laura",
        "Esempio",
        Role.MUNICIPAL_REFERRER,
        "comune-pozzuolo-martesana",
    ),
    DemoUser(
        "referente.truccazzano", "Stefano", "Prova", Role.MUNICIPAL_REFERRER, "comune-truccazzano"
    ),
    DemoUser(
        "referente.ambitodesio", "Valeria", "Esempio", Role.MUNICIPAL_REFERRER, network.AMBITO_DESIO
    ),
    DemoUser(
        "referente.ambitovimercate",
        "Giorgio",
        "Prova",
        Role.MUNICIPAL_REFERRER,
        network.AMBITO_VIMERCATE,
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    """One line of the list of demo logins the command prints."""

    username: str
    full_name: str
    what: str
    created: bool
    password_is_demo: bool
    # For coordinators and the admin who have no authenticator app yet: the one-time
    # code that lets them set one up at the first login (core.two_factor).
    activation_code: str = ""

    def __str__(self):
        password = (
            DEMO_PASSWORD if self.password_is_demo else _("(password già esistente, non cambiata)")
        )
        line = f"{self.username:<26} {password}  {self.full_name} — {self.what}"
        if self.activation_code:
            line += (
                "\n"
                + " " * 27
                + _("codice di attivazione della verifica in due passaggi: %(code)s")
                % {"code": self.activation_code}
            )
        return line


def _coordinating_organisation(project: Project) -> Organisation:
    """The organisation whose coordinators run the project: the operational coordinator
    if there is one (POP for the co-housing), otherwise the lead (capofila)."""
    for role in (Participation.Role.OPERATIONAL_COORDINATOR, Participation.Role.LEAD):
        participation = (
            project.participations.filter(role=role).select_related("organisation").first()
        )
        if participation:
            return participation.organisation
    raise ValidationError(
        _("Il progetto «%(project)s» non ha né capofila né coordinamento operativo.")
        % {"project": project}
    )


def _organisation_of(spec: DemoUser) -> tuple[Organisation, str]:
    """The organisation and the job title of a demo user."""
    if spec.project_slug:
        project = Project.objects.get(slug=spec.project_slug)
        return (
            _coordinating_organisation(project),
            _("Coordinamento del progetto %(project)s") % {"project": project.display_name},
        )
    organisation = Organisation.objects.get(slug=spec.organisation_slug)
    return organisation, ""


@transaction.atomic
def create_demo_staff() -> list[DemoLogin]:
    """Create the demo users and their staff memberships; idempotent.

    A user that already exists keeps their password; their names and admin flags are
    brought back to the demo's only if they differ, so a second run saves nothing."""
    # Hashing is slow on purpose; the demo password is public, so one hash serves every
    # user, and each distinct stored hash is checked once.
    demo_hash = make_password(DEMO_PASSWORD)
    is_demo_hash = {demo_hash: True}
    logins = []
    for spec in DEMO_STAFF:
        values = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@example.org",
            "is_staff": spec.is_superuser,
            "is_superuser": spec.is_superuser,
            "is_active": True,
        }
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = User(username=spec.username, password=demo_hash, **values)
            user.full_clean()
            user.save()
            # Not record_create: that would copy the password hash into the trail.
            audit.record(
                actor=None,
                action=audit.Action.CREATE,
                instance=user,
                changes={
                    name: [None, value]
                    for name, value in {"username": spec.username, **values}.items()
                },
            )
        else:
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            if changed:
                before = audit.snapshot(user)
                for name in changed:
                    setattr(user, name, values[name])
                user.full_clean()
                user.save(update_fields=changed)
                audit.record_update(actor=None, instance=user, before=before)

        if spec.role:
            organisation, job_title = _organisation_of(spec)
            if not StaffMembership.objects.filter(
                user=user, organisation=organisation, role=spec.role
            ).exists():
                membership = StaffMembership(
                    user=user, organisation=organisation, role=spec.role, job_title=job_title
                )
                membership.full_clean()
                membership.save()
                audit.record_create(actor=None, instance=membership)
            what = f"{Role(spec.role).label}, {organisation.display_name}"
            if job_title:
                what = f"{what} ({job_title})"
        else:
            what = _("amministratore (Django admin)")
        if user.password not in is_demo_hash:
            is_demo_hash[user.password] = check_password(DEMO_PASSWORD, user.password)
        # A demo coordinator or admin must set up two factors at the first login, and
        # that needs an activation code: a fresh one each run, until they have an app.
        activation_code = ""
        if (spec.is_superuser or spec.role == Role.COORDINATOR) and not two_factor.has_app(user):
            activation_code = two_factor.activation_code_issue(user=user)
        logins.append(
            DemoLogin(
                username=spec.username,
                full_name=user.get_full_name(),
                what=what,
                created=created,
                password_is_demo=is_demo_hash[user.password],
                activation_code=activation_code,
            )
        )
    return logins


# Demo assumptions, not facts from the network: the source text gives no maximum stay
# for these projects. Plausible values let the demo show placements nearing their end;
# an admin who sets the real value is never overwritten.
DEMO_MAX_STAY_MONTHS = {
    "case-desio": 18,
    "cohousing-adda-martesana": 24,
}


@transaction.atomic
def set_demo_max_stay() -> list[str]:
    """Give the temporary-housing projects a maximum stay if they have none yet."""
    lines = []
    for slug, months in DEMO_MAX_STAY_MONTHS.items():
        project = Project.objects.filter(slug=slug, max_stay_months__isnull=True).first()
        if project is None:
            continue
        project.max_stay_months = months
        project.full_clean()
        project.save(update_fields=["max_stay_months", "updated_at"])
        audit.record(
            actor=None,
            action=audit.Action.UPDATE,
            instance=project,
            changes={"max_stay_months": [None, months]},
        )
        lines.append(
            _("Permanenza massima di «%(project)s»: %(months)d mesi (valore dimostrativo).")
            % {"project": project, "months": months}
        )
    return lines
