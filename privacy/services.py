"""The rights of the people the network holds data about (GDPR art. 15–17, 20) and the
storage limitation (art. 5(1)(e)), driven by the privacy registry: each app declares in
its `privacy.py` which of its models hold personal data, what of them goes into a
person's export and what erasure does to them (core/personal_data.py). Nothing here
names a model of the domain's pathway: a new model declared there is exported and erased
without a change here.

- Access and portability: `person_export` gathers what the network holds about one
  person — their own data, and the household's facts that are about them — as plain
  data, rendered as a page and as a JSON download. Never in it: confidential rows (the
  diary entries marked confidential: the organisation that wrote them answers for them),
  special categories (art. 9) of the other members or of the household unless the person
  is its reference person, anything of a case or referral the requesting user may not
  open (core/access.py), rows about another member (the other members appear by name and
  relationship only, art. 15(4)), and audit events about rows not in the export.
- Rectification goes through the existing forms of people and households.
- Erasure by anonymisation: `household_anonymise` applies every declaration's `erase` to
  the household's rows (names, codice fiscale, contacts, exact birth date — the year
  stays —, addresses, every free text; documents are deleted with their files) and clears
  the values kept in the audit trail's copies. What is left (kinds, dates of the pathway,
  outcomes as choices) feeds the anonymous statistics. The household is erased as a
  whole: its case, plan and diary describe it together.
- Retention: erasure is refused, with the reason, while a legal obligation to keep the
  records applies: a case still open, a referral or waiting list place still running, a
  placement not ended, or a case closed less than RETENTION_YEARS (default 10) years ago
  (see docs/register-of-processing.md for why ten). `apply_retention`, run daily,
  anonymises the households whose last case closed more than that ago.

Who answers the person's requests: the coordinators of a project holding the household's
case or that received (not a draft) its referral (`Access.may_exercise_rights`); for a
household that no project has (registered, never referred), the coordinators and the
municipal referrers of the organisation that registered it (`Access.may_exercise_rights`).
Everyone else who sees the household gets a 403; whoever does not see it, a 404.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import (
    Case,
    Household,
    Person,
    Referral,
    WaitingListEntry,
    years_before,
)
from beneficiaries.selectors import households as households_selectors
from beneficiaries.services import pathway as pathway_services
from core import audit, personal_data, security_log
from core.access import Access, access_for
from core.models import AuditEvent
from housing.models import ContributionCharge, Payment, Placement


def retention_years() -> int:
    return getattr(settings, "RETENTION_YEARS", 10)


# Accounting records (the contribution ledger) are kept ten years from their date
# (art. 2220 c.c.), whenever the case closed.
ACCOUNTING_RETENTION_YEARS = 10


def _last_ledger_entry(household: Household) -> datetime.date | None:
    dates = [
        ContributionCharge.objects.filter(placement__household=household)
        .order_by("-month")
        .values_list("month", flat=True)
        .first(),
        Payment.objects.filter(placement__household=household)
        .order_by("-paid_on")
        .values_list("paid_on", flat=True)
        .first(),
    ]
    return max(filter(None, dates), default=None)


# Who answers the person's requests: core.access.Access.may_exercise_rights.


def person_for_rights(*, user, public_id) -> Person:
    """The person, or 404 if the user may not see them, or 403 if they may see them but
    not answer their requests."""
    person = households_selectors.person_for_user(user=user, public_id=public_id)
    access = access_for(user)
    access.require(access.may_exercise_rights(person.household))
    return person


# Retention -------------------------------------------------------------------------------


@dataclass
class Obstacle:
    """Why the records of a household must still be kept."""

    reason: str
    until: datetime.date | None = None


def retention_obstacles(household: Household, today: datetime.date | None = None):
    """The reasons the household's data must still be kept (empty: it may be erased)."""
    today = today or timezone.localdate()
    years = retention_years()
    obstacles = []
    for case in Case.objects.filter(household=household).select_related("project"):
        if case.closed_on is None:
            obstacles.append(
                Obstacle(
                    _("La presa in carico in %(project)s è ancora aperta.")
                    % {"project": case.project.display_name}
                )
            )
            continue
        until = _add_years(case.closed_on, years)
        if until > today:
            obstacles.append(
                Obstacle(
                    _(
                        "La presa in carico in %(project)s è stata chiusa il %(closed)s: "
                        "la documentazione dei servizi sociali va conservata per %(years)d "
                        "anni, fino al %(until)s."
                    )
                    % {
                        "project": case.project.display_name,
                        "closed": case.closed_on.strftime("%d/%m/%Y"),
                        "years": years,
                        "until": until.strftime("%d/%m/%Y"),
                    },
                    until=until,
                )
            )
    last_entry = _last_ledger_entry(household)
    if last_entry is not None:
        until = _add_years(last_entry, ACCOUNTING_RETENTION_YEARS)
        if until > today:
            obstacles.append(
                Obstacle(
                    _(
                        "Le scritture della quota di compartecipazione (l'ultima del "
                        "%(last)s) sono documenti contabili da conservare per %(years)d anni "
                        "(art. 2220 c.c.), fino al %(until)s."
                    )
                    % {
                        "last": last_entry.strftime("%d/%m/%Y"),
                        "years": ACCOUNTING_RETENTION_YEARS,
                        "until": until.strftime("%d/%m/%Y"),
                    },
                    until=until,
                )
            )
    if Referral.objects.filter(household=household, status__in=Referral.OPEN_STATUSES).exists():
        obstacles.append(Obstacle(_("Una segnalazione del nucleo è ancora in corso.")))
    if WaitingListEntry.objects.filter(household=household, removed_on__isnull=True).exists():
        obstacles.append(Obstacle(_("Il nucleo è in lista d'attesa.")))
    if Placement.objects.filter(household=household, end_date__isnull=True).exists():
        obstacles.append(Obstacle(_("Il nucleo è ancora inserito in un alloggio.")))
    return obstacles


