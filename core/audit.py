"""The audit trail: writing it, and showing it.

Services call the `record*` functions inside their transaction, so a change and its audit
row are saved together or not at all. Each row is classified as it is written: the case
it belongs to, whether it holds special categories of data, and the organisation a
confidential row is reserved to, so that whoever shows events filters on columns.

`rendered_changes` turns the stored {field: [old, new]} into what people read."""

from __future__ import annotations

import datetime
import decimal
import posixpath
import re
import uuid

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent

Action = AuditEvent.Action


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict:
    """The concrete field values of a row, in a form JSON can store."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"id", "created_at", "updated_at"}:
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def _classification(instance: models.Model, case) -> dict:
    """What the history needs to know about a row without reading its JSON. Models say
    it themselves: `is_special_category` (a property), for confidential rows
    `is_confidential` with `author_organisation_id`, and `is_financial` for the rows of
    the contribution ledger (read only by who may read the contributions of the case)."""
    confidential = getattr(instance, "is_confidential", False)
    if case is None and instance._meta.label == "beneficiaries.Case":
        case = instance
    return {
        "case": case,
        "special_category": bool(getattr(instance, "is_special_category", False)),
        "financial": bool(getattr(instance, "is_financial", False)),
        "confidential_organisation_id": (
            getattr(instance, "author_organisation_id", None) if confidential else None
        ),
    }


def record(
    *,
    actor,
    action: str,
    instance: models.Model,
    household=None,
    case=None,
    changes: dict | None = None,
    page: str | None = None,
) -> AuditEvent:
    description = f"{instance} · {page}" if page else str(instance)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        model_label=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=description[:200],
        household=household,
        changes=changes or {},
        **_classification(instance, case),
    )


def record_view(*, actor, instance: models.Model, household, case=None, page=None) -> AuditEvent:
    """Log that a user opened a page showing a record (GDPR accountability: the read log).
    `page` names which page of the record, for the records that have several (a case's
    plan, diary, documents…); it is kept in the row's description, in the network's
    language, like the rest of the trail."""
    return record(
        actor=actor,
        action=Action.VIEW,
        instance=instance,
        household=household,
        case=case,
        page=page,
    )


def record_create(*, actor, instance, household=None, case=None) -> AuditEvent:
    return record(
        actor=actor,
        action=Action.CREATE,
        instance=instance,
        household=household,
        case=case,
        changes={k: [None, v] for k, v in snapshot(instance).items() if v not in (None, "")},
    )


def record_update(*, actor, instance, before: dict, household=None, case=None) -> AuditEvent | None:
    """Record what changed since `before` (a snapshot); nothing when nothing changed."""
    changes = diff(before, snapshot(instance))
    if not changes:
        return None
    return record(
        actor=actor,
        action=Action.UPDATE,
        instance=instance,
        household=household,
        case=case,
        changes=changes,
    )


# Rows of a household's file are named only when they belong to this household: the
# history never names anyone else's. The path from each kind of row to its household,
# tried in this order; a related model with none of them is a directory of the network
# (organisations, projects, users, units), named as it is.
_HOUSEHOLD_PATHS = (
    "household",
    "case__household",
    "plan__case__household",
    "goal__plan__case__household",
    "placement__household",
)


# Internal values nobody types: derived from the names, or the record's own address; and
# the household a row belongs to is the one whose history this is.
_UNSHOWN_FIELDS = {"name_key", "public_id"}

# What an event records beyond the row's own fields, with the label the history shows.
_EVENT_LABELS = {"deletion_reason": gettext_lazy("motivo dell'eliminazione")}


def _model_of(event):
    try:
        return apps.get_model(event.model_label)
    except (LookupError, ValueError):
        return None


def _model_label(event) -> str:
    model = _model_of(event)
    return str(model._meta.verbose_name) if model else event.model_label


def _field_of(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_key(value) -> bool:
    # Some events keep the related row's name itself (a removed assignment's worker).
    return isinstance(value, int) and not isinstance(value, bool)


def _household_path(model) -> str | None:
    for path in _HOUSEHOLD_PATHS:
        current = model
        for step in path.split("__"):
            model_field = _field_of(current, step)
            if model_field is None or not model_field.is_relation:
                current = None
                break
            current = model_field.related_model
        if current is not None and current._meta.label == "beneficiaries.Household":
            return path
    return None


def _related_names(events, household) -> dict:
    """{(model, pk): name} for the foreign keys in a page of events: one query per kind
    of related row, whatever the number of events."""
    wanted: dict[type, set] = {}
    for event in events:
        model = _model_of(event)
        for name, values in event.changes.items():
            model_field = _field_of(model, name)
            if model_field is None or not model_field.many_to_one and not model_field.one_to_one:
                continue
            related = model_field.related_model
            if related._meta.label == "beneficiaries.Household":
                continue
            wanted.setdefault(related, set()).update(v for v in _pair(values) if _is_key(v))
    names = {}
    for related, pks in wanted.items():
        queryset = related._default_manager.filter(pk__in=pks)
        path = _household_path(related)
        if path is not None:
            queryset = queryset.filter(**{path: household})
        select = [
            f.name
            for f in related._meta.concrete_fields
            if f.many_to_one and f.related_model is not related
        ]
        # str() of a row may name its own foreign keys (a case names its project).
        if select:
            queryset = queryset.select_related(*select)
        for row in queryset:
            names[(related, row.pk)] = str(row)
    return names


def _display(model_field, value, names, file_name=None) -> str:
    if value is None or value == "":
        return "—"
    if model_field is None:
        return str(value)
    if model_field.is_relation:
        if not _is_key(value):
            return str(value)  # already a name
        # A row that is gone, or not of this household, is not named by its id.
        return names.get((model_field.related_model, value), _("(non disponibile)"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Sì") if value else _("No")
    if isinstance(model_field, models.FileField):
        # The name the file was uploaded with, not where the storage keeps it.
        return file_name or posixpath.basename(str(value))
    try:
        if isinstance(model_field, models.DateTimeField):
            moment = timezone.localtime(datetime.datetime.fromisoformat(value))
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        if isinstance(model_field, models.DateField):
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        if isinstance(model_field, models.DecimalField):
            return formats.number_format(
                decimal.Decimal(str(value)), model_field.decimal_places, force_grouping=True
            )
    except (TypeError, ValueError, decimal.InvalidOperation):
        pass
    return str(value)


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _readable_repr(text: str) -> str:
    """The name an event keeps of its row; rows named before the models wrote dates the
    Italian way carry ISO dates, shown here in the user's format."""

    def day(match):
        try:
            value = datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            return match.group(0)
        return formats.date_format(value, "SHORT_DATE_FORMAT")

    return _ISO_DATE.sub(day, text or "")


