"""What housing shows on beneficiaries' pages (core/panels.py): where the household
lives on its file and on the page of a case."""

from core import panels

from . import selectors


@panels.register(panels.HOUSEHOLD)
def household_dwelling(*, user, household):
    dwelling = selectors.dwelling(user=user, household=household)
    return panels.Panel("housing/_dwelling.html", {"dwelling": dwelling}) if dwelling else None


@panels.register(panels.CASE)
def case_dwelling(*, user, case):
    dwelling = selectors.dwelling(user=user, case=case)
    return panels.Panel("housing/_dwelling.html", {"dwelling": dwelling}) if dwelling else None
