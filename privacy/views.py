"""The rights of a person over their data (GDPR art. 15–17, 20): what the network holds
about them, as a page and as a JSON download, and the erasure of their household by
anonymisation — refused, with the reasons, while the records must be kept. The rules
are in privacy/services.py, driven by the privacy registry (core/personal_data.py);
rectification is through the usual forms."""

from __future__ import annotations

import datetime
import json
import re
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beneficiaries.selectors import households as households_selectors
from core.access import access_for
from privacy import services as privacy_services


@require_GET
def person_data(request, public_id):
    """The readable page: everything held about the person, and the erasure."""
    person = privacy_services.person_for_rights(user=request.user, public_id=public_id)
    data = privacy_services.person_export(user=request.user, person=person)
    privacy_services.export_recorded(request=request, person=person, fmt="page")
    household = person.household
    return render(
        request,
        "privacy/person_data.html",
        {
            "person": person,
            "household": household,
            "data": _for_reading(data),
            "obstacles": privacy_services.retention_obstacles(household),
            "anonymised": privacy_services.is_anonymised(household),
            "retention_years": privacy_services.retention_years(),
        },
    )


@require_GET
def person_data_json(request, public_id):
    """The same data, machine-readable (art. 20), as a file to download."""
    person = privacy_services.person_for_rights(user=request.user, public_id=public_id)
    data = privacy_services.person_export(user=request.user, person=person)
    privacy_services.export_recorded(request=request, person=person, fmt="json")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    # An opaque name: no person's name in the file name or in the browser's history.
    name = f"abitare-dati-{person.public_id}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def household_anonymise(request, public_id):
    household = households_selectors.household_for_user(user=request.user, public_id=public_id)
    if not access_for(request.user).may_exercise_rights(household):
        raise PermissionDenied
    person_id = request.POST.get("person", "")
    back = household.get_absolute_url()
    person = household.members.filter(public_id__in=_uuid_list(person_id)).first()
    if person is not None:
        back = reverse("privacy:person_data", args=[person.public_id])
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Conferma l'anonimizzazione spuntando la casella."))
        return redirect(back)
    try:
        privacy_services.household_anonymise(
            user=request.user, household=household, request=request
        )
    except ValidationError as error:
        messages.error(
            request,
            _("Anonimizzazione rifiutata: %(reasons)s") % {"reasons": " ".join(error.messages)},
        )
        return redirect(back)
    messages.success(
        request,
        _(
            "I dati personali del nucleo sono stati anonimizzati: nomi, codici fiscali, "
            "contatti, date di nascita, note e documenti non ci sono più."
        ),
    )
    return redirect(household)


def _uuid_list(value: str) -> list:
    try:
        return [uuid.UUID(value)]
    except ValueError:
        return []


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _for_reading(value):
    """The export's data with its ISO dates as people read them (the JSON keeps ISO)."""
    if isinstance(value, dict):
        return {key: _for_reading(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_for_reading(item) for item in value]
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value
