"""Browser tests: Playwright driving the system Chromium.

In CI (CI=true) Chromium must be there and the tests run; elsewhere they skip, with the
reason shown, when it is missing.
"""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the test
# itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"CI must run the browser tests, but there is no Chromium at {CHROMIUM}"
        )
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Django picks the language from Accept-Language; headless Chromium says en-US, but
    # the users of the network browse in Italian, the product's first language.
    return {**browser_context_args, "locale": "it-IT"}


def current_totp_code(device) -> str:
    """The code an authenticator app shows now for `device` — or the next step's, if
    this step's code was already used (the server never accepts a step twice)."""
    import time

    from django_otp.oath import totp

    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    drift = max(0, device.last_t + 1 - now_t)
    code = totp(device.bin_key, device.step, device.t0, device.digits, drift)
    return f"{code:0{device.digits}d}"


@pytest.fixture
def login_as(page, live_server):
    """Log in through the real login form. Coordinators and admins must give a second
    factor (core/two_factor.py): for them an authenticator app is set up beforehand, as
    if on their phone, and its current code is typed on the verification page."""

    def login(username, password="correct-horse-battery"):
        from django.contrib.auth import get_user_model
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from core import two_factor

        user = get_user_model().objects.filter(username=username).first()
        device = None
        if user is not None and (two_factor.is_required(user) or two_factor.has_app(user)):
            device = two_factor.app_device(user) or TOTPDevice.objects.create(
                user=user, name=two_factor.TOTP_DEVICE_NAME, confirmed=True
            )
        page.goto(f"{live_server.url}/accesso/")
        page.get_by_label("Nome utente").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Accedi").click()
        if device is not None and user.check_password(password):
            expect(page).to_have_url(re.compile(r"/accesso/verifica/"))
            page.get_by_label("Codice di verifica").fill(current_totp_code(device))
            page.get_by_role("button", name="Verifica").click()
        return page

    return login
