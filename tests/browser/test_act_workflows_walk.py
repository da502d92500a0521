"""The 2026 Act workflows in Chromium: on a child's page a MASH practitioner records a decision to consider care
proceedings, is refused issue without an offer of family group decision-making, records the offer; records an NRM referral
and sees its reasonable grounds date; and records a notice of home education for a child on a child protection plan, which
raises the alert. Every page passes axe-core with no serious or critical violations.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from safehub.intake import services
from safehub.intake.models import CareProceedings, FgdmOffer, HomeEducationNotice, NrmReferral

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def accessible(page, name: str) -> None:
    assert run_axe(page) == [], name
    screenshot(page, f"act-{name}")


def test_act_workflows_walk(page, world, personas):
    mash = personas["mash_practitioner"]
    services.start_plan(world.police_child, type="cp", actor=mash, start_on=dt.date(2025, 11, 3), lead_practitioner=mash)
    sign_in(page, mash.username)
    page.goto(f"/intake/children/{world.police_child.pk}/act/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Care proceedings, NRM and home education")
    accessible(page, "child-empty")

    # the decision to consider proceedings on Thursday 18 December 2025: offer due 6 January 2026 (10 working days)
    form = page.get_by_test_id("form-proceedings")
    form.get_by_label("Date of the decision to consider care proceedings").fill("2025-12-18")
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision to consider care proceedings recorded")).to_be_visible()
    proceedings = CareProceedings.objects.get()
    card = page.get_by_test_id(f"proceedings-{proceedings.pk}")
    expect(card).to_contain_text("Tuesday 6 January 2026")
    accessible(page, "proceedings")

    # issue is refused without an offer (or a manager's exception)
    page.get_by_label("Date proceedings were issued").fill("2025-12-22")
    page.get_by_role("button", name="Record the issue").click()
    expect(page.get_by_text("Record the offer of family group decision-making, or an exception").first).to_be_visible()
    accessible(page, "issue-refused")

    page.get_by_label("Date family group decision-making was offered").fill("2025-12-19")
    page.get_by_role("button", name="Record the offer").click()
    expect(page.get_by_text("Offer of family group decision-making recorded")).to_be_visible()
    expect(page.get_by_test_id(f"proceedings-{proceedings.pk}")).to_contain_text("On time")
    assert FgdmOffer.objects.get().offered_on == dt.date(2025, 12, 19)

    # an NRM referral on Tuesday 23 December 2025: reasonable grounds due Friday 2 January 2026
    form = page.get_by_test_id("form-nrm")
    form.get_by_label("Date of the referral").fill("2025-12-23")
    form.get_by_label("First responder organisation").fill("Northshire Police")
    form.get_by_label("First responder's name").fill("DC Peter Oduya")
    form.get_by_label("Type of exploitation").select_option(label="Criminal exploitation")
    form.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_text("NRM referral recorded")).to_be_visible()
    referral = NrmReferral.objects.get()
    expect(page.get_by_test_id(f"nrm-{referral.pk}")).to_contain_text("Due by Friday 2 January 2026")
    accessible(page, "nrm")

    # taken off the school roll while on a child protection plan: the alert
    form = page.get_by_test_id("form-home_education")
    form.get_by_label("School that took the child off its roll").fill("Riverside Academy")
    form.get_by_label("Date the child came off the roll").fill("2026-01-12")
    form.get_by_role("button", name="Record the notice").click()
    expect(page.get_by_text("Alert raised: the council must decide on consent to home education")).to_be_visible()
    notice = HomeEducationNotice.objects.get()
    expect(page.get_by_test_id(f"home-education-{notice.pk}")).to_contain_text("needs the council's consent")
    accessible(page, "home-education-alert")

    page.goto("/intake/fgdm/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Family group decision-making before care proceedings")
    expect(page.get_by_test_id("fgdm-count-offered")).to_have_text("1")
    accessible(page, "fgdm-report")
    page.goto("/intake/cp-is/?as_of=2026-01-12")
    expect(page.get_by_role("heading", level=1)).to_have_text("CP-IS exchange")
    accessible(page, "cpis")
