"""Browser tests: Playwright driving the system Chromium.

In CI (CI=true) Chromium must be there and the tests run; elsewhere they skip, with the
reason shown, when it is missing.

Every page a browser test opens is checked with axe-core (from the npm registry,
node_modules/axe-core, installed by `npm ci`) against WCAG 2.1 A and AA: the engine is
injected into each document as it loads, runs when the page has loaded, and reports
back; a test fails at its end if any page it opened had a violation. AXE_CORE_JS may
point at another copy of axe.min.js.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the test
# itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Expectations wait up to 15 s rather than Playwright's 5: on a loaded CI machine (two
# cores, both databases' servers, axe on every page) a page can take longer than 5 s to
# arrive, and a journey then failed on a page that was only slow. An expectation that
# cannot be met still fails, later.
expect.set_options(timeout=15_000)


AXE_JS = Path(
    os.environ.get("AXE_CORE_JS")
    or Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    if not AXE_JS.exists():
        missing.append(f"no axe-core at {AXE_JS}: npm ci")
    if not missing:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI must run the browser tests, but: " + "; ".join(missing))
    skip = pytest.mark.skip(reason="; ".join(missing))
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


# axe-core on every page ----------------------------------------------------------------

# Runs in every document after axe itself (an init script: the page's Content Security
# Policy does not apply to it). Frames are checked as part of their top document.
_AXE_ON_LOAD = """
(() => {
  if (window.top !== window) return;
  const options = {runOnly: {type: "tag", values: %(tags)s}, resultTypes: ["violations"]};
  // One run at a time (axe refuses to start while it runs): checks queue up.
  let queue = Promise.resolve();
  window.__abitareAxeCheck = () => {
    const next = queue.then(() => axe.run(document, options)).then(
      (result) => result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + n.failureSummary),
      })));
    queue = next.catch(() => {});
    return next;
  };
  window.addEventListener("load", () => {
    setTimeout(() => {
      window.__abitareAxeCheck()
        .then((violations) => window.__abitareAxeReport(location.href, violations))
        .catch(() => {});  // a page left before axe finished: checked by the next load
    }, 50);
  });
})();
"""


class AxeWatch:
    """The axe results of the pages one browser page (tab) has loaded."""

    def __init__(self, page):
        self.page = page
        self.results: list[tuple[str, list]] = []
        page.expose_function(
            "__abitareAxeReport", lambda url, violations: self.results.append((url, violations))
        )
        page.add_init_script(script=AXE_JS.read_text(encoding="utf-8"))
        page.add_init_script(script=_AXE_ON_LOAD % {"tags": json.dumps(WCAG_TAGS)})

    def check_now(self):
        """Check the page as it is now (after an htmx swap, a dialog, a resize)."""
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("window.__abitareAxeCheck()")
        self.results.append((self.page.url, violations))

    def checked_urls(self) -> list[str]:
        return [url for url, _ in self.results]

    def problems(self) -> str:
        lines = []
        for url, violations in self.results:
            for v in violations:
                lines.append(f"{url}: {v['id']} ({v['impact']}) {v['help']}")
                lines.extend(f"    {node}" for node in v["nodes"])
        return "\n".join(lines)

    def assert_no_violations(self):
        problems = self.problems()
        assert not problems, "axe-core found WCAG 2.1 A/AA violations:\n" + problems


def watch_with_axe(page) -> AxeWatch:
    return AxeWatch(page)


@pytest.fixture
def axe(request):
    """axe-core on the test's `page`: every page it loads is checked, and the test fails
    at its end on any violation (after checking the page it ended on once more)."""
    page = request.getfixturevalue("page")
    watch = AxeWatch(page)
    yield watch
    if page.is_closed() or request.node.rep_call_failed:
        return
    if page.url.startswith("http"):
        watch.check_now()
    watch.assert_no_violations()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    return report


@pytest.fixture(autouse=True)
def _axe_on_every_browser_page(request):
    """Every browser test that opens the `page` gets axe on it."""
    if "page" in request.fixturenames:
        request.getfixturevalue("axe")


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
    # Reduced motion: Bootstrap then drops its 150 ms colour transitions, so axe (which
    # runs 50 ms after each load, while the test may already be hovering a button) sees
    # the colours a user sees once the button has settled, never a blend halfway between
    # its normal and hover colours (a CI run failed on such a blend: #437fd6 on #c7d9f3).
    return {**browser_context_args, "locale": "it-IT", "reduced_motion": "reduce"}


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


# The navigation ------------------------------------------------------------------------


def open_navigation(page):
    """Below 1200 px the navigation is behind the menu button: open it if it is closed."""
    toggler = page.locator("nav .navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(page.locator("#main-nav")).to_be_visible()
    return page.locator("header nav.navbar")


def open_account_menu(page):
    """Open the menu under the user's name. On a loaded machine the first click can land
    while the page is still wiring its scripts (Bootstrap's dropdown, the bell's htmx
    swap) and open nothing; a person would click again, and so does this."""
    open_navigation(page)
    account = page.get_by_test_id("current-user")
    menu = page.locator("#main-nav .dropdown-menu")
    for _ in range(3):
        account.click()
        try:
            expect(menu).to_be_visible(timeout=3000)
            return menu
        except AssertionError:
            continue
    expect(menu).to_be_visible()
    return menu


def log_out(page):
    """The logout button is in the menu under the user's name (in any language). On a
    loaded machine the click can land while the dropdown is still opening and do
    nothing; a person would click again, and so does this (up to three times)."""
    for _ in range(3):
        account = page.get_by_test_id("current-user")
        if account.count():
            open_account_menu(page).locator("form[action$='/uscita/'] button").click()
        else:
            page.locator("form[action$='/uscita/'] button").first.click()
        try:
            expect(page).to_have_url(re.compile(r"/accesso/$"), timeout=5000)
            return
        except AssertionError:
            continue
    expect(page).to_have_url(re.compile(r"/accesso/$"))
