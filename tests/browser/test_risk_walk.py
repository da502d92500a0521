"""A MASH practitioner completes the RFM-style screening on a child in Chromium: sees the computed level, overrides it with
a reason, and sees the history chart. axe-core finds no serious or critical violations on any page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safehub.risk.models import RiskAssessment
from safehub.risk.tests.fixtures import RFM_HIGH

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def test_mash_practitioner_completes_overrides_and_sees_the_chart(page, world, personas):
    page.goto("/login/")
    page.get_by_label("Username").fill(personas["mash_practitioner"].username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")

    page.get_by_role("link", name="Risk assessments").click()
    page.get_by_label("Find a child").fill("Brennan")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Start an assessment for Olivia Brennan")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Start an assessment for Olivia Brennan").click()

    page.get_by_label("Child exploitation screening (risk factor matrix style)").check()
    assert run_axe(page) == []
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child exploitation screening (risk factor matrix style)")
    assert run_axe(page) == []
    screenshot(page, "risk-questions")
    for question, answer in RFM_HIGH.items():
        page.locator(f'input[name="q-{question}"][value="{answer}"]').check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("#computed-level")).to_have_text("The answers give: High")
    expect(page.get_by_text("Score 24.")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("radio", name="Very high", exact=True).check()
    page.get_by_role("button", name="Complete assessment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you chose a different level")
    assert run_axe(page) == []
    screenshot(page, "risk-check-error")
    page.get_by_label("Why is the final level different").fill("Seen with an adult of concern at a hotel last night.")
    page.get_by_role("button", name="Complete assessment").click()

    expect(page.locator("#final-level")).to_have_text("Final level: Very high")
    expect(page.get_by_text("Seen with an adult of concern at a hotel last night.")).to_be_visible()
    assert run_axe(page) == []
    screenshot(page, "risk-result")
    assessment = RiskAssessment.objects.get()
    assert (assessment.score, assessment.computed_level, assessment.final_level) == (24, "high", "very_high")

    page.get_by_role("link", name="See the child's risk history and chart").click()
    chart = page.get_by_role("img", name="Child exploitation screening (risk factor matrix style): level over time")
    expect(chart).to_be_visible()
    expect(page.locator(".moj-timeline__item")).to_have_count(1)
    page.get_by_text("Show the chart as a table").click()
    expect(page.get_by_role("cell", name="Very high")).to_be_visible()
    assert run_axe(page) == []
    screenshot(page, "risk-history")
