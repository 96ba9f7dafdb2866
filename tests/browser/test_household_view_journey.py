""" "Il mio percorso" in the browser: a worker gives an adult member of the household an
access; the member opens the link on a phone, sets a PIN, reads its plan in Arabic
(right to left) and in Ukrainian, rates itself and writes to the worker; the worker
sees the rating beside its own and the message among its notifications, revokes the
access, and the member's next request is refused. Every page the member opens is
checked with axe-core, in each language it reads."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import watch_with_axe
from tests.factories import AutonomyAssessmentFactory, ConsentFactory, SupportPlanFactory

PHONE = {"width": 360, "height": 740}
LANGUAGES = ["it", "en", "fr", "ar", "uk"]


@pytest.fixture
def member(case_alfa):
    person = case_alfa.household.members.get()
    person.birth_date = datetime.date(1985, 4, 2)
    person.save()
    return person


def _phone(browser):
    context = browser.new_context(locale="it-IT", viewport=PHONE, reduced_motion="reduce")
    page = context.new_page()
    return context, page, watch_with_axe(page)


def _fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _choose_language(page, name, button):
    page.get_by_label(re.compile(r"^(Lingua|Language|Langue|اللغة|Мова)$")).select_option(
        label=name
    )
    page.get_by_role("button", name=button).click()


def _issue_link(page, live_server, case):
    page.goto(live_server.url + case.get_absolute_url())
    page.get_by_test_id("household-accesses-link").click()
    page.get_by_label("Componente maggiorenne").select_option(index=1)
    page.get_by_role("button", name="Crea il link e il codice QR").click()
    expect(page.get_by_test_id("access-qr")).to_be_visible()
    return page.get_by_test_id("access-link").get_attribute("href")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_follows_its_own_pathway_from_a_phone(
    page, browser, live_server, login_as, alice, case_alfa, member
):
    plan = SupportPlanFactory(case=case_alfa)
    AutonomyAssessmentFactory(case=case_alfa, levels={"work": 2})
    ConsentFactory(household=case_alfa.household)
    login_as("alice")

    # The worker shares a goal with the household (the new box of the goal form).
    page.goto(live_server.url + reverse("beneficiaries:goal_create", args=[case_alfa.public_id]))
    page.get_by_label("Ambito").select_option(label="Lavoro")
    page.get_by_role("textbox", name=re.compile(r"^Obiettivo")).fill("Trovare un lavoro stabile")
    page.get_by_label("Visibile al nucleo in «Il mio percorso»").check()
    page.get_by_role("button", name="Salva l'obiettivo").click()
    assert plan.goals.get().visible_to_household

    link = _issue_link(page, live_server, case_alfa)
    assert "/percorso/entra/" in link

    context, phone, axe_phone = _phone(browser)
    try:
        phone.goto(link)
        phone.get_by_role("button", name="Entra").click()
        expect(phone).to_have_url(re.compile(r"/percorso/pin/$"))
        phone.get_by_label("Scegli un PIN (da 4 a 6 cifre)").fill("2468")
        phone.get_by_label("Scrivi di nuovo il PIN").fill("2468")
        phone.get_by_role("button", name="Salva il PIN").click()
        expect(phone.get_by_test_id("hv-goal-text")).to_have_text("Trovare un lavoro stabile")
        _fits_the_phone(phone)

        # In Arabic, right to left; the worker's words stay Italian, marked so.
        _choose_language(phone, "العربية", "Cambia")
        expect(phone.locator("html")).to_have_attribute("dir", "rtl")
        expect(phone.locator("html")).to_have_attribute("lang", "ar")
        expect(phone.get_by_role("heading", name="أهدافك")).to_be_visible()
        expect(phone.get_by_test_id("hv-goal-text")).to_have_attribute("lang", "it")
        _fits_the_phone(phone)

        # In Ukrainian.
        _choose_language(phone, "Українська", "غيّر")
        expect(phone.locator("html")).to_have_attribute("dir", "ltr")
        expect(phone.get_by_role("heading", name="Ваші цілі")).to_be_visible()
        _fits_the_phone(phone)

        # Its own voice: a rating, a message.
        phone.get_by_role("navigation").get_by_role("link", name="Як я").click()
        phone.locator("input[name=work][value='4']").check()
        phone.locator("input[name=housing][value='3']").check()
        _fits_the_phone(phone)
        phone.get_by_role("button", name="Надіслати відповіді").click()
        expect(phone.get_by_test_id("hv-message")).to_be_visible()
        phone.get_by_role("navigation").get_by_role("link", name="Написати соцпрацівнику").click()
        phone.get_by_label("Ваше повідомлення").fill("Ho trovato un lavoro part-time.")
        phone.get_by_role("button", name="Надіслати", exact=True).click()
        expect(phone.get_by_test_id("hv-message")).to_have_text(
            "Повідомлення надіслано соцпрацівнику."
        )

        # The worker sees the rating beside its own, and the message.
        page.goto(
            live_server.url + reverse("beneficiaries:assessment_list", args=[case_alfa.public_id])
        )
        panel = page.get_by_test_id("self-assessment-panel")
        expect(panel).to_contain_text("Autovalutazione di Fatima")
        expect(panel.get_by_role("row", name=re.compile("Lavoro e formazione"))).to_contain_text(
            re.compile(r"2\s+4 · Quasi autonomo")
        )
        page.goto(live_server.url + reverse("notifications:list"))
        expect(
            page.get_by_role("button", name="1 messaggio da un nucleo che segui", exact=True)
        ).to_be_visible()
        page.goto(live_server.url + reverse("household_access:list", args=[case_alfa.public_id]))
        expect(page.get_by_test_id("member-message")).to_contain_text(
            "Ho trovato un lavoro part-time."
        )

        # Revoked: the member's next request is refused.
        page.get_by_role("button", name="Revoca l'accesso di Fatima").click()
        expect(page.get_by_test_id("household-access-row")).to_contain_text("Revocato")
        phone.goto(live_server.url + "/percorso/")
        # To the PIN page (the phone has its cookie), saying the access has ended.
        expect(phone).to_have_url(re.compile(r"/percorso/accedi/$"))
        expect(phone.get_by_test_id("hv-message")).to_contain_text("Цей доступ більше не діє")
        # Nor does the PIN bring it back.
        phone.get_by_label("Ваш PIN").fill("2468")
        phone.get_by_role("button", name="Увійти").click()
        expect(phone.locator("#id_pin-error")).to_contain_text("Цей доступ більше не діє")
        phone.goto(live_server.url + "/percorso/")
        expect(phone).to_have_url(re.compile(r"/percorso/accedi/$"))
        axe_phone.check_now()
        axe_phone.assert_no_violations()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_of_the_view_in_every_language_passes_axe(
    browser, live_server, alice, case_alfa, member
):
    from household_view import services
    from household_view.models import HouseholdAccess

    SupportPlanFactory(case=case_alfa)
    context, phone, axe_phone = _phone(browser)
    try:
        granted = HouseholdAccess.objects.create(
            case=case_alfa,
            person=member,
            issued_by=alice,
            link_token_hash=services.digest("journey-token"),
            link_expires_at=timezone.now() + datetime.timedelta(hours=1),
        )
        phone.goto(live_server.url + "/percorso/entra/journey-token/")
        phone.locator("main button").click()
        expect(phone).to_have_url(re.compile(r"/percorso/pin/$"))
        for code in LANGUAGES:
            HouseholdAccess.objects.filter(pk=granted.pk).update(language=code)
            phone.goto(live_server.url + "/percorso/")
            phone.locator("#hv-language").select_option(code)
            phone.locator("form.hv-language button").click()
            expect(phone.locator("html")).to_have_attribute("lang", code)
            for path in ("", "come-sto/", "scrivi/", "pin/"):
                phone.goto(f"{live_server.url}/percorso/{path}")
                _fits_the_phone(phone)
                axe_phone.check_now()  # each page surely checked, however fast we move
            # A form with errors, too.
            phone.goto(f"{live_server.url}/percorso/scrivi/")
            phone.locator("form:not(.hv-language) button[type=submit]").first.click()
            expect(phone.locator("#text-error")).to_be_visible()
            axe_phone.check_now()
        phone.locator("footer form:not(.hv-language) button").click()
        expect(phone).to_have_url(re.compile(r"/percorso/benvenuto/$"))
        phone.goto(live_server.url + "/percorso/entra/used-or-unknown/")
        axe_phone.check_now()
        axe_phone.assert_no_violations()
        assert len(axe_phone.checked_urls()) >= 5 * 5
    finally:
        context.close()
