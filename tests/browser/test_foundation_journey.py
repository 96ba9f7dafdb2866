"""The first journey through the browser: a coordinator logs in, finds the project they
coordinate, sees who does what in it, reads it in English and logs out."""

import re

import pytest
from playwright.sync_api import expect

from partners.models import Organisation, StaffMembership
from projects.models import Participation, Project
from tests.browser.conftest import log_out, open_navigation
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    StaffMembershipFactory,
    UserFactory,
)

Role = Participation.Role
TABLET = {"width": 1024, "height": 768}


def build_cohousing():
    """The co-housing of the Adda Martesana union, coordinated by POP."""
    ccb = OrganisationFactory(
        name="Consorzio Comunità Brianza",
        short_name="CCB",
        slug="ccb",
        kind=Organisation.Kind.CONSORTIUM,
    )
    pop = OrganisationFactory(
        name="Cooperativa sociale POP", short_name="POP", slug="pop", town="Monza", province="MB"
    )
    OrganisationMembershipFactory(member=pop, parent=ccb)
    union = OrganisationFactory(
        name="Unione di Comuni Lombarda Adda Martesana",
        slug="unione-adda-martesana",
        kind=Organisation.Kind.UNION_OF_MUNICIPALITIES,
    )
    project = ProjectFactory(
        name="Co-housing Unione di Comuni Lombarda Adda Martesana",
        short_name="Co-housing Adda Martesana",
        slug="co-housing-adda-martesana",
        kind=Project.Kind.CO_HOUSING,
        target_group="Persone in emergenza abitativa, con priorità a donne con figli.",
        max_stay_months=18,
    )
    ParticipationFactory(project=project, organisation=pop, role=Role.OPERATIONAL_COORDINATOR)
    ParticipationFactory(project=project, organisation=union, role=Role.PROMOTER)
    for name in ["Bellinzago Lombardo", "Liscate", "Pozzuolo Martesana", "Truccazzano"]:
        comune = MunicipalityFactory(name=f"Comune di {name}")
        OrganisationMembershipFactory(member=comune, parent=union)
        ParticipationFactory(project=project, organisation=comune, role=Role.PROMOTER)
        project.area_served.add(comune)
    # Another project, so the coordinator has to pick the right one.
    other = ProjectFactory(name="C.A.Se Desio", slug="case-desio")
    ParticipationFactory(project=other, organisation=ccb, role=Role.LEAD)

    coordinator = UserFactory(username="giovanna", first_name="Giovanna", last_name="Conti")
    StaffMembershipFactory(
        user=coordinator, organisation=pop, role=StaffMembership.Role.COORDINATOR
    )
    return project


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_sees_who_does_what_switches_to_english_and_logs_out(
    page, live_server, login_as
):
    project = build_cohousing()
    page.set_viewport_size(TABLET)

    login_as("giovanna")
    expect(page.get_by_role("heading", level=1)).to_have_text("Buongiorno, Giovanna")

    # From the home page, the project she coordinates.
    coordinated = page.get_by_role("region", name="Progetti che coordini")
    expect(coordinated.get_by_role("link", name="C.A.Se Desio")).to_have_count(0)
    coordinated.get_by_role("link", name=project.name).click()
    expect(page).to_have_url(f"{live_server.url}/progetti/co-housing-adda-martesana/")
    expect(page.get_by_role("heading", level=1)).to_have_text(project.name)
    expect(page.locator("h1")).to_have_count(1)

    # Chi fa cosa: the partners, grouped by their role, each a link.
    who = page.get_by_test_id("who-does-what")
    coordination = who.get_by_role("row").filter(has_text="Coordinamento operativo")
    expect(coordination.get_by_role("link")).to_have_text(["Cooperativa sociale POP"])
    promoters = who.get_by_role("row").filter(has_text="Promotore / finanziatore")
    expect(promoters.get_by_role("link")).to_have_count(5)
    expect(promoters).to_contain_text("Comune di Liscate")
    expect(page.get_by_test_id("max-stay")).to_have_text("18 mesi")
    # A fixed path, so a person can look at the tablet layout after the run.
    page.screenshot(path="/tmp/project.png", full_page=True)  # noqa: S108

    # The partner's page shows its role in the project, and where it belongs.
    coordination.get_by_role("link", name="Cooperativa sociale POP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cooperativa sociale POP")
    project_row = page.get_by_role("row").filter(has_text=project.name)
    expect(project_row).to_contain_text("Coordinamento operativo")
    expect(page.get_by_role("region", name="Fa parte di")).to_contain_text(
        "Consorzio Comunità Brianza"
    )
    page.go_back()

    # The same project through the navigation.
    nav = open_navigation(page)
    nav.get_by_role("link", name="Progetti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progetti")
    page.get_by_role("link", name=project.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(project.name)

    # English, chosen in the footer, stays on the same page.
    page.get_by_label("Lingua").select_option("en")
    page.get_by_role("button", name="Cambia lingua").click()
    expect(page).to_have_url(f"{live_server.url}/progetti/co-housing-adda-martesana/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = open_navigation(page)
    expect(nav).to_have_accessible_name("Main navigation")
    expect(nav.get_by_role("link", name="Projects")).to_be_visible()
    expect(nav.get_by_role("link", name="Network organisations")).to_be_visible()
    expect(page.get_by_role("heading", name="Who does what")).to_be_visible()
    expect(
        page.get_by_test_id("who-does-what")
        .get_by_role("row")
        .filter(has_text="Operational coordination")
    ).to_contain_text("Cooperativa sociale POP")
    expect(page.get_by_test_id("max-stay")).to_have_text("18 months")

    expect(page.get_by_test_id("current-user")).to_have_text("Giovanna Conti")
    # The button is in English; log_out clicks it again if a click is lost.
    expect(page.locator("#main-nav form[action$='/uscita/'] button")).to_have_text("Log out")
    log_out(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Abitare")
    page.goto(f"{live_server.url}/progetti/")
    expect(page).to_have_url(re.compile(r"/accesso/\?next=/progetti/$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_the_italian_error(page, live_server, login_as):
    build_cohousing()
    login_as("giovanna", password="not-her-password")
    expect(page).to_have_url(re.compile(r"/accesso/$"))
    # The form's own alert (the error summary at the top of the page repeats it).
    expect(page.locator("main form .alert")).to_contain_text(
        "Inserisci nome utente e password corretti"
    )
    expect(page.get_by_label("Nome utente")).to_have_value("giovanna")
