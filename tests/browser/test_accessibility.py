"""Each persona signs in through the real login form, sees their dashboard and (where their role allows) a child page,
in Chromium, with no serious or critical axe-core violations. Screenshots go to var/screenshots/."""

from __future__ import annotations

import re

import pytest
from conftest import PERSONA_ROLES
from playwright.sync_api import expect

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser

CHILD_FOR = {
    "mash_practitioner": "restricted_child",
    "police_contributor": "police_child",
    "health_contributor": "health_only_child",
    "panel_chair": "police_child",
    "missing_coordinator": "health_only_child",
}


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    assert run_axe(page) == []
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


@pytest.mark.parametrize("persona", list(PERSONA_ROLES))
def test_persona_walk_is_accessible(page, world, personas, persona):
    sign_in(page, personas[persona].username)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert run_axe(page) == []
    screenshot(page, f"{persona}-dashboard")
    key = CHILD_FOR.get(persona)
    if key is None:
        response = page.goto(f"/people/children/{world.police_child.pk}/")
        assert response.status == 403
        return
    page.goto("/people/children/")
    page.get_by_label("Name").fill(getattr(world, key).family_name)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 result")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name=getattr(world, key).given_name, exact=False).first.click()
    page.wait_for_url(re.compile(r"/people/children/\d+/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(getattr(world, key).family_name)
    assert run_axe(page) == []
    screenshot(page, f"{persona}-child")
