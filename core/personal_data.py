"""The privacy registry: for every model, whether it holds personal data and, if it does,
what of it goes into a person's export, what erasure does to it and which rows are
confidential or special-category (GDPR art. 9).

Each app declares its models next to them, in its `privacy.py`:

    from core.personal_data import MARK, register, not_personal

    register(
        RentPayment,
        section="pagamenti",                 # its key in the person's export
        household="case__household",         # the path from a row to its Household
        within="case",                       # nested under the exported Case
        export=[("data", "paid_on"), ("note", "notes")],
        erase={"notes": MARK},
        keep={"currency": "a code, no personal data"},
    )
    not_personal(Service, reason="what a project offers, about nobody")

The privacy app (privacy/services.py) drives the person's export and the erasure by
anonymisation from these declarations only; tests/privacy/test_registry.py walks every
model of every app and fails when one is not declared, or when a text, char, JSON or file
field of a personal-data model is in none of `export`, `erase` and `keep`.

This module is below the domain: it imports no app. The declarations are imported by
`discover()` (privacy's AppConfig.ready calls it, and so does the sweep test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

# Replacements erasure writes into a field.
BLANK = ""  # an optional text: emptied
MARK = "—"  # a required text (or one a constraint requires): a dash that says "cleared"


class _MarkIfSet:
    """A dash where the field had something, left empty where it was empty (so a check
    constraint that ties the field to another one still holds, either way)."""

    def __repr__(self):
        return "MARK_IF_SET"


MARK_IF_SET = _MarkIfSet()


class _Delete:
    """Erasure deletes the rows (and the files of their file fields, once committed)."""

    def __repr__(self):
        return "DELETE"


DELETE = _Delete()

# An export item: "field", (key, "field") or (key, "field" or None, getter(row, ctx)).
ExportItem = str | tuple


@dataclass(frozen=True)
class Declaration:
    model: type[models.Model]
    personal: bool
    reason: str = ""
    # Where a row leads: "" is the row itself, None is "does not lead there".
    person: str | None = None
    household: tuple[str, ...] = ()
    section: str | None = None
    within: str | None = None
    single: bool = False
    export: tuple[tuple[str, str | None, Callable | None], ...] = ()
    erase: dict | _Delete = field(default_factory=dict)
    keep: dict[str, str] = field(default_factory=dict)
    confidential: Q | None = None
    special: Q | None = None
    scope: Callable | None = None
    refers_to: tuple[str, str] | None = None
    unlink: tuple[str, ...] = ()
    order: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label

    def exported_fields(self) -> set[str]:
        return {name for _key, name, _getter in self.export if name}

    def erased_fields(self) -> set[str]:
        if self.erase is DELETE:
            return {f.name for f in self.model._meta.concrete_fields}
        return set(self.erase)

    def household_q(self, household) -> Q:
        """The rows of this model that belong to `household`."""
        q = Q(pk__in=[])
        for path in self.household:
            q |= Q(pk=household.pk) if path == "" else Q(**{path: household})
        return q

    def parent_model(self):
        return self.model._meta.get_field(self.within).related_model if self.within else None


def _export_items(items: Iterable[ExportItem]):
    result = []
    for item in items:
        if isinstance(item, str):
            result.append((item, item, None))
        elif len(item) == 2:
            key, name = item
            result.append((key, name, None))
        else:
            result.append(tuple(item))
    return tuple(result)


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class Registry:
    def __init__(self):
        self._declarations: dict[str, Declaration] = {}

    def register(
        self,
        model,
        *,
        person: str | None = None,
        household: str | Iterable[str] | None = None,
        section: str | None = None,
        within: str | None = None,
        single: bool = False,
        export: Iterable[ExportItem] = (),
        erase: dict | _Delete | None = None,
        keep: dict[str, str] | None = None,
        confidential: Q | None = None,
        special: Q | None = None,
        scope: Callable | None = None,
        refers_to: tuple[str, str] | None = None,
        unlink: Iterable[str] = (),
        order: Iterable[str] = (),
    ) -> Declaration:
        """Declare a model that holds personal data.

        person: the path from a row to the Person it is about ("" if the row is the
        person); rows about another person never go into someone's export.
        household: the path(s) from a row to its Household ("" if it is the household);
        erasure of a household reaches the rows these paths find.
        section / within / single: the row's key in the export, the foreign key under
        whose exported row it nests (its rows go only where their parent went), and
        whether there is one row (a dict) rather than a list.
        export: the fields that go into the person's export, as "field", (key, "field")
        or (key, "field", getter(row, ctx)).
        erase: {field: replacement} (BLANK, MARK, MARK_IF_SET, a value, or a callable
        (row, number) -> value), or DELETE.
        keep: {field: why it stays} for text fields that are in neither list.
        confidential: rows never exported (a Q). special: rows of special categories
        (a Q), exported only to who may read them, and only in the export of the person
        they are about. scope: access -> Q, the rows the requesting user may see.
        refers_to: (label field, id field): the row is about another row, and goes into
        the export only with it (the audit trail).
        unlink: many-to-many fields to the household that erasure removes it from.
        """
        model = _model(model)
        declaration = Declaration(
            model=model,
            personal=True,
            person=person,
            household=_as_tuple(household),
            section=section,
            within=within,
            single=single,
            export=_export_items(export),
            erase={} if erase is None else erase,
            keep=dict(keep or {}),
            confidential=confidential,
            special=special,
            scope=scope,
            refers_to=refers_to,
            unlink=tuple(unlink),
            order=tuple(order),
        )
        return self._add(declaration)

    def not_personal(self, model, *, reason: str) -> Declaration:
        """Declare a model that holds no personal data, and why."""
        if not reason:
            raise ValueError("Say why the model holds no personal data.")
        return self._add(Declaration(model=_model(model), personal=False, reason=reason))

    def _add(self, declaration: Declaration) -> Declaration:
        label = declaration.label
        if label in self._declarations:
            raise ValueError(f"{label} is declared twice in the privacy registry.")
        self._declarations[label] = declaration
        return declaration

    def remove(self, model) -> None:
        self._declarations.pop(_model(model)._meta.label, None)

    def get(self, model) -> Declaration | None:
        return self._declarations.get(_model(model)._meta.label)

    def __iter__(self):
        return iter(list(self._declarations.values()))

    def personal(self) -> list[Declaration]:
        return [d for d in self if d.personal]

    def problems(self, model_classes: Iterable[type[models.Model]]) -> list[str]:
        """What the sweep test reports: models not declared, and text, char, JSON or
        file fields of personal-data models that are in none of export, erase, keep;
        declarations naming fields that do not exist."""
        found = []
        for model in model_classes:
            declaration = self.get(model)
            if declaration is None:
                found.append(f"{model._meta.label}: not in the privacy registry")
                continue
            if not declaration.personal:
                continue
            names = {f.name for f in model._meta.get_fields()}
            declared = (
                declaration.exported_fields() | declaration.erased_fields() | set(declaration.keep)
            )
            for name in sorted(declared - names):
                found.append(f"{model._meta.label}.{name}: declared but no such field")
            for name, reason in declaration.keep.items():
                if not reason:
                    found.append(f"{model._meta.label}.{name}: kept without a reason")
            for model_field in model._meta.concrete_fields:
                if _holds_text(model_field) and model_field.name not in declared:
                    found.append(
                        f"{model._meta.label}.{model_field.name} ({type(model_field).__name__}):"
                        " in none of export, erase, keep"
                    )
        return found


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def _holds_text(model_field) -> bool:
    # EmailField, SlugField, URLField, CountryField... are CharFields; ImageField a FileField.
    return isinstance(model_field, TEXT_FIELDS)


def _model(model):
    return apps.get_model(model) if isinstance(model, str) else model


registry = Registry()
register = registry.register
not_personal = registry.not_personal


def discover() -> Registry:
    """Import every app's privacy.py (once: Python keeps imported modules)."""
    autodiscover_modules("privacy")
    return registry


class ConsentPurpose(models.TextChoices):
    """The purposes for which the network processes a household's data, each on its own
    basis (beneficiaries.Consent). Here, below the domain, because a project (projects/)
    names the purposes it needs besides case management, and the consent
    (beneficiaries/) records them."""

    CASE_MANAGEMENT = "case_management", _("Presa in carico e accompagnamento")
    NETWORK_SHARING = "network_sharing", _("Condivisione con gli enti della rete")
    SPECIAL_CATEGORIES = "special_categories", _("Dati particolari (salute, violenza)")
    REPORTING = "reporting", _("Rendicontazione anonima a enti e finanziatori")
    FOLLOW_UP = "follow_up", _("Contatti di follow-up dopo l'uscita")
