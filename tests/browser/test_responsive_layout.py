"""The main pages on a phone (360 px), a tablet (768 px) and a laptop (1366 px), in
Italian and in English: the page itself never scrolls sideways (wide tables scroll in
their own box, the navigation collapses), a 10,000-character word wraps, and axe-core
finds no WCAG 2.1 A/AA violation at any of the widths."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from beneficiaries.models import Person
from tests.browser.conftest import current_totp_code, watch_with_axe
from tests.dashboard import dashboard_world
from tests.factories import (
    ActionFactory,
    AutonomyAssessmentFactory,
    CaseNoteFactory,
    GoalFactory,
    PersonFactory,
    SupportPlanFactory,
)

WIDTHS = [360, 768, 1366]
LONG_WORD = "Abitare" * 1428 + "fine"  # 10,000 characters, not one space
LOCALES = {"it": "it-IT", "en": "en-GB"}


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def _widest(page) -> list[str]:
    """The outermost elements that stick out of the window, to say what to fix."""
    return page.evaluate(
        """() => {
            const clipped = (el) => {
                for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(a).overflowX)) {
                        return true;
                    }
                }
                return false;
            };
            const out = [];
            for (const el of document.querySelectorAll("body *")) {
                const right = el.getBoundingClientRect().right;
                const parent = el.parentElement;
                if (right > window.innerWidth + 1 && !clipped(el)
                    && (parent === document.body || parent.getBoundingClientRect().right <= window.innerWidth + 1
                        || clipped(parent))) {
                    out.push(el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " " + Math.round(right));
                }
            }
            return out.slice(0, 5);
        }"""
    )


def _log_in(page, base_url, username, password="correct-horse-battery"):
    """The login form, in whichever language the browser asks for (fields by name)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core import two_factor

    user = get_user_model().objects.get(username=username)
    device = None
    if two_factor.is_required(user):
        device = two_factor.app_device(user) or TOTPDevice.objects.create(
            user=user, name=two_factor.TOTP_DEVICE_NAME, confirmed=True
        )
    page.goto(f"{base_url}/accesso/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    if device is not None:
        expect(page).to_have_url(re.compile(r"/accesso/verifica/"))
        page.locator("input[name=code]").fill(current_totp_code(device))
        page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/accesso/"))


def _world(*, household_alfa, project_alfa, project_beta, coop_alfa, coop_beta, comune_uno):
    world = dashboard_world.build(
        project_alfa=project_alfa,
        project_beta=project_beta,
        coop_alfa=coop_alfa,
        coop_beta=coop_beta,
        comune_uno=comune_uno,
    )
    household = household_alfa
    reference = household.members.get()
    reference.codice_fiscale = "LMRFTM88E57Z330X"
    reference.phone = "+39 333 123 4567"
    reference.email = "fatima.elamrani.lunghissimo.indirizzo@example.org"
    reference.residence_permit_kind = Person.PermitKind.INTERNATIONAL_PROTECTION
    reference.residence_permit_expires_on = datetime.date(2027, 12, 1)
    reference.save()
    for first_name, born, tax_code in [
        ("Samir", datetime.date(2014, 3, 2), "LMRSMR14C02F205Z"),
        ("Yasmine", datetime.date(2018, 7, 9), "LMRYSM18L49F205K"),
    ]:
        PersonFactory(
            household=household,
            relationship=Person.Relationship.CHILD,
            first_name=first_name,
            last_name="El Amrani",
            birth_date=born,
            codice_fiscale=tax_code,
            residence_permit_kind=Person.PermitKind.FAMILY,
            residence_permit_expires_on=datetime.date(2027, 12, 1),
        )
    household.notes = LONG_WORD
    household.save()
    case = household.cases.get()
    plan = SupportPlanFactory(case=case, summary="Una casa propria. " + LONG_WORD)
    goal = GoalFactory(plan=plan, description="Trovare un lavoro stabile " + LONG_WORD)
    # An action is at most 300 characters: the longest unbroken one there can be.
    ActionFactory(goal=goal, description="Iscrizione " + LONG_WORD[:280])
    CaseNoteFactory(case=case, text=LONG_WORD, duration_minutes=45)
    CaseNoteFactory(case=case, text="Visita domiciliare, tutto in ordine.", duration_minutes=90)
    AutonomyAssessmentFactory(case=case, moment="entry", taken_on=datetime.date(2026, 2, 1))
    AutonomyAssessmentFactory(
        case=case, moment="review", taken_on=datetime.date(2026, 5, 1), levels={"housing": 4}
    )
    unit = world.units.get("U1") if world.units else None
    if unit is not None:
        unit.notes = LONG_WORD
        unit.save()
    return world, case, unit


def _pages(*, case, project, unit):
    household = case.household
    worker = {
        "La mia giornata": "/",
        "household file": household.get_absolute_url(),
        "case": f"/prese-in-carico/{case.public_id}/",
        "plan": f"/prese-in-carico/{case.public_id}/progetto/",
        "diary": f"/prese-in-carico/{case.public_id}/diario/",
    }
    coordinator = {
        "home": "/",
        "occupancy board": f"/alloggi/progetti/{project.slug}/",
        "network dashboard": "/progetti/cruscotto/",
        "project dashboard": f"/progetti/{project.slug}/cruscotto/",
        "caseloads": "/progetti/carichi/",
    }
    if unit is not None:
        coordinator["unit"] = f"/alloggi/unita/{unit.pk}/"
    return {"alice": worker, "carla": coordinator}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["it", "en"])
