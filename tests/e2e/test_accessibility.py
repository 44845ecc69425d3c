"""axe-core (the npm package, pinned in package-lock.json) finds no WCAG 2.1 A or AA violation
on any page: public pages in English and Spanish, a form showing its errors, and the desk."""

import json
import os
from pathlib import Path

import pytest

from incidents.models import Incident
from tests.e2e.conftest import desk_login
from tests.e2e.test_journey import seeded  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing: `make test` installs it (npm ci).")
        pytest.skip("axe-core is missing: run `make tools` (npm ci).")
    return AXE.read_text()


def violations(page, axe_source, skip=()) -> list[str]:
    # evaluate() runs outside the page's Content-Security-Policy, which refuses injected scripts.
    page.evaluate(axe_source)
    rules = ", ".join(f"'{rule}': {{enabled: false}}" for rule in skip)
    result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(TAGS)}}}, rules: {{{rules}}}}})")
    assert len(result["passes"]) > 10  # axe ran its rules on this page
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def test_no_page_has_an_accessibility_violation(seeded, live_server, new_page, axe_source):  # noqa: F811
    base = live_server.url
    pid = Incident.objects.filter(status="published").first().public_id
    page = new_page()
    found = {}
    for lang in ("en", "es"):
        page.context.add_cookies([{"name": "lang", "value": lang, "url": base}])
        for path in ["/", "/incidents/", "/incidents/?system=clearview-ai&q=match", f"/incidents/{pid}/", f"/incidents/{pid}/history/",
                     f"/incidents/{pid}/v/1/", f"/incidents/{pid}/correction/", "/systems/", "/systems/clearview-ai/",
                     "/organizations/detroit-police/", "/stats/", "/about/methods/", "/submit/", "/submissions/lost-link/"]:
            page.goto(base + path)
            found[f"{path} ({lang})"] = violations(page, axe_source)
    page.goto(f"{base}/submit/")
    page.locator("button[type=submit]").click()
    page.locator("#form-errors").wait_for()
    found["/submit/ with errors"] = violations(page, axe_source)
    desk = new_page()
    desk_login(desk, base)
    for path in ["/moderation/", "/moderation/requests/", "/moderation/deployments/", "/moderation/partners/", "/moderation/tokens/",
                 f"/moderation/incidents/{pid}/"]:
        desk.goto(base + path)
        found[f"desk {path}"] = violations(desk, axe_source)
    # The API documentation is Swagger UI's page: its operation headers nest a button in a
    # button (nested-interactive), which only Swagger UI itself can change; every other rule holds.
    page.goto(f"{base}/api/docs/")
    page.locator(".opblock").first.wait_for()
    found["/api/docs/"] = violations(page, axe_source, skip=["nested-interactive"])
    found = {k: v for k, v in found.items() if v}
    assert found == {}, json.dumps(found, indent=1)
