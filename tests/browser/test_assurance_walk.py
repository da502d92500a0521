"""Learning and assurance in Chromium: the board opens a section 11 round, police and health submit their returns, a
challenge panel records an action, the board member sees the matrix; a rapid review's due date is computed across the
Spring bank holiday; a recommendation's action is completed with evidence. axe-core clean throughout; screenshots in
var/screenshots/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from safehub.meetings import services as meetings_services

from .conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def signed_in(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def submit_return(page, round_url: str, agency: str, rag: str) -> None:
    page.goto(round_url)
    page.get_by_role("link", name=agency).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(agency)
    assert run_axe(page) == []
    for select in page.locator("select[name^=rag_]").all():
        select.select_option(rag)
    for evidence in page.locator("textarea[name^=evidence_]").all():
        evidence.fill(f"{agency} safeguarding policy and audit 2025")
    if rag != "green":
        for plan in page.locator("textarea[name^=action_plan_]").all():
            plan.fill("Refresh level 3 training by March")
    page.get_by_role("button", name="Submit return").click()
    expect(page.get_by_text("Return submitted")).to_be_visible()
    page.context.close()


def test_assurance_walk(browser, built_assets, live_server, world, personas):
    board_member = personas["board_member"]
    scrutiny = meetings_services.create_body(actor=board_member, name="Section 11 Challenge Panel", kind="scrutiny")
    meetings_services.create_meeting(scrutiny, actor=board_member, date=dt.date(2025, 7, 10), venue="Civic Centre")

    # The board member opens a round for police and health
    board = signed_in(browser, live_server, "board")
    board.get_by_role("link", name="Assurance").click()
    board.get_by_role("link", name="Section 11 self-assessment").click()
    board.get_by_role("link", name="Open a round").click()
    assert run_axe(board) == []
    board.get_by_label("Name of the round").fill("Section 11 audit 2025")
    board.get_by_label("Date the round opens").fill("2025-04-01")
    board.get_by_label("Date returns are due").fill("2025-06-30")
    board.get_by_label("Police").check()
    board.get_by_label("Health").check()
    board.get_by_role("button", name="Send to agencies").click()
    board.wait_for_url(re.compile(r"/assurance/section11/\d+/$"))
    round_url = board.url
    expect(board.get_by_text("Section 11 audit 2025 sent to 2 agencies")).to_be_visible()

    # Police and health each sign in and submit
    submit_return(signed_in(browser, live_server, "police"), round_url, "Police", "green")
    submit_return(signed_in(browser, live_server, "health"), round_url, "Health", "amber")

    # The challenge panel challenges health's return and agrees an action
    board.goto(round_url)
    board.get_by_role("link", name="Health").first.click()
    board.get_by_role("link", name="Record a challenge").click()
    assert run_axe(board) == []
    board.get_by_label("Challenge panel meeting").select_option(label="Section 11 Challenge Panel, 10 July 2025")
    board.get_by_label("Challenge", exact=True).fill("Amber across the board: what will change by March?")
    board.get_by_label("Agreed action (optional)").fill("Training trajectory to the next panel")
    board.get_by_label("Action owner").fill("Designated Nurse")
    board.get_by_label("Action due date").fill("2025-09-30")
    board.get_by_role("button", name="Record challenge").click()
    expect(board.get_by_text("Challenge recorded", exact=True)).to_be_visible()
    expect(board.get_by_text("Section 11 (Health): Training trajectory to the next panel")).to_be_visible()

    # The board member sees the matrix
    board.goto(round_url)
    matrix = board.locator("#s11-matrix")
    expect(matrix).to_be_visible()
    expect(matrix.get_by_role("row", name=re.compile("^Police"))).to_contain_text("Green")
    expect(matrix.get_by_role("row", name=re.compile("^Health"))).to_contain_text("Amber")
    assert run_axe(board) == []
    screenshot(board, "assurance-s11-matrix")
    board.context.close()

    # A rapid review notified on Friday 16 May 2025 is due on Monday 9 June (Spring bank holiday skipped)
    chair = signed_in(browser, live_server, "panel.chair")
    chair.goto("/assurance/reviews/new/")
    assert run_axe(chair) == []
    chair.get_by_label("Review reference (pseudonym)").fill("Child T")
    chair.get_by_label("Date of the notification").fill("2025-05-16")
    chair.get_by_label("Notifying agency").select_option(label="Police")
    chair.get_by_label("Kind of serious incident").fill("Serious harm")
    chair.get_by_label("Child's safehub number (optional)").fill(str(world.police_child.pk))
    chair.get_by_role("button", name="Record notification").click()
    expect(chair.get_by_text("Rapid review due 9 June 2025")).to_be_visible()
    expect(chair.locator("#rapid-review-due")).to_have_text("9 June 2025")
    expect(chair.locator("#review-subject")).to_contain_text(world.police_child.family_name)

    # A recommendation becomes an action on the panel's log, completed with evidence
    chair.get_by_text("Add a recommendation").click()
    chair.get_by_label("Recommendation").fill("Agencies share pre-birth concerns with the MASH.")
    chair.get_by_role("button", name="Add recommendation").click()
    chair.get_by_role("link", name="Add an action for recommendation 1").click()
    assert run_axe(chair) == []
    chair.get_by_label("Meeting that agreed the action").select_option(label="Section 11 Challenge Panel, 10 July 2025")
    chair.get_by_label("Action", exact=True).fill("Revise the pre-birth protocol")
    chair.get_by_label("Owner", exact=True).fill("Designated Nurse")
    chair.get_by_role("button", name="Add action").click()
    chair.get_by_role("link", name=re.compile(r"Complete\s+action")).click()
    chair.get_by_label("Evidence of completion").fill("Protocol v2 signed off by the partners")
    chair.get_by_role("button", name="Mark complete").click()
    expect(chair.get_by_text("Evidence: Protocol v2 signed off by the partners")).to_be_visible()
    assert run_axe(chair) == []
    screenshot(chair, "assurance-case-review")
    chair.context.close()
