"""A board member reads the partnership scorecard in Chromium: the table with RAG, direction of travel and sparklines, an
indicator's chart and commentary, and the standards matrix. No child-level data is reachable; axe-core finds no serious or
critical violations. Screenshots go to var/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safehub.performance import services
from safehub.performance.tests.fixtures import NOW, performance_world, scorecard_world  # noqa: F401 - fixtures

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def test_board_member_reads_the_scorecard_and_the_standards_matrix(page, scorecard_world, performance_world, personas):  # noqa: F811
    services.save_commentary("contacts", "2026-03", text="Contacts rose after the schools' safeguarding week.",
                             actor=personas["analyst"])
    standards = list(performance_world.standard_set.standards.all())
    for persona, rags in (("police_contributor", "gag"), ("health_contributor", "ggr")):
        for standard, letter in zip(standards, rags, strict=True):
            rag = {"g": "green", "a": "amber", "r": "red"}[letter]
            services.rate_standard(performance_world.round, standard, actor=personas[persona], rag=rag, evidence="Audit",
                                   action_plan="" if rag == "green" else "Plan", now=NOW)

    page.goto("/login/")
    page.get_by_label("Username").fill(personas["board_member"].username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    expect(page.get_by_test_id("performance-panel")).to_contain_text("Partnership scorecard")

    page.get_by_role("link", name="Scorecard", exact=True).click()
    page.goto("/reports/scorecard/?month=2026-03")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership scorecard")
    expect(page.locator("#row-contacts")).to_contain_text("*")
    expect(page.locator("#row-contacts")).to_contain_text("Contacts rose after the schools")
    assert page.locator("#row-contacts svg").count() == 1
    assert page.get_by_text("Scorecard1").count() == 0
    assert run_axe(page) == []
    screenshot(page, "scorecard-board-member")

    page.get_by_role("link", name="Missing episodes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Missing episodes")
    expect(page.get_by_role("img", name="Line chart of Missing episodes over 12 periods; the values are in the table below")
           ).to_be_visible()
    assert page.get_by_role("link", name="Records behind this figure").count() == 0  # never for the board
    assert run_axe(page) == []
    screenshot(page, "scorecard-indicator-board-member")

    page.get_by_role("link", name="Standards", exact=True).click()
    page.get_by_role("link", name="Matrix for Round 2026").click()
    expect(page.get_by_test_id("matrix")).to_contain_text("Police")
    assert run_axe(page) == []
    screenshot(page, "standards-matrix-board-member")

    response = page.goto(f"/people/children/{scorecard_world.children[1].pk}/")
    assert response.status == 403