def _add_years(day: datetime.date, years: int) -> datetime.date:
    # years_before with a negative count: 29 February becomes 28 February.
    return years_before(day, -years)


def is_anonymised(household: Household) -> bool:
    return AuditEvent.objects.filter(
        household=household, action=AuditEvent.Action.ANONYMISE
    ).exists()


def due_for_retention(today: datetime.date | None = None):
    """Households whose every case closed more than RETENTION_YEARS ago, with nothing
    else still running, not yet anonymised."""
    today = today or timezone.localdate()
    cutoff = years_before(today, retention_years())
    return (
        Household.objects.filter(cases__isnull=False)
        .exclude(cases__closed_on__isnull=True)
        .exclude(cases__closed_on__gt=cutoff)
        .exclude(referrals__status__in=Referral.OPEN_STATUSES)
        .exclude(
            pk__in=WaitingListEntry.objects.filter(removed_on__isnull=True).values("household")
        )
        .exclude(pk__in=Placement.objects.filter(end_date__isnull=True).values("household"))
        .exclude(
            pk__in=ContributionCharge.objects.filter(
                month__gt=years_before(today, ACCOUNTING_RETENTION_YEARS)
            ).values("placement__household")
        )
        .exclude(
            pk__in=Payment.objects.filter(
                paid_on__gt=years_before(today, ACCOUNTING_RETENTION_YEARS)
            ).values("placement__household")
        )
        .exclude(
            pk__in=AuditEvent.objects.filter(action=AuditEvent.Action.ANONYMISE).values("household")
        )
        .distinct()
    )


# Access and portability ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExportContext:
    """What a declaration's getters may ask: whose export, for whom."""

    person: Person
    household: Household
    access: Access


