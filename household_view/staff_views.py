"""The workers' pages of a case's household accesses: who has access, since when and
when it was last used, what the household wrote; giving a new access (a one-time link
and its QR code, printed or shown) and revoking one. The case comes from the casework
selector (outside it: 404); giving and revoking are `may_issue_household_access`."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beneficiaries.models.households import years_before
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import pathway as pathway_selectors
from core.access import access_for

from . import selectors, services
from .forms import IssueForm

# The link exists once, in the worker's session, between the issue and its printout.
_LINK_SESSION_KEY = "household_access_link:{}"


def _case(request, public_id):
    case = cases_selectors.case_for_casework(user=request.user, public_id=public_id)
    access = access_for(request.user)
    access.require(access.may_see_household_accesses(case))
    return case


def _adults(case):
    adult_born_by = years_before(timezone.localdate(), 18)
    return pathway_selectors.household_members(case=case).filter(birth_date__lte=adult_born_by)


@require_GET
def access_list(request, public_id):
    case = _case(request, public_id)
    access = access_for(request.user)
    now = timezone.now()
    accesses = list(selectors.accesses_of(case=case))
    for row in accesses:
        row.active_now = row.is_active(now) and (row.opened_at or row.link_is_usable(now))
    can_issue = access.may_issue_household_access(case)
    return render(
        request,
        "household_view/access_list.html",
        {
            "case": case,
            "household": case.household,
            "accesses": accesses,
            "member_messages": list(selectors.messages_of(case=case)[:50]),
            "can_issue": can_issue and case.is_open,
            "form": IssueForm(members=_adults(case)) if can_issue and case.is_open else None,
        },
    )


@require_POST
def access_issue(request, public_id):
    case = _case(request, public_id)
    access = access_for(request.user)
    access.require(access.may_issue_household_access(case))
    form = IssueForm(request.POST, members=_adults(case))
    if form.is_valid():
        try:
            granted, token = services.access_issue(
                request=request, user=request.user, case=case, person=form.cleaned_data["person"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            link = request.build_absolute_uri(reverse("household_view:open", args=[token]))
            request.session[_LINK_SESSION_KEY.format(granted.public_id)] = link
            return redirect(
                "household_access:print", public_id=case.public_id, access_id=granted.public_id
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("household_access:list", public_id=case.public_id)


@require_GET
def access_print(request, public_id, access_id):
    """The link and its QR code, to print or show on screen: once. Reloaded, the page
    says so (the link is kept only as a digest)."""
    case = _case(request, public_id)
    granted = selectors.access_of_case(case=case, public_id=access_id)
    link = request.session.pop(_LINK_SESSION_KEY.format(granted.public_id), None)
    qr = None
    if link:
        qr = qrcode.make(
            link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
        ).to_string(encoding="unicode")
    return render(
        request,
        "household_view/access_print.html",
        {"case": case, "household": case.household, "granted": granted, "link": link, "qr": qr},
    )


@require_POST
def access_revoke(request, public_id, access_id):
    case = _case(request, public_id)
    granted = selectors.access_of_case(case=case, public_id=access_id)
    granted.case = case
    try:
        services.access_revoke(request=request, user=request.user, household_access=granted)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Accesso di %(name)s revocato.") % {"name": granted.person.first_name}
        )
    return redirect("household_access:list", public_id=case.public_id)
