"""Panels: a section that an app higher up shows on a page of an app below it, without
the lower app importing it (the arrows of docs/architecture.md point down).

The household file and the case page belong to beneficiaries, but where the household
lives is housing's. housing registers a panel function here when it loads
(housing/apps.py); the beneficiaries view asks `panels_for(...)` and includes each
panel's template. Like the privacy registry (core/personal_data.py), the layer below
owns the extension point and the layer above fills it. A panel only reads: it goes
through its own app's selectors, scoped to the user, and returns None when it has
nothing the user may see. Writes never go through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

HOUSEHOLD = "household"  # called with user=, household=
CASE = "case"  # called with user=, case=
ASSESSMENTS = "assessments"  # a case's autonomy assessments page; user=, case=
# The household's own view (household_view/), e.g. its next appointments; called with
# user=None, member_access= (a household_view.HouseholdAccess), case=. A panel shows
# only what the member's own household may know.
HOUSEHOLD_VIEW = "household_view"
PAGES = (HOUSEHOLD, CASE, ASSESSMENTS, HOUSEHOLD_VIEW)


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)


_registry: dict[str, list[Callable[..., Panel | None]]] = {page: [] for page in PAGES}


def register(page: str):
    """Decorator: `function(user=..., <subject>=...)` gives a Panel for `page`, or None."""
    if page not in _registry:
        raise ValueError(f"no panels on page {page!r}")

    def add(function):
        if function not in _registry[page]:
            _registry[page].append(function)
        return function

    return add


def panels_for(page: str, *, user, **subject) -> list[Panel]:
    """The panels of `page` for `user`, in the order the apps registered them."""
    panels = (function(user=user, **subject) for function in _registry[page])
    return [panel for panel in panels if panel is not None]