def person_export(*, user, person: Person) -> dict:
    """What the network holds about one person, as plain data (JSON-ready), from the
    privacy registry's declarations (see the module's docstring for what stays out)."""
    access = access_for(user)
    household = person.household
    ctx = ExportContext(person=person, household=household, access=access)
    reads_special = access.may_read_special(household)
    # Special categories recorded for the household as a whole (not for one member) go
    # only to its reference person: the household's facts are told through them, and a
    # child's export must not carry the mother's violence or health.
    household_special = reads_special and person.relationship == Person.Relationship.REFERENCE

    declarations = [
        d for d in personal_data.discover().personal() if d.section and d.refers_to is None
    ]
    by_label = {d.label: d for d in declarations}
    entries: dict[str, dict] = {}  # label -> {pk: entry}
    data = {
        "formato": "abitare.dati-personali/2",
        "generato_il": timezone.now().isoformat(),
        "titolare": _("La rete Abitare per l'abitare sociale"),
    }
    # Parents before their children; at the top, the person, then the household.
    for declaration in sorted(declarations, key=lambda d: (_depth(d, by_label), _rank(d))):
        parent_label = declaration.parent_model()._meta.label if declaration.within else None
        if parent_label is not None and parent_label not in by_label:
            continue  # nested under a model that is not exported: nowhere to go
        rows = _rows(
            declaration, ctx, reads_special=reads_special, household_special=household_special
        )
        kept = {}
        for row in rows:
            entry = {
                key: _value(row, name, getter, ctx) for key, name, getter in declaration.export
            }
            if parent_label is None:
                kept[row.pk] = entry
                continue
            parent = entries.get(parent_label, {}).get(getattr(row, _attname(declaration)))
            if parent is None:  # its parent stayed out (another project's case...)
                continue
            kept[row.pk] = entry
            if declaration.single:
                parent[declaration.section] = entry
            else:
                parent[declaration.section].append(entry)
        # Every exported parent gets the section, empty if need be: a stable shape.
        for child in declarations:
            if child.within and child.parent_model() is declaration.model:
                for entry in kept.values():
                    entry[child.section] = None if child.single else []
        entries[declaration.label] = kept
        if parent_label is None:
            values = list(kept.values())
            data[declaration.section] = (
                (values[0] if values else None) if declaration.single else values
            )

    data["storico_dei_trattamenti"] = _trail(household, entries, ctx)
    if isinstance(data.get("nucleo"), dict):
        data["nucleo"]["dati_particolari_omessi"] = not household_special
    data["avvertenze"] = [
        _(
            "Le note di diario riservate non sono in questo documento: ne risponde l'ente "
            "che le ha scritte."
        ),
        _("Gli altri componenti del nucleo compaiono solo con il nome e la relazione."),
        _(
            "Le prese in carico e le segnalazioni che chi ha preparato questo documento non "
            "può consultare non sono incluse."
        ),
    ]
    return data


def _rank(declaration) -> int:
    if declaration.person == "":
        return 0
    return 1 if "" in declaration.household else 2


def _depth(declaration, by_label) -> int:
    depth, current = 0, declaration
    while current.within:
        parent = by_label.get(current.parent_model()._meta.label)
        if parent is None:
            break
        depth, current = depth + 1, parent
    return depth


def _attname(declaration) -> str:
    return declaration.model._meta.get_field(declaration.within).attname


def _rows(declaration, ctx: ExportContext, *, reads_special: bool, household_special: bool):
    """The rows of the declaration that may go into ctx.person's export."""
    model = declaration.model
    queryset = model.objects.filter(declaration.household_q(ctx.household))
    path = declaration.person
    if path == "":  # the row is the person: theirs only
        queryset = queryset.filter(pk=ctx.person.pk)
        own, household_level = Q(pk=ctx.person.pk), Q(pk__in=[])
    elif path:  # their own rows and the household's; never another member's
        own, household_level = Q(**{path: ctx.person}), Q(**{f"{path}__isnull": True})
        queryset = queryset.filter(own | household_level)
    else:  # every row is about the household as a whole
        own, household_level = Q(pk__in=[]), None
    if declaration.scope is not None:
        queryset = queryset.filter(declaration.scope(ctx.access))
    if declaration.confidential is not None:
        queryset = queryset.exclude(declaration.confidential)
    if declaration.special is not None:
        if not reads_special:
            queryset = queryset.exclude(declaration.special)
        elif not household_special:
            queryset = queryset.exclude(declaration.special & ~own)
        elif household_level is not None:
            queryset = queryset.exclude(declaration.special & ~(own | household_level))
    many = [
        name
        for _key, name, _getter in declaration.export
        if name and model._meta.get_field(name).many_to_many
    ]
    rows = model.objects.filter(pk__in=queryset.values("pk"))
    if related := _forward_relations(declaration):
        rows = rows.select_related(*related)
    return rows.prefetch_related(*many).order_by(*(declaration.order or ("pk",)))


def _trail(household, entries, ctx) -> list:
    """The audit events about the rows of this export (who did what to them, when)."""
    exported = {(label, str(pk)) for label, kept in entries.items() for pk in kept}
    trail = []
    for declaration in personal_data.discover().personal():
        if not declaration.section or declaration.refers_to is None:
            continue
        label_field, id_field = declaration.refers_to
        rows = declaration.model.objects.filter(declaration.household_q(household))
        if related := _forward_relations(declaration):
            rows = rows.select_related(*related)
        for row in rows.order_by(*(declaration.order or ("pk",))):
            if (getattr(row, label_field), str(getattr(row, id_field))) in exported:
                trail.append(
                    {
                        key: _value(row, name, getter, ctx)
                        for key, name, getter in declaration.export
                    }
                )
    return trail


