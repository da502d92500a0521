"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against Django's live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("SAFEHUB_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def built_assets():
    from safehub.web.assets import build_assets

    return build_assets()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (CI does this in .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, built_assets, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    """Run axe-core in the page and return the serious and critical violations."""
    from playwright.sync_api import Error as PlaywrightError

    # A click that submits a form starts a navigation the test may not have waited for; axe must run on the page that
    # arrives, not on the one being torn down (whose document.head can already be gone).
    for attempt in range(5):
        page.wait_for_load_state("load")
        try:
            # loaded by URL from the site itself, so the Content-Security-Policy (script-src 'self') allows it
            page.add_script_tag(url=f"{settings.STATIC_URL}axe/axe.min.js")
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            break
        except PlaywrightError:
            if attempt == 4:
                raise
            page.wait_for_timeout(200 * (attempt + 1))
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pytest_collection_modifyitems(config, items):
    """A real browser against a live server on a busy 2-core machine can lose a race the code under test did not cause
    (a navigation still in flight, a slow first paint): each browser walk gets up to two more tries. A walk that fails
    three times is a real failure; reruns are reported in the summary (`R`), so flakiness stays visible."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))
