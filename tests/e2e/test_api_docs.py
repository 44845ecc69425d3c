"""The API documentation opens in a real browser under the site's Content-Security-Policy:
operations are listed and "Try it out" sends a request and shows its answer."""

import pytest

from tests.factories import make_moderator, publish_new

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_and_try_it_out_works(live_server, new_page):
    moderator = make_moderator(username="mod-docs")
    record = publish_new(moderator, title="Traveller refused boarding after a face check failed", country="FR")
    page = new_page()
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    operation = page.locator(".opblock-summary-path[data-path='/api/v1/incidents/']").first
    operation.wait_for()
    assert page.locator(".opblock").count() > 20
    operation.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    answer = page.locator(".live-responses-table tbody .response-col_status").first
    answer.wait_for()
    assert answer.inner_text().strip().startswith("200")
    assert record.public_id in page.locator(".live-responses-table tbody .response-col_description").first.inner_text()
    assert refused == [], refused
