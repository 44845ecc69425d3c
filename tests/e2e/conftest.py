"""A real headless Chromium (Debian's package, driven by Playwright through executable_path; never downloaded)."""

import os
import shutil

import pytest
from django.contrib.auth import get_user_model

from tests.factories import totp_code

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's chromium) or set CHROMIUM_PATH."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run", "--disable-gpu"],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(**kwargs):
        context = browser.new_context(viewport=kwargs.pop("viewport", {"width": 1200, "height": 900}), **kwargs)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Any request to another origin is a failure: pages must load nothing from elsewhere.
        page.on("request", lambda request: request.url.startswith(("http://localhost", "http://127.0.0.1", "data:", "about:"))
                or pytest.fail(f"page requested another origin: {request.url}"))
        return page

    yield make
    for context in contexts:
        context.close()


def desk_login(page, base, username="mod-e2e", password="correct horse battery staple"):
    """Sign a moderator in to the desk in this page: password, then the second factor."""
    page.goto(f"{base}/moderation/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(get_user_model().objects.get(username=username)))
    page.get_by_role("button", name="Continue").click()
