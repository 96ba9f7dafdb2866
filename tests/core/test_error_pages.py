"""The error pages: in the user's language, inside the site's layout (with the
navigation for a logged-in user), saying what happened and where to go."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.a11y import accessibility_problems

pytestmark = pytest.mark.urls("tests.core.error_urls")


def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
def test_the_404_page_for_a_logged_in_user(client_for, alice):
    response = client_for(alice).get("/non-esiste/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1" in html and "Pagina non trovata" in html
    assert 'aria-label="Navigazione principale"' in html
    assert 'href="/casi/"' in html  # her caseload, from the navigation and the page
    assert reverse("logout") in html
    assert "Vai alla pagina iniziale" in html
    assert accessibility_problems(html) == []


@pytest.mark.django_db
def test_the_404_page_in_english(client_for, alice):
    html = english(client_for(alice)).get("/non-esiste/").content.decode()
    assert '<html lang="en">' in html
    assert "Page not found" in html
    assert "Pagina non trovata" not in html


@pytest.mark.django_db
def test_the_404_page_for_someone_not_logged_in_points_to_the_login(client):
    response = client.get("/non-esiste/")
    html = response.content.decode()
    assert response.status_code == 404
    assert reverse("login") in html
    assert "Vai alla pagina di accesso" in html
    assert 'id="main-nav"' not in html


@pytest.mark.django_db
def test_the_403_page(client_for, alice):
    response = client_for(alice).get("/prova/vietato/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Operazione non consentita" in html
    assert "Il tuo ruolo non permette" in html
    assert 'id="main-nav"' in html
    assert accessibility_problems(html) == []
    html = english(client_for(alice)).get("/prova/vietato/").content.decode()
    assert "Action not allowed" in html


@pytest.mark.django_db
def test_the_400_page(client_for, alice):
    response = client_for(alice).get("/prova/richiesta-non-valida/")
    assert response.status_code == 400
    assert "Richiesta non valida" in response.content.decode()
    assert accessibility_problems(response.content.decode()) == []


@pytest.mark.django_db
def test_the_500_page_renders_with_no_request_context(client_for, alice):
    client = client_for(alice)
    client.raise_request_exception = False
    response = client.get("/prova/guasto/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Si è verificato un errore" in html
    assert "/static/css/abitare.css" in html
    assert "a bug" not in html
    assert accessibility_problems(html) == []
    client.cookies["django_language"] = "en"
    assert "Something went wrong" in client.get("/prova/guasto/").content.decode()


def test_the_500_template_needs_nothing_from_the_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Si è verificato un errore" in html


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_the_friendly_page(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("logout"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Il modulo è scaduto" in html
    assert "Nulla è stato salvato" in html
    assert "CSRF" not in html.replace("X-CSRFToken", "")
    assert accessibility_problems(html) == []


@pytest.mark.django_db
def test_every_page_links_the_favicon(client_for, alice):
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")
    html = client_for(alice).get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
