"""The patto di accoglienza on paper (issue 12, item 10): household, unit, dates, monthly
contribution and the project's rules (its own, or the network's common ones), with
signature lines; the page in the user's language, the PDF in Italian; only for those
who may open the placement (bruno and marco the referrer: 404)."""

from decimal import Decimal

import pytest
import weasyprint
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from beneficiaries.models import Vulnerability
from housing import services
from projects.models import DEFAULT_AGREEMENT_RULES
from tests.a11y import accessibility_problems
from tests.factories import CaseNoteFactory

from .conftest import members

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(carla, unit_alfa, make_household, today):
    household = make_household(size=2, last_name="Okafor")
    placement = services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=household,
        members=members(household),
        start_date=today,
        monthly_contribution=Decimal("120.50"),
    )
    CaseNoteFactory(case=placement.case, text="Nota di diario da non stampare")
    Vulnerability.objects.create(household=household, kind="domestic_violence")
    return placement


def _url(placement, name="placement_agreement"):
    return reverse(f"housing:{name}", kwargs={"public_id": placement.public_id})


def test_the_printed_patto_has_household_unit_dates_contribution_rules_and_signatures(
    client_for, carla, placement
):
    response = client_for(carla).get(_url(placement))
    html = response.content.decode()
    assert response.status_code == 200
    for person in placement.members.all():
        assert person.full_name in html
    assert "Appartamento 1" in html and "Via Esempio" in html
    assert "120,50" in html
    assert escape(str(DEFAULT_AGREEMENT_RULES[0])) in html
    assert html.count('class="signature-line"') == 3 + 1  # three signatures, place and date
    assert accessibility_problems(html) == []
    assert "Nota di diario da non stampare" not in html
    assert "Violenza" not in html and "violenza" not in html


def test_the_projects_own_rules_replace_the_common_ones(client_for, carla, placement):
    project = placement.unit.project
    project.agreement_rules = (
        "Niente animali nell'alloggio.\n\n  Raccolta differenziata ogni giorno.  "
    )
    project.save()
    html = client_for(carla).get(_url(placement)).content.decode()
    assert "<li>Niente animali nell&#x27;alloggio.</li>" in html
    assert "<li>Raccolta differenziata ogni giorno.</li>" in html
    assert escape(str(DEFAULT_AGREEMENT_RULES[0])) not in html


def test_the_pdf_is_in_italian_whatever_the_users_language(
    client_for, alice, placement, monkeypatch
):
    rendered = []
    real_html = weasyprint.HTML

    def spy(*args, **kwargs):
        rendered.append(kwargs["string"])
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    assert "Reception agreement" in client.get(_url(placement)).content.decode()
    response = client.get(_url(placement, "placement_agreement_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    (html,) = rendered
    assert '<html lang="it">' in html and "Patto di accoglienza" in html
    assert "Reception agreement" not in html
    with translation.override("it"):
        assert escape(str(DEFAULT_AGREEMENT_RULES[1])) in html


@pytest.mark.parametrize("persona", ["bruno", "marco", "olga"])
def test_outsider_referrer_and_admin_get_404(request, client_for, placement, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_url(placement)).status_code == 404
    assert client.get(_url(placement, "placement_agreement_pdf")).status_code == 404


def test_the_placement_page_links_its_printouts(client_for, alice, placement):
    html = client_for(alice).get(placement.get_absolute_url()).content.decode()
    assert _url(placement) in html and _url(placement, "placement_agreement_pdf") in html


def test_printed_patto_query_budget(client_for, carla, placement, django_assert_num_queries):
    client = client_for(carla)
    client.get(_url(placement))
    # session, user, memberships, coordinated projects, placement, household members,
    # people placed.
    with django_assert_num_queries(7):
        assert client.get(_url(placement)).status_code == 200