def _forward_relations(declaration):
    model = declaration.model
    return [
        name
        for _key, name, _getter in declaration.export
        if name
        and model._meta.get_field(name).is_relation
        and not model._meta.get_field(name).many_to_many
    ]


def _value(row, name, getter, ctx):
    if getter is not None:
        return getter(row, ctx)
    model_field = row._meta.get_field(name)
    if model_field.many_to_many:
        return [_display(item) for item in getattr(row, name).all()]
    if model_field.is_relation:
        return _display(getattr(row, name))
    value = getattr(row, name)
    if value is None or value == "":
        return None
    if model_field.choices:
        return {"valore": value, "etichetta": str(getattr(row, f"get_{name}_display")())}
    if isinstance(model_field, models.FileField):
        return None  # described by the other fields, never the file itself
    return _plain(value)


def _display(obj):
    if obj is None:
        return None
    return getattr(obj, "display_name", None) or str(obj)


def _plain(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def export_recorded(*, request, person: Person, fmt: str) -> None:
    """Every export leaves the network: it goes in the security log."""
    security_log.record(
        security_log.Kind.EXPORT,
        request=request,
        details={
            "what": "gdpr_person_export",
            "person": str(person.public_id),
            "household": str(person.household.public_id),
            "format": fmt,
        },
    )


# Erasure ------------------------------------------------------------------------------------


@transaction.atomic
def household_anonymise(
    *, user, household: Household, today: datetime.date | None = None, request=None
) -> Household:
    """Erase the household's personal data by anonymisation, or raise ValidationError
    with the reasons the records must still be kept. `user` is None when the retention
    command runs it."""
    if user is not None and not access_for(user).may_exercise_rights(household):
        raise PermissionDenied
    household = Household.objects.select_for_update().get(pk=household.pk)
    if is_anonymised(household):
        raise ValidationError(_("I dati di questo nucleo sono già stati anonimizzati."))
    obstacles = retention_obstacles(household, today)
    if obstacles:
        raise ValidationError([o.reason for o in obstacles])

    people = household.members.count()
    deleted, files = 0, []
    for declaration in personal_data.discover().personal():
        if not declaration.household:
            continue
        pks = list(
            declaration.model.objects.filter(declaration.household_q(household))
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()
        )
        rows = declaration.model.objects.filter(pk__in=pks)
        if declaration.erase is personal_data.DELETE:
            files += _files_of(rows)
            deleted += len(pks)
            rows.delete()
            continue
        _erase(declaration, rows)
        for name in declaration.unlink:
            for row in declaration.model.objects.filter(**{name: household}):
                getattr(row, name).remove(household)
    # The group activities that forgot the household no longer count as its contacts.
    pathway_services.refresh_last_contact(household_ids=[household.pk])
    # The files go once the rows are surely gone (a rolled back erasure keeps both).
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])

    audit.record(
        actor=user,
        action=AuditEvent.Action.ANONYMISE,
        instance=household,
        household=household,
        changes={},
    )
    security_log.record(
        security_log.Kind.ERASURE,
        request=request,
        user=user,
        details={
            "household": str(household.public_id),
            "people": people,
            "documents": deleted,
            "by": "request" if user is not None else "retention",
        },
    )
    return household


def _erase(declaration, rows) -> None:
    constants, marked, computed = {}, [], {}
    for name, replacement in declaration.erase.items():
        if replacement is personal_data.MARK_IF_SET:
            marked.append(name)
        elif callable(replacement):
            computed[name] = replacement
        else:
            constants[name] = replacement
    if constants:
        rows.update(**constants)
    for name in marked:
        rows.exclude(**{name: ""}).update(**{name: personal_data.MARK})
    if computed:
        for number, row in enumerate(rows.order_by("pk"), start=1):
            values = {name: compute(row, number) for name, compute in computed.items()}
            declaration.model.objects.filter(pk=row.pk).update(**values)


def _files_of(rows) -> list:
    file_fields = [
        f.name for f in rows.model._meta.concrete_fields if isinstance(f, models.FileField)
    ]
    files = []
    for row in rows:
        for name in file_fields:
            value = getattr(row, name)
            if value:
                files.append(value)
    return files
