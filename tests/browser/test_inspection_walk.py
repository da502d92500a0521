"""Inspection mode in Chromium: the administrator creates an inspector login (the password is shown once); the inspector
signs in with it, reads a child's record and a missing episode with no change buttons offered; when the access ends the
inspector's next page is the sign-in page. axe-core finds no serious or critical violations on any page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safehub.missing.tests.fixtures import missing_world  # noqa: F401 - episodes for the inspector to read
from safehub.trust.models import InspectorAccess

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_admin_creates_an_inspector_who_reads_but_cannot_change_until_access_ends(
    page, browser, live_server, world, personas, missing_world  # noqa: F811
):
    sign_in(page, personas["admin"].username, "correct-horse-battery")
    page.goto("/trust/inspectors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspector access")
    assert run_axe(page) == []
    page.get_by_label("First name").fill("Ines")
    page.get_by_label("Last name").fill("Pector")
    page.get_by_label("Email address").fill("ines@example.org")
    page.get_by_label("Username").fill("ofsted.ines")
    page.get_by_label("Organisation").fill("Ofsted")
    page.get_by_label("Inspection").fill("JTAI: exploitation")
    page.get_by_label("Access for how many days?").fill("30")
    page.get_by_role("button", name="Create login").click()
    created = page.get_by_test_id("created")
    expect(created).to_contain_text("ofsted.ines")
    assert run_axe(page) == []
    screenshot(page, "inspection-created")
    password = created.locator("strong").nth(1).inner_text()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    inspector = context.new_page()
    try:
        sign_in(inspector, "ofsted.ines", password)
        inspector.goto(f"/missing/episodes/{missing_world.police_episode.pk}/")
        expect(inspector.get_by_role("heading", level=1)).to_have_text(world.police_child.full_name)
        expect(inspector.get_by_role("link", name="Record the return")).to_have_count(0)
        expect(inspector.get_by_role("link", name="Review the risk grade")).to_have_count(0)
        assert run_axe(inspector) == []
        inspector.goto(f"/people/children/{world.health_only_child.pk}/")
        expect(inspector.get_by_role("heading", level=1)).to_contain_text(world.health_only_child.family_name)
        screenshot(inspector, "inspection-child")

        InspectorAccess.objects.filter(user__username="ofsted.ines").update(
            starts_at=timezone.now() - dt.timedelta(days=31), expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        inspector.goto(f"/people/children/{world.health_only_child.pk}/")
        expect(inspector).to_have_url(f"{live_server.url}/login/?ended=inspection")
        expect(inspector.get_by_role("button", name="Sign in")).to_be_visible()
    finally:
        context.close()
