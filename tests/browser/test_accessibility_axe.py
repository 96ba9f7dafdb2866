"""axe-core really runs on the pages the browser tests open, and really finds what is
wrong: a page with an unlabelled field and an image without text fails."""

import pytest

from tests.browser.conftest import WCAG_TAGS


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_axe_checks_every_page_a_test_opens(page, live_server, login_as, alice, axe):
    login_as("alice")
    page.goto(f"{live_server.url}/profilo/sicurezza/")
    page.wait_for_load_state("load")
    axe.check_now()
    checked = axe.checked_urls()
    assert f"{live_server.url}/accesso/" in checked
    assert f"{live_server.url}/profilo/sicurezza/" in checked
    axe.assert_no_violations()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_axe_finds_a_violation(page, live_server, axe):
    page.goto(f"{live_server.url}/accesso/")
    # Let the check that runs on every load report first: breaking the page under it
    # would have it report this test's own breakage after the test cleared it.
    for _ in range(100):
        if axe.checked_urls():
            break
        page.wait_for_timeout(100)
    assert axe.checked_urls() == [f"{live_server.url}/accesso/"]
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML(
                "beforeend",
                '<div id="broken"><input type="text" name="x"><img src="/static/favicon.svg"></div>'
            );
        }"""
    )
    axe.check_now()
    found = {v["id"] for _, violations in axe.results for v in violations}
    assert {"label", "image-alt"} <= found
    assert "wcag21aa" in WCAG_TAGS
    # This test's own breakage is not the page's.
    page.evaluate("() => document.getElementById('broken').remove()")
    axe.results.clear()
