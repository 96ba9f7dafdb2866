"""A coordinator opens the dashboard from the navigation, changes the period, sees the
figures change, and downloads the indicators as XLSX: the workbook, read back with
openpyxl, holds the same figures as the page."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import open_navigation
from tests.dashboard import dashboard_world

TABLET = {"width": 1024, "height": 768}


def page_figures(page) -> dict[str, str]:
    """{indicator key: the figure's text} from the indicators' table on the page."""
    table = page.get_by_test_id("indicators")
    expect(table).to_be_visible()
    return {
        row.get_attribute("data-indicator"): row.get_by_test_id("figure").first.inner_text().strip()
        for row in table.locator("tbody tr").all()
    }


def as_number(text: str):
    """A figure as the page writes it in Italian ("1.234", "66,7 %", "+0,25", "—")."""
    if text == "—":
        return None
    number = text.replace("%", "").replace("+", "").replace(".", "").replace(",", ".").strip()
    return float(number) if "." in number else int(number)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_changes_the_period_and_downloads_the_same_figures(
    page,
    live_server,
    login_as,
    carla,
    project_alfa,
    project_beta,
    coop_alfa,
    coop_beta,
    comune_uno,
    tmp_path,
):
    dashboard_world.build(
        project_alfa=project_alfa,
        project_beta=project_beta,
        coop_alfa=coop_alfa,
        coop_beta=coop_beta,
        comune_uno=comune_uno,
    )
    page.set_viewport_size(TABLET)
    login_as("carla")
    nav = open_navigation(page)
    nav.get_by_role("link", name="Cruscotto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cruscotto della rete")
    page.get_by_test_id("project-links").get_by_role("link", name="Casa Alfa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cruscotto di Casa Alfa")

    # The year so far (the world's households lived in 2025): H1, H7, H10 and H11 are
    # still followed, nobody was referred.
    before = page_figures(page)
    assert before["households"] == "4"
    assert before["referrals_new"] == "0"

    # The first half of 2025.
    page.get_by_label("Dal", exact=True).fill("2025-01-01")
    page.get_by_label("Al", exact=True).fill("2025-06-30")
    page.get_by_role("button", name="Aggiorna").click()
    expect(page.get_by_test_id("indicators").locator("caption")).to_have_text(
        "Indicatori dal 01/01/2025 al 30/06/2025"
    )
    after = page_figures(page)
    assert after["households"] == "6"
    assert after["referrals_new"] == "4"
    assert after["referrals_accepted"] == "66,7 %"
    assert after != before
    expect(
        page.get_by_role("img", name="Andamento mensile dal 01/01/2025 al 30/06/2025")
    ).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Scarica la tabella degli indicatori in XLSX").click()
    download = download_info.value
    assert download.suggested_filename == (
        "cruscotto-casa-alfa-2025-01-01-2025-06-30-indicatori.xlsx"
    )
    # Saved under its own name: openpyxl goes by the file's extension.
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("Indicatore", "Valore")
    labels = [page.locator(f'tr[data-indicator="{key}"] th').inner_text().strip() for key in after]
    assert [row[0] for row in rows[1:]] == labels
    assert [row[1] for row in rows[1:]] == [as_number(text) for text in after.values()]