def _pair(values) -> tuple:
    return tuple((list(values) + [None, None])[:2]) if isinstance(values, list) else (None, None)


def _changes(event, names) -> list[dict]:
    model = _model_of(event)
    extra = model.history_extra_fields() if hasattr(model, "history_extra_fields") else {}
    file_names = _pair(event.changes.get("original_name"))
    has_file = any(isinstance(_field_of(model, name), models.FileField) for name in event.changes)
    rows = []
    for name, values in event.changes.items():
        model_field = _field_of(model, name)
        old, new = _pair(values)
        if name in extra:
            label, text = extra[name]
            rows.append(
                {
                    "field": str(label),
                    "old": text(old) if old not in (None, "") else "—",
                    "new": text(new) if new not in (None, "") else "—",
                }
            )
            continue
        if (
            name in _UNSHOWN_FIELDS
            or (has_file and name == "original_name")
            or (
                model_field is not None
                and getattr(model_field.related_model, "_meta", None) is not None
                and model_field.related_model._meta.label == "beneficiaries.Household"
            )
        ):
            continue
        is_file = isinstance(model_field, models.FileField)
        rows.append(
            {
                # The label in the reader's language, now: verbose names are lazy.
                "field": str(model_field.verbose_name)
                if model_field
                else str(_EVENT_LABELS.get(name, name)),
                "old": _display(model_field, old, names, file_names[0] if is_file else None),
                "new": _display(model_field, new, names, file_names[1] if is_file else None),
            }
        )
    return rows


def rendered_changes(events, household) -> list[dict]:
    """A page of a household's history as people read it: each event with the label of
    its kind of record and its changes, names instead of ids, labels instead of codes.
    One query per kind of related row named, whatever the number of events."""
    names = _related_names(events, household)
    return [
        {
            "event": event,
            "label": _model_label(event),
            "name": _readable_repr(event.object_repr),
            "changes": _changes(event, names),
        }
        for event in events
    ]
