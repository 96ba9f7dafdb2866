"""Writing the audit trail. Services call these inside their transaction, so a change
and its audit row are saved together or not at all."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.db import models

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


def record(
    *,
    actor,
    action: str,
    instance: models.Model,
    household=None,
    changes: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        model_label=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        household=household,
        changes=changes or {},
    )


def record_create(*, actor, instance, household=None) -> AuditEvent:
    return record(
        actor=actor,
        action=Action.CREATE,
        instance=instance,
        household=household,
        changes={k: [None, v] for k, v in snapshot(instance).items() if v not in (None, "")},
    )


def record_update(*, actor, instance, before: dict, household=None) -> AuditEvent | None:
    """Record what changed since `before` (a snapshot); nothing when nothing changed."""
    changes = diff(before, snapshot(instance))
    if not changes:
        return None
    return record(
        actor=actor, action=Action.UPDATE, instance=instance, household=household, changes=changes
    )
