"""Browser journey of a coordinator through two-factor authentication (issue 7, "done
when"; issue 11): the admin hands her an activation code out of band, the first login
sends her to set up an authenticator app, she types the key shown on the page into the
"app" (here: django_otp.oath.totp, as a phone computes it) and, with the app's code,
the activation code — without it the password alone brings in no app —, keeps the
recovery codes, logs out, logs in again with password and code; a recovery
code lets her in once, and not twice. No CSP violation along the way."""

import base64
import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from core import two_factor
from partners.models import StaffMembership
from tests.browser.conftest import log_out as browser_log_out
from tests.factories import OrganisationFactory, StaffMembershipFactory, UserFactory

PASSWORD = "correct-horse-battery"


class Phone:
    """An authenticator app: it knows the key typed into it and the time."""

    def __init__(self, secret_text: str):
        self.key = base64.b32decode(secret_text.replace(" ", ""))
        self.last_step = -1

    def code(self) -> str:
        # A person waits for a fresh code rather than typing one already used.
        step = int(time.time() // 30)
        drift = max(0, self.last_step + 1 - step)
        self.last_step = step + drift
        return f"{totp(self.key, 30, 0, 6, drift):06d}"


def log_in_with_password(page, live_server):
    page.goto(f"{live_server.url}/accesso/")
    page.get_by_label("Nome utente").fill("giulia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def log_out(page, live_server):
    browser_log_out(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_sets_up_two_factor_and_logs_in_with_it(page, live_server):
    coop = OrganisationFactory(name="Cooperativa Gamma", slug="gamma")
    coordinator = UserFactory(username="giulia", first_name="Giulia", last_name="Monti")
    StaffMembershipFactory(
        user=coordinator, organisation=coop, role=StaffMembership.Role.COORDINATOR
    )
    activation_code = two_factor.activation_code_issue(user=coordinator)
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    # First login: the password is right, and the setup page comes first.
    log_in_with_password(page, live_server)
    expect(page).to_have_url(re.compile(r"/profilo/sicurezza/due-fattori/configura/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Configura l'autenticazione a due fattori"
    )
    expect(page.get_by_role("img", name=re.compile("Codice QR"))).to_be_visible()
    expect(page.locator("[data-testid=qr-code] svg")).to_be_visible()
    # Going elsewhere is not possible yet.
    page.goto(f"{live_server.url}/casi/")
    expect(page).to_have_url(re.compile(r"/due-fattori/configura/\?next="))

    # She types the key into her app and the app's code into the page. Opening the
    # page wrote nothing: the new secret waits in her session.
    assert not TOTPDevice.objects.exists()
    expect(page.get_by_test_id("activation-needed")).to_be_visible()
    phone = Phone(page.get_by_test_id("totp-secret").inner_text())
    # The password alone (and a guessed activation code) brings in no app.
    page.get_by_label("Codice di attivazione").fill("aaaa-bbbb-cccc-dddd")
    page.get_by_label("Codice di verifica").fill(phone.code())
    page.get_by_role("button", name="Conferma e attiva").click()
    expect(
        page.locator("main form").get_by_text("Il codice di attivazione non è valido")
    ).to_be_visible()
    assert not TOTPDevice.objects.exists()
    # The code the admin handed her (Django admin or `manage.py two_factor_activation`).
    page.get_by_label("Codice di attivazione").fill(activation_code)
    page.get_by_label("Codice di verifica").fill(phone.code())
    page.get_by_role("button", name="Conferma e attiva").click()

    # Ten recovery codes, shown once; she writes them down.
    expect(page.get_by_role("heading", level=1)).to_have_text("Codici di recupero")
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path="/tmp/recovery-codes.png", full_page=True)  # noqa: S108
    page.get_by_role("link", name="Ho salvato i codici, continua").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prese in carico")
    page.goto(f"{live_server.url}/profilo/sicurezza/codici-di-recupero/")
    expect(page.get_by_test_id("no-codes")).to_be_visible()
    page.goto(f"{live_server.url}/profilo/sicurezza/")
    expect(page.get_by_test_id("two-factor-state")).to_contain_text("Attiva")
    expect(page.get_by_test_id("two-factor-state")).to_contain_text("10 codici di recupero")
    log_out(page, live_server)

    # Next login: password, then the code of the app.
    log_in_with_password(page, live_server)
    expect(page).to_have_url(re.compile(r"/accesso/verifica/"))
    page.get_by_label("Codice di verifica").fill("000000")
    page.get_by_role("button", name="Verifica").click()
    expect(page.locator("main form").get_by_text("Codice non valido")).to_be_visible()
    time.sleep(1.1)  # django-otp slows down attempts after a failure
    page.get_by_label("Codice di verifica").fill(phone.code())
    page.get_by_role("button", name="Verifica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buongiorno, Giulia")
    expect(page.get_by_test_id("current-user")).to_have_text("Giulia Monti")
    log_out(page, live_server)

    # Without the phone: a recovery code, once.
    log_in_with_password(page, live_server)
    page.get_by_label("Codice di verifica").fill(codes[0])
    page.get_by_role("button", name="Verifica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buongiorno, Giulia")
    log_out(page, live_server)
    log_in_with_password(page, live_server)
    page.get_by_label("Codice di verifica").fill(codes[0])
    page.get_by_role("button", name="Verifica").click()
    expect(page.locator("main form").get_by_text("Codice non valido")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accesso/verifica/"))

    assert csp_errors == []
