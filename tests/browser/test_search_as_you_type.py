"""Find a child in Chromium: results arrive as the name is typed (htmx), and the page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safehub.people.search import service

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def test_results_appear_while_typing(page, world, personas):
    service.reset()
    page.goto("/login/")
    page.get_by_label("Username").fill(personas["mash_practitioner"].username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    page.goto("/people/children/")
    page.get_by_label("Name").press_sequentially("Livvy Brenan", delay=20)
    results = page.locator("#search-results")
    expect(results.get_by_role("heading", name="1 result")).to_be_visible()
    expect(results.get_by_role("link", name="Olivia Brennan")).to_be_visible()
    expect(results).to_contain_text("surname spelt slightly differently")
    assert "name=" not in page.url  # the page did not reload: htmx swapped the results in
    assert run_axe(page) == []
    screenshot(page, "search-as-you-type")
    service.reset()
