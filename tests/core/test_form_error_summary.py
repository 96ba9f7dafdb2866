"""After a refused form the page says so first: "Errore:" leads the title and an error
summary, linking to each field, opens the main content (WCAG 2.1 3.3.1 and 2.4.3). The
browser journey (tests/browser/test_form_errors_focus.py) checks that it takes the focus."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refused_form_names_the_error_in_the_title_and_a_summary(client_for, alice):
    response = client_for(alice).post(reverse("beneficiaries:household_create"), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Errore: " in html
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))
    ]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert 'href="#id_' in summary  # each entry links to its field
    assert "problemi da correggere" in summary


def test_the_summary_and_title_are_in_english_in_the_english_interface(client_for, alice):
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    html = client.post(reverse("beneficiaries:household_create"), {}).content.decode()
    assert "<title>Error: " in html
    assert "problems to fix in the form" in html


def test_a_page_without_a_refused_form_has_neither(client_for, alice):
    html = client_for(alice).get(reverse("beneficiaries:household_create")).content.decode()
    assert "Errore:" not in html.split("</title>")[0]
    assert 'id="error-summary"' not in html
