"""Writes for the partners app."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core import audit
from projects.models import EligibilityQuestion, Participation, PriorityRule, Project, Service

from . import network
from .models import Organisation, OrganisationMembership


@dataclass(frozen=True)
class Change:
    """One row the loader created or brought back in line with the source text."""

    action: str  # "created" or "updated"
    model: type[models.Model]
    label: str
    fields: tuple[str, ...] = ()


@dataclass
class NetworkLoadReport:
    changes: list[Change] = field(default_factory=list)

    @property
    def created(self) -> list[Change]:
        return [c for c in self.changes if c.action == "created"]

    @property
    def updated(self) -> list[Change]:
        return [c for c in self.changes if c.action == "updated"]


def _full_clean(obj: models.Model, label: str) -> None:
    """full_clean, with the row named in the error: the loader writes dozens of rows."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(
            _("%(what)s «%(label)s»: %(errors)s")
            % {
                "what": obj._meta.verbose_name,
                "label": label,
                "errors": " ".join(error.messages),
            }
        ) from error


def _sync(
    model: type[models.Model],
    *,
    lookup: dict,
    values: dict,
    report: NetworkLoadReport,
    label: str,
):
    """Create the row, or set on it the values that differ; save only if something did.

    Fields not in `values` are never touched: they belong to the admin. The audit trail
    records each change with no actor: the loader, not a person, made it."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        _full_clean(obj, label)
        obj.save()
        audit.record_create(actor=None, instance=obj)
        report.changes.append(Change("created", model, label))
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        before = audit.snapshot(obj)
        for name in changed:
            setattr(obj, name, values[name])
        _full_clean(obj, label)
        update_fields = list(changed)
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update_fields.append("updated_at")
        obj.save(update_fields=update_fields)
        audit.record_update(actor=None, instance=obj, before=before)
        report.changes.append(Change("updated", model, label, tuple(changed)))
    return obj


def _ensure(model: type[models.Model], *, report: NetworkLoadReport, label: str, **lookup):
    """Create the row if it is missing; an existing row is left exactly as it is."""
    return _sync(model, lookup=lookup, values={}, report=report, label=label)


@transaction.atomic
def network_load() -> NetworkLoadReport:
    """Write the real network of `partners.network` into the database.

    Idempotent: organisations and projects are keyed on their slugs, and a row is saved
    only when it differs from the source text, so a second run changes nothing. Rows an
    admin added (members, participations, territory, services) are never deleted, and
    the fields the text does not speak about (codes, addresses, dates) are never touched.
    """
    report = NetworkLoadReport()

    organisations: dict[str, Organisation] = {}
    for spec in network.ORGANISATIONS:
        values = {
            "name": spec.name,
            "short_name": spec.short_name,
            "kind": spec.kind,
            "istat_code": spec.istat_code,
            "description": spec.description,
        }
        if spec.kind == Organisation.Kind.MUNICIPALITY:
            values |= {"town": spec.town, "province": spec.province}
        organisations[spec.slug] = _sync(
            Organisation, lookup={"slug": spec.slug}, values=values, report=report, label=spec.name
        )

    for spec in network.ORGANISATIONS:
        member = organisations[spec.slug]
        for parent_slug in spec.member_of:
            parent = organisations[parent_slug]
            _ensure(
                OrganisationMembership,
                member=member,
                parent=parent,
                report=report,
                label=f"{member} → {parent}",
            )

    for spec in network.PROJECTS:
        project = _sync(
            Project,
            lookup={"slug": spec.slug},
            values={
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "description": spec.description,
                "target_group": spec.target_group,
                "priority_notes": spec.priority_notes,
            },
            report=report,
            label=spec.name,
        )
        for org_slug, role in spec.participations:
            organisation = organisations[org_slug]
            _ensure(
                Participation,
                project=project,
                organisation=organisation,
                role=role,
                report=report,
                label=f"{organisation} · {Participation.Role(role).label} · {project}",
            )
        for name in spec.services:
            _ensure(Service, project=project, name=name, report=report, label=f"{project}: {name}")
        for criterion, points in spec.priority_rules:
            if not PriorityRule.objects.filter(project=project, criterion=criterion).exists():
                rule = PriorityRule(project=project, criterion=criterion, points=points)
                label = f"{project}: {rule}"
                _full_clean(rule, label)
                rule.save()
                audit.record_create(actor=None, instance=rule)
                report.changes.append(Change("created", PriorityRule, label))
        for order, question_spec in enumerate(spec.eligibility_questions, start=1):
            if not EligibilityQuestion.objects.filter(
                project=project, text=question_spec.text
            ).exists():
                question = EligibilityQuestion(
                    project=project,
                    text=question_spec.text,
                    kind=question_spec.kind,
                    required=question_spec.required,
                    help_text=question_spec.help_text,
                    options="\n".join(question_spec.options),
                    order=order * 10,
                )
                label = f"{project}: {question}"
                _full_clean(question, label)
                question.save()
                audit.record_create(actor=None, instance=question)
                report.changes.append(Change("created", EligibilityQuestion, label))
        missing = [
            organisations[slug]
            for slug in spec.area_served
            if not project.area_served.filter(pk=organisations[slug].pk).exists()
        ]
        if missing:
            project.area_served.add(*missing)
            audit.record(
                actor=None,
                action=audit.Action.UPDATE,
                instance=project,
                changes={"area_served": [None, [str(o) for o in missing]]},
            )
            report.changes.append(
                Change(
                    "updated",
                    Project,
                    f"{project}: {', '.join(str(o) for o in missing)}",
                    ("area_served",),
                )
            )

    return report
