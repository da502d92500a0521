"""The MASH review queue in Chromium: open a pair, see the evidence, decide with a reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safehub.linkage.models import ReviewPair

from .conftest import run_axe, screenshot
from .test_accessibility import sign_in

pytestmark = pytest.mark.browser


def test_practitioner_reviews_a_pair(page, world, personas):
    ReviewPair.objects.filter(pk=world.review_pair.pk).update(evidence={"comparisons": [
        {"name": "Given name", "level": "Nickname of the same name", "match_weight": 2.1},
        {"name": "Date of birth", "level": "Exact", "match_weight": 8.4},
    ]})
    sign_in(page, "mash")
    page.get_by_role("link", name="Records to review").click()
    expect(page.get_by_role("heading", name="Records to review")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Olivia Brennan").click()
    expect(page.get_by_role("heading", name="Are these the same child?")).to_be_visible()
    expect(page.get_by_text("Nickname of the same name")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Same child — link these records").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Enter the reason for your decision").first).to_be_visible()
    assert run_axe(page) == []
    screenshot(page, "linkage-review-error")
    page.get_by_label("Reason").fill("Livvy is a short form of Olivia; same NHS number and date of birth")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Decision saved")).to_be_visible()
    screenshot(page, "linkage-review-done")
    world.review_pair.refresh_from_db()
    assert world.review_pair.status == ReviewPair.Status.MATCH
