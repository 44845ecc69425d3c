"""End to end in Chromium: a report goes from the form to publication and out through every public surface."""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import desk_login
from tests.factories import (
    OrganizationFactory,
    SystemFactory,
    make_moderator,
    publish_new,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TITLE = "Delivery driver arrested after a face search matched a mugshot"


@pytest.fixture
def seeded(live_server):
    moderator = make_moderator(username="mod-e2e")
    vendor = OrganizationFactory(name="Clearview AI Inc", slug="clearview-inc", kind="vendor", country="US")
    SystemFactory(name="Clearview AI", slug="clearview-ai", vendor=vendor, aliases=["Clearview"])
    OrganizationFactory(name="Detroit Police Department", slug="detroit-police", kind="police", country="US")
    for n, (title, country) in enumerate([("Shopper wrongly banned after a watch-list match", "GB"),
                                          ("Man held for 30 hours after a licence-photo match", "US"),
                                          ("Traveller refused boarding after a face check failed", "FR")]):
        publish_new(moderator, title=title, systems=["clearview-ai"], operators=["detroit-police"] if country == "US" else [],
                    country=country, region="Michigan" if country == "US" else "", city="Detroit" if country == "US" else "",
                    incident_date=f"202{n + 2}-0{n + 3}-1{n}")
    return moderator


def test_report_to_publication_journey(seeded, live_server, new_page):
    base = live_server.url
    # 1. Someone reports a case with two sources and an outcome.
    page = new_page()
    page.goto(f"{base}/submit/")
    page.get_by_label("Short title").fill(TITLE)
    page.get_by_label("What happened", exact=True).fill("Police ran a doorbell-camera still through a face search and arrested the top candidate.")
    page.get_by_label("Date", exact=True).fill("2024-09-14")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("City or place").fill("Detroit")
    page.locator("#systems-1").fill("Clearview")
    page.locator("#operators-1").fill("Detroit Police Department")
    page.get_by_label("What went wrong?").select_option("false_match")
    page.locator("#sources-0-url").fill("https://example.org/news/driver-arrested")
    page.locator("#sources-0-title").fill("Driver arrested on a face match")
    page.locator("#sources-1-url").fill("https://example.org/court/driver-complaint")
    page.locator("#sources-1-source_type").select_option("court_record")
    # Rows can be added and removed without a reload.
    page.get_by_role("button", name="Add another source").click()
    assert page.locator("[data-rows=sources] [data-row-list] > fieldset").count() == 3
    page.locator("[data-rows=sources] [data-row-list] > fieldset").nth(2).get_by_role("button", name="Remove this source").click()
    page.locator("#outcomes-0-type").select_option("arrested")
    page.locator("#outcomes-0-sources").fill("1, 2")
    page.get_by_label("Email (optional, never published)").fill("driver@example.org")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text("Keep this private link").wait_for()
    status_url = page.locator("#status-link").get_attribute("href")
    page.goto(status_url)
    assert "Waiting for a moderator" in page.locator("#status").inner_text()

    # 2. A moderator logs in and asks for a change.
    desk = new_page()
    desk_login(desk, base)
    desk.get_by_role("link", name=TITLE).click()
    assert "driver@example.org" in desk.content()
    desk.get_by_role("button", name="Claim for review").click()
    desk.get_by_label("Ask the submitter").fill("Which precinct made the arrest?")
    desk.get_by_role("button", name="Request changes").click()
    assert "Changes requested" in desk.locator("#record-status").inner_text()

    # 3. The submitter answers on the status page.
    page.goto(status_url)
    assert "Which precinct made the arrest?" in page.content()
    page.get_by_label("Your answer").fill("The 3rd Precinct.")
    page.get_by_role("button", name="Send the answer").click()
    page.get_by_text("Your answer was sent").wait_for()

    # 4. The moderator sees the answer, adds it to the draft in the edit form, and publishes.
    desk.goto(f"{base}/moderation/")
    assert "Submitter answered" in desk.content()
    desk.get_by_role("link", name=TITLE).click()
    assert "The 3rd Precinct." in desk.content()
    desk.get_by_role("button", name="Claim for review").click()
    desk.get_by_role("link", name="Edit the draft").click()
    assert desk.locator("#title").input_value() == TITLE and "rewrite first-person text" in desk.content()
    desk.get_by_label("Region or state").fill("Michigan")
    desk.get_by_role("button", name="Save the draft").click()
    desk.get_by_text("Draft saved: region changed.").wait_for()
    assert "region: — → Michigan" in desk.content()
    desk.get_by_role("button", name="Publish").click()
    desk.get_by_text("Published as WIR-").wait_for()
    public_id = re.search(r"Published as (WIR-\d{4}-\d{4})", desk.content()).group(1)

    # 5. It is found by search, on its system page, in the feed and in the CSV export.
    reader = new_page()
    reader.goto(f"{base}/incidents/?q=delivery+driver")
    reader.get_by_role("link", name=TITLE).click()
    assert public_id in reader.content() and "Cite this record" in reader.content()
    assert "driver@example.org" not in reader.content()
    reader.goto(f"{base}/systems/clearview-ai/")
    assert TITLE in reader.content()
    feed = reader.request.get(f"{base}/feed.atom").text()
    assert public_id in feed
    csv = reader.request.get(f"{base}/api/v1/incidents/export.csv?system=clearview-ai").text()
    assert public_id in csv and "driver@example.org" not in csv
    status = new_page()
    status.goto(status_url)
    assert "Published" in status.locator("#status").inner_text() and public_id in status.content()


def test_screenshots_for_the_readme(seeded, live_server, new_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport={"width": 1200, "height": 850})
    page.goto(f"{live_server.url}/incidents/?system=clearview-ai")
    page.get_by_text("3 incidents").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "incident-list.png"))
    page.goto(f"{live_server.url}/systems/clearview-ai/")
    assert page.locator("svg.chart").count() >= 2
    page.screenshot(path=str(SCREENSHOTS / "system-page.png"), full_page=True)


def test_pages_work_at_phone_width_and_by_keyboard(seeded, live_server, new_page):
    page = new_page(viewport={"width": 375, "height": 740})
    page.goto(f"{live_server.url}/incidents/")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.goto(f"{live_server.url}/submit/")
    unlabeled = page.evaluate("""Array.from(document.querySelectorAll('main input:not([type=hidden]), main select, main textarea'))
        .filter(el => !el.closest('template') && !(el.id && document.querySelector(`label[for="${el.id}"]`)) && !el.closest('label')).length""")
    assert unlabeled == 0