def test_the_main_pages_fit_a_phone_a_tablet_and_a_laptop(
    browser,
    live_server,
    language,
    alice,
    carla,
    household_alfa,
    project_alfa,
    project_beta,
    coop_alfa,
    coop_beta,
    comune_uno,
):
    _world_, case, unit = _world(
        household_alfa=household_alfa,
        project_alfa=project_alfa,
        project_beta=project_beta,
        coop_alfa=coop_alfa,
        coop_beta=coop_beta,
        comune_uno=comune_uno,
    )
    too_wide, checked = [], []
    watches = []
    for username, pages in _pages(case=case, project=project_alfa, unit=unit).items():
        context = browser.new_context(locale=LOCALES[language], reduced_motion="reduce")
        page = context.new_page()
        watch = watch_with_axe(page)
        watches.append(watch)
        _log_in(page, live_server.url, username)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, (username, name, path)
                expect(page.locator("html")).to_have_attribute("lang", language)
                page.wait_for_load_state("load")
                scroll_width, inner_width = _overflow(page)
                checked.append((width, name))
                if scroll_width > inner_width:
                    too_wide.append(
                        f"{name} ({path}) at {width}px: {scroll_width}px wide, "
                        f"because of {_widest(page)}"
                    )
                watch.check_now()
            # The navigation is one row at 1366 px, collapsed behind the menu below 1200.
            toggler = page.locator(".navbar-toggler")
            nav_links = page.locator("#main-nav > ul.me-auto > li")
            if width >= 1200:
                expect(toggler).to_be_hidden()
                tops = {round(box["y"]) for box in (li.bounding_box() for li in nav_links.all())}
                assert len(tops) == 1, f"the navigation wraps at {width}px: rows at {tops}"
            else:
                expect(toggler).to_be_visible()
        context.close()
    assert not too_wide, "\n".join(too_wide)
    assert len(checked) == 3 * sum(
        len(p) for p in _pages(case=case, project=project_alfa, unit=unit).values()
    )
    for watch in watches:
        watch.assert_no_violations()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_ten_thousand_character_word_wraps_in_the_diary(
    page, live_server, login_as, alice, case_alfa
):
    CaseNoteFactory(case=case_alfa, text=LONG_WORD)
    page.set_viewport_size({"width": 360, "height": 800})
    login_as("alice")
    page.goto(f"{live_server.url}/prese-in-carico/{case_alfa.public_id}/diario/")
    note = page.get_by_text(re.compile(r"^(Abitare){20}"))
    expect(note).to_be_visible()
    box = note.bounding_box()
    assert box["width"] <= 360
    assert box["height"] > 1000, "the word wrapped onto many lines"
    scroll_width, inner_width = _overflow(page)
    assert scroll_width <= inner_width
